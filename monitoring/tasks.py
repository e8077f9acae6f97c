"""Celery tasks: take ids, call one service, safe to retry."""

import logging
from datetime import date

from celery import shared_task
from django.db import InterfaceError, OperationalError, transaction

from . import services
from .notifications import digests_send

log = logging.getLogger(__name__)

RETRY = {
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": True,
    "retry_kwargs": {"max_retries": 5},
}


@shared_task(name="monitoring.tasks.scan_all", **RETRY)
def scan_all(as_of: str | None = None) -> dict:
    result = services.timescales_scan(as_of=date.fromisoformat(as_of) if as_of else None)
    return {
        "found": len(result.found),
        "created": result.created,
        "updated": result.updated,
        "resolved": result.resolved,
    }


@shared_task(name="monitoring.tasks.send_digests", **RETRY)
def send_digests(day: str | None = None) -> int:
    return digests_send(day=date.fromisoformat(day) if day else None)


def enqueue_child_evaluation(child_id: int) -> None:
    """Work the child's timescales out again once the current transaction commits.

    In this process, not through the broker: what is due for the child is stored when the
    record is written (the child's page shows it at once), and a save never waits on Redis, up
    or down. If the evaluation itself fails the save still stands: the nightly and hourly scans
    catch up. Several changes to one child in one transaction are evaluated once.
    """
    connection = transaction.get_connection()
    pending = getattr(connection, "_children_to_evaluate", None)
    if pending is None:
        pending = connection._children_to_evaluate = set()
    pending.add(child_id)
    # One callback per change (a savepoint rolled back takes its own away); the first to run
    # after the commit evaluates every child waiting, the rest find nothing left to do.
    transaction.on_commit(lambda: _evaluate(connection))


def _evaluate(connection) -> None:
    child_ids = sorted(connection._children_to_evaluate)
    connection._children_to_evaluate.clear()
    if not child_ids:
        return
    try:
        services.timescales_scan(child_ids=child_ids)
    except Exception:  # noqa: BLE001 - a failed evaluation must not undo or break a save
        log.warning(
            "Could not re-evaluate children %s; the next scan will.", child_ids, exc_info=True
        )
