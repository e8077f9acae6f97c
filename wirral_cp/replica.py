"""Reads from a PostgreSQL streaming replica (`DATABASE_REPLICA_URL`), for the pages that only
read many rows: the dashboards, the drill-downs and the statutory returns.

A view opts in with `@reads_from_replica`; everything else, and every write, uses the primary.
Inside such a view the reads go to the replica unless:

- the replica is behind the primary by more than `REPLICA_MAX_LAG_SECONDS` (measured when the
  view starts: caught up when it has replayed all the WAL the primary has written, otherwise
  the time since the last transaction it replayed), or cannot be reached: then the primary;
- this request has written case data (`mark_written`, called by the audit app's signal for
  every save or delete of a case app's record), or this session wrote within
  `REPLICA_STICKY_SECONDS` (a POST, PUT, PATCH or DELETE marks the session, see
  `ReplicaStickyMiddleware`): a user who has just written reads their own write, from the
  primary.

`state()` says where this request reads and, on a replica that has not replayed everything, as
of when (`pg_last_xact_replay_timestamp()`): the dashboards show it. Figures read from a
replica that is behind are not kept (dashboards.measures). This module imports no app.
"""

from __future__ import annotations

import contextvars
import functools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

log = logging.getLogger(__name__)

REPLICA = "replica"
SESSION_KEY = "_wrote_at"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class ReadState:
    alias: str  # where this request's reads go
    # On the replica: the time of the last transaction it replayed, when it has not replayed
    # all the primary's WAL (the figures are as of then); None when caught up.
    as_of: datetime | None = None
    # Why the primary, when a replica is configured: "lagging", "unavailable", "wrote".
    reason: str = ""

    @property
    def from_replica(self) -> bool:
        return self.alias != DEFAULT_DB_ALIAS

    @property
    def lagging(self) -> bool:
        return self.as_of is not None


_state: contextvars.ContextVar[ReadState | None] = contextvars.ContextVar(
    "replica_state", default=None
)


def configured() -> bool:
    return REPLICA in settings.DATABASES and getattr(settings, "REPLICA_READS", True)


def state() -> ReadState:
    return _state.get() or ReadState(DEFAULT_DB_ALIAS)


def mark_written() -> None:
    """Case data was written in this request: its later reads go to the primary."""
    current = _state.get()
    if current is not None and current.from_replica:
        _state.set(ReadState(DEFAULT_DB_ALIAS, reason="wrote"))


def replica_lag() -> tuple[bool, datetime | None, float]:
    """(caught up, its last replayed transaction's time, seconds behind) of the replica."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()")
        (primary_lsn,) = cursor.fetchone()
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn, pg_last_xact_replay_timestamp(),"
            " COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)",
            [primary_lsn],
        )
        caught_up, replayed_at, behind = cursor.fetchone()
    return bool(caught_up), replayed_at, 0.0 if caught_up else float(behind)


def _choose(request: Any) -> ReadState:
    if not configured():
        return ReadState(DEFAULT_DB_ALIAS)
    session = getattr(request, "session", None)
    wrote_at = session.get(SESSION_KEY) if session is not None else None
    if wrote_at and time.time() - wrote_at < settings.REPLICA_STICKY_SECONDS:
        return ReadState(DEFAULT_DB_ALIAS, reason="wrote")
    try:
        caught_up, replayed_at, behind = replica_lag()
    except DatabaseError:
        log.warning("The read replica cannot be reached: reading from the primary.", exc_info=True)
        connections[REPLICA].close()
        return ReadState(DEFAULT_DB_ALIAS, reason="unavailable")
    if behind > settings.REPLICA_MAX_LAG_SECONDS:
        return ReadState(DEFAULT_DB_ALIAS, reason="lagging")
    return ReadState(REPLICA, as_of=None if caught_up else replayed_at)


def reads_from_replica(view: Callable) -> Callable:
    """Let this view's reads go to the replica (see the module's docstring)."""

    @functools.wraps(view)
    def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
        token = _state.set(_choose(request))
        try:
            response = view(request, *args, **kwargs)
            # A streamed response reads as it is sent, after the view returns.
            if getattr(response, "streaming", False):
                response.streaming_content = _keeping(
                    _state.get() or ReadState(DEFAULT_DB_ALIAS), response.streaming_content
                )
            return response
        finally:
            _state.reset(token)

    return wrapped


def _keeping(read_state: ReadState, chunks: Any) -> Any:
    token = _state.set(read_state)
    try:
        yield from chunks
    finally:
        _state.reset(token)


class ReplicaRouter:
    """Reads inside a `@reads_from_replica` view go where `state()` says; everything else
    (and every write and migration) uses the primary."""

    def db_for_read(self, model: Any, **hints: Any) -> str | None:
        if model._meta.app_label == "django_cache":
            return DEFAULT_DB_ALIAS  # the kept figures (a database cache): the primary's
        current = _state.get()
        return current.alias if current is not None else None

    def db_for_write(self, model: Any, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        # The replica is a copy of the primary: the same rows.
        return True

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS


class ReplicaStickyMiddleware:
    """A request that may write marks its session, so the user's next reads for a while come
    from the primary (which has their write) rather than a replica that may not yet."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if request.method in WRITE_METHODS and session is not None and configured():
            session[SESSION_KEY] = time.time()
        return response
