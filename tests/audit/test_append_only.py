"""The audit log is append-only in the database: updates and deletes fail there."""

import pytest
from auditlog.models import LogEntry
from django.db import DatabaseError, IntegrityError, connection, transaction

from accounts.models import User
from tests.accounts.factories import UserFactory
from tests.cases.factories import ChildFactory


@pytest.fixture
def entry(world) -> LogEntry:
    child = ChildFactory(allocated_team=world.team)
    entry = LogEntry.objects.get_for_object(child).get(action=LogEntry.Action.CREATE)
    return entry


def _refused(action) -> None:
    # Each attempt in its own savepoint: on PostgreSQL a failed statement spoils the transaction.
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
        action()


def test_new_entries_can_still_be_written(world):
    before = LogEntry.objects.count()
    ChildFactory(allocated_team=world.team)
    assert LogEntry.objects.count() == before + 1


def test_queryset_update_is_refused(entry):
    _refused(lambda: LogEntry.objects.filter(pk=entry.pk).update(object_repr="Nothing to see"))
    entry.refresh_from_db()
    assert entry.object_repr != "Nothing to see"


def test_saving_a_changed_entry_is_refused(entry):
    entry.changes_text = "rewritten"
    _refused(entry.save)


def test_queryset_delete_is_refused(entry):
    _refused(lambda: LogEntry.objects.filter(pk=entry.pk).delete())
    _refused(lambda: LogEntry.objects.all().delete())
    assert LogEntry.objects.filter(pk=entry.pk).exists()


def test_raw_sql_update_and_delete_are_refused(entry):
    table = LogEntry._meta.db_table
    with connection.cursor() as cursor:
        for sql in (
            f"UPDATE {table} SET object_repr = 'x' WHERE id = %s",  # noqa: S608
            f"DELETE FROM {table} WHERE id = %s",  # noqa: S608
        ):
            with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
                cursor.execute(sql, [entry.pk])
    assert LogEntry.objects.filter(pk=entry.pk, object_repr=entry.object_repr).exists()


def test_a_user_named_in_the_log_cannot_be_deleted(world):
    """Deleting would set the entries' actor to NULL, an UPDATE: users are deactivated instead."""
    leaver = UserFactory()
    child = ChildFactory(allocated_team=world.team)
    LogEntry.objects.log_create(child, force_log=True, action=LogEntry.Action.ACCESS, actor=leaver)
    _refused(lambda: User.objects.filter(pk=leaver.pk).delete())
    assert User.objects.filter(pk=leaver.pk).exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="TRUNCATE is PostgreSQL's")
def test_truncate_is_refused(entry):
    """Row triggers do not see TRUNCATE: a statement trigger refuses it, for any role."""
    table = LogEntry._meta.db_table
    with connection.cursor() as cursor:
        # Deferred foreign-key checks would refuse a TRUNCATE for their own reason.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute(f"TRUNCATE {table}")
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            cursor.execute(f"TRUNCATE {table} CASCADE")
    assert LogEntry.objects.filter(pk=entry.pk).exists()
