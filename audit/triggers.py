"""The statements that make the audit log append-only in the database itself.

Rows of auditlog's LogEntry table may be inserted but never updated, deleted or truncated,
whatever the application (or anyone with a database shell and the application's role) tries.
PostgreSQL gets a plpgsql trigger function, row triggers for UPDATE and DELETE and a statement
trigger for TRUNCATE (which row triggers do not see); SQLite has no TRUNCATE, and gets
BEFORE UPDATE / BEFORE DELETE triggers.

The migrations that install them and the `flush` command (which must empty the whole database
in tests) read them from here. Only the table's owner can lift a trigger: in production the
application connects as a role that does not own the table.
"""

TABLE = "auditlog_logentry"
MESSAGE = "The audit log is append-only: entries cannot be changed or deleted."

POSTGRESQL_FUNCTION = f"""
    CREATE OR REPLACE FUNCTION audit_logentry_append_only() RETURNS trigger AS $$
    BEGIN
        RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'restrict_violation';
    END;
    $$ LANGUAGE plpgsql;
    """

POSTGRESQL_ROW_FORWARD = [
    POSTGRESQL_FUNCTION,
    f"""
    CREATE TRIGGER audit_logentry_no_update BEFORE UPDATE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_logentry_append_only();
    """,
    f"""
    CREATE TRIGGER audit_logentry_no_delete BEFORE DELETE ON {TABLE}
    FOR EACH ROW EXECUTE FUNCTION audit_logentry_append_only();
    """,
]
POSTGRESQL_ROW_REVERSE = [
    f"DROP TRIGGER IF EXISTS audit_logentry_no_update ON {TABLE};",
    f"DROP TRIGGER IF EXISTS audit_logentry_no_delete ON {TABLE};",
    "DROP FUNCTION IF EXISTS audit_logentry_append_only();",
]

POSTGRESQL_TRUNCATE_FORWARD = [
    f"""
    CREATE TRIGGER audit_logentry_no_truncate BEFORE TRUNCATE ON {TABLE}
    FOR EACH STATEMENT EXECUTE FUNCTION audit_logentry_append_only();
    """,
]
POSTGRESQL_TRUNCATE_REVERSE = [
    f"DROP TRIGGER IF EXISTS audit_logentry_no_truncate ON {TABLE};",
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

# What `flush` lifts for the moment it empties the database, and puts back afterwards.
FLUSH_LIFT = {
    "postgresql": (
        [f"ALTER TABLE {TABLE} DISABLE TRIGGER audit_logentry_no_truncate;"],
        [f"ALTER TABLE {TABLE} ENABLE TRIGGER audit_logentry_no_truncate;"],
    ),
    "sqlite": (SQLITE_REVERSE, SQLITE_FORWARD),
}
