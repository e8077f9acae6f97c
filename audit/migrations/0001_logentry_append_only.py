"""Make the audit log append-only in the database itself.

Rows of auditlog's LogEntry table may be inserted but never updated or deleted, whatever the
application (or anyone with a database shell and the application's role) tries. PostgreSQL gets a
plpgsql trigger function; SQLite gets BEFORE UPDATE / BEFORE DELETE triggers (the statements
are in audit/triggers.py; 0002 adds TRUNCATE).

Consequences: a user who appears as an actor cannot be deleted (the foreign key would be set to
NULL), so users are deactivated instead. On SQLite, a later migration that rebuilds the table
drops these triggers; tests/audit/test_append_only.py notices that.
"""

from django.db import migrations

from audit.triggers import (
    POSTGRESQL_ROW_FORWARD,
    POSTGRESQL_ROW_REVERSE,
    SQLITE_FORWARD,
    SQLITE_REVERSE,
)

STATEMENTS = {
    "postgresql": (POSTGRESQL_ROW_FORWARD, POSTGRESQL_ROW_REVERSE),
    "sqlite": (SQLITE_FORWARD, SQLITE_REVERSE),
}


def _run(schema_editor, forward: bool) -> None:
    vendor = schema_editor.connection.vendor
    if vendor not in STATEMENTS:
        raise NotImplementedError(f"No append-only audit triggers for the {vendor} database.")
    for statement in STATEMENTS[vendor][0 if forward else 1]:
        schema_editor.execute(statement)


def forwards(apps, schema_editor):
    _run(schema_editor, forward=True)


def backwards(apps, schema_editor):
    _run(schema_editor, forward=False)


class Migration(migrations.Migration):
    dependencies = [
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
    ]
