"""Events in a plan's and a conference's life that higher apps may tell others about.

The partners app registers a listener from its AppConfig (it sends webhooks to subscribed
partner systems); this app imports nothing above it. A listener is called inside the service's
transaction with identifiers and dates only, and must defer anything outside the database to
`transaction.on_commit`.
"""

from collections.abc import Callable
from typing import Any

PLAN_STARTED = "plan.started"
PLAN_ENDED = "plan.ended"
CONFERENCE_BOOKED = "conference.booked"
CONFERENCE_MOVED = "conference.moved"

Listener = Callable[[str, dict[str, Any]], None]
_listeners: list[Listener] = []


def register_event_listener(listener: Listener) -> Listener:
    if listener not in _listeners:
        _listeners.append(listener)
    return listener


def announce(event: str, facts: dict[str, Any]) -> None:
    for listener in _listeners:
        listener(event, facts)


def plan_facts(plan: Any) -> dict[str, Any]:
    return {
        "child_id": plan.child_id,
        "plan_id": plan.pk,
        "start_date": plan.start_date,
        "end_date": plan.end_date,
    }


def conference_facts(conference: Any) -> dict[str, Any]:
    return {
        "child_id": conference.child_id,
        "conference_id": conference.pk,
        "conference_type": conference.conference_type,
        "scheduled_for": conference.scheduled_for,
    }
