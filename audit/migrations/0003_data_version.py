"""The data version sequence (audit.versions), PostgreSQL only."""

from django.db import migrations


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("CREATE SEQUENCE IF NOT EXISTS audit_data_version")


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP SEQUENCE IF EXISTS audit_data_version")


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_logentry_no_truncate")]

    operations = [migrations.RunPython(forwards, backwards)]
