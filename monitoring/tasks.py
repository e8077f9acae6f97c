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


@shared_task(name="monitoring.tasks.evaluate_child", **RETRY)
def evaluate_child(child_id: int) -> dict:
    result = services.timescales_scan(child_ids=[child_id])
    return {"found": len(result.found), "created": result.created, "resolved": result.resolved}


@shared_task(name="monitoring.tasks.send_digests", **RETRY)
def send_digests(day: str | None = None) -> int:
    return digests_send(day=date.fromisoformat(day) if day else None)


def enqueue_child_evaluation(child_id: int) -> None:
    """Re-evaluate one child after the current transaction commits.

    If the broker is down the save still stands: the nightly and hourly scans catch up.
    """

    def _send() -> None:
        try:
            evaluate_child.delay(child_id)
        except Exception:  # noqa: BLE001 - any broker failure must not break a save
            log.warning(
                "Could not enqueue re-evaluation of child %s; the next scan will.",
                child_id,
                exc_info=True,
            )

    transaction.on_commit(_send)
