"""Refuse TRUNCATE of the audit log too: row triggers do not see it (PostgreSQL only; SQLite has
no TRUNCATE)."""

from django.db import migrations

from audit.triggers import POSTGRESQL_TRUNCATE_FORWARD, POSTGRESQL_TRUNCATE_REVERSE


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_TRUNCATE_FORWARD:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in POSTGRESQL_TRUNCATE_REVERSE:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_logentry_append_only")]

    operations = [migrations.RunPython(forwards, backwards)]
