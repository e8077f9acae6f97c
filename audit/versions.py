"""The data version: a number that moves whenever case data is written, so that a figure
worked out from the data can be kept (dashboards.measures) until the data changes.

On PostgreSQL it is a sequence, `audit_data_version`: taking its next value never waits on
another transaction and is never rolled back. Every save or delete of a model of the case
apps moves it (a signal, below), once in the writing transaction and again after it commits
(a figure worked out between the two from the data before the commit is not kept under the
later number); bulk writers that bypass the signals (the scan, the stored timeliness, the census
import, the synthetic generator) call `bump()` themselves. Elsewhere (SQLite) there is no
version, and nothing is kept.
"""

from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper

from wirral_cp.replica import mark_written

SEQUENCE = "audit_data_version"
# The apps whose records the figures are made of.
# Documents too: the reports shared with parents and the contributions received are figures.
CASE_APPS = frozenset(
    {"accounts", "cases", "strategy", "conferences", "documents", "monitoring", "timescales",
     "familyhelp"}
)


def _enabled(connection: BaseDatabaseWrapper) -> bool:
    return connection.vendor == "postgresql"


def bump(using: str | None = None) -> None:
    """Move the data version on (now, and again once the current transaction commits)."""
    connection = connections[using or DEFAULT_DB_ALIAS]
    if not _enabled(connection):
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(%s)", [SEQUENCE])
    if connection.in_atomic_block and not any(
        getattr(entry[1], "data_version", False) for entry in connection.run_on_commit
    ):

        def after_commit() -> None:
            with connection.cursor() as cursor:
                cursor.execute("SELECT nextval(%s)", [SEQUENCE])

        after_commit.data_version = True  # type: ignore[attr-defined]
        transaction.on_commit(after_commit, using=connection.alias)


def current(using: str | None = None) -> int | None:
    """The data version now, or None where there is none (nothing may then be kept). Read
    from the primary: a replica's copy of the sequence lags with the rest of its data."""
    connection = connections[using or DEFAULT_DB_ALIAS]
    if not _enabled(connection):
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT last_value, is_called FROM {SEQUENCE}")  # noqa: S608
        last_value, is_called = cursor.fetchone()
    return int(last_value) if is_called else 0


def record_changed(sender, using: str | None = None, **kwargs) -> None:
    """post_save / post_delete of any model: a case app's record moves the version."""
    if sender._meta.app_label in CASE_APPS:
        bump(using)
        # The rest of this request reads its own write from the primary.
        mark_written()
