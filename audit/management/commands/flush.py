"""Django's `flush`, able to empty the append-only audit log (in tests, and only as the owner).

Emptying the whole database is the one way to remove audit entries. On PostgreSQL `flush` uses
TRUNCATE, which the audit log's statement trigger refuses; on SQLite it uses DELETE, which the
row triggers refuse. So this lifts the triggers for the flush and puts them back afterwards,
whether or not the flush went ahead. Lifting a trigger takes the table's owner: the application's
own role in production does not own the table and cannot do it.
"""

from django.core.management.commands.flush import Command as FlushCommand
from django.db import connections

from audit.triggers import FLUSH_LIFT


class Command(FlushCommand):
    def handle(self, **options):
        connection = connections[options["database"]]
        lift, restore = FLUSH_LIFT.get(connection.vendor, ([], []))
        with connection.cursor() as cursor:
            for statement in lift:
                cursor.execute(statement)
        try:
            return super().handle(**options)
        finally:
            with connection.cursor() as cursor:
                for statement in restore:
                    cursor.execute(statement)
