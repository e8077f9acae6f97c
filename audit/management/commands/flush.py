"""Django's `flush`, able to empty the append-only audit log on SQLite too.

On PostgreSQL `flush` uses TRUNCATE, which row triggers do not see; on SQLite it uses DELETE,
which the append-only triggers refuse, so every transactional test (pytest-django flushes the
database after each) would fail there. On SQLite this lifts the triggers for the flush and puts
them back afterwards, whether or not the flush went ahead. Emptying the whole database is the
one way to remove audit entries, on either database, and it takes the table owner.
"""

from importlib import import_module

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

TRIGGERS = import_module("audit.migrations.0001_logentry_append_only")


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with connection.cursor() as cursor:
            for statement in TRIGGERS.SQLITE_REVERSE:
                cursor.execute(statement)
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for statement in TRIGGERS.SQLITE_FORWARD:
                    cursor.execute(statement)
