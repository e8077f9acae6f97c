"""Make the audit log append-only in the database itself.

Rows of auditlog's LogEntry table may be inserted but never updated or deleted, whatever the
application (or anyone with a database shell and the application's role) tries. PostgreSQL gets a
plpgsql trigger function; SQLite gets BEFORE UPDATE / BEFORE DELETE triggers.

Consequences: a user who appears as an actor cannot be deleted (the foreign key would be set to
NULL), so users are deactivated instead. On SQLite, a later migration that rebuilds the table
drops these triggers; tests/audit/test_append_only.py notices that.
"""

from django.db import migrations

TABLE = "auditlog_logentry"
MESSAGE = "The audit log is append-only: entries cannot be changed or deleted."

POSTGRESQL_FORWARD = [
    f"""
    CREATE OR REPLACE FUNCTION audit_logentry_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql;
    """,
    f"""
    CREATE TRIGGER audit_logentry_no_update BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_logentry_append_only();
    """,
    f"""
    CREATE TRIGGER audit_logentry_no_delete BEFORE DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_logentry_append_only();
    """,
]
POSTGRESQL_REVERSE = [
    f"DROP TRIGGER IF EXISTS audit_logentry_no_update ON {TABLE};",
    f"DROP TRIGGER IF EXISTS audit_logentry_no_delete ON {TABLE};",
    "DROP FUNCTION IF EXISTS audit_logentry_append_only();",
]

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER audit_logentry_no_update BEFORE UPDATE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
    f"""
    CREATE TRIGGER audit_logentry_no_delete BEFORE DELETE ON {TABLE}
    BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;
    """,
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_logentry_no_update;",
    "DROP TRIGGER IF EXISTS audit_logentry_no_delete;",
]

STATEMENTS = {
    "postgresql": (POSTGRESQL_FORWARD, POSTGRESQL_REVERSE),
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
