"""Event notifications to partner systems: identifiers and dates only, signed, retried.

A service in conferences (conferences/events.py) or documents (a contribution request,
documents/contributions.py) announces an event inside its transaction;
`queue_event` writes one delivery per subscription that may hear of it, in the same
transaction, and hands each to Celery once the transaction commits. Nothing is sent for a
change that was rolled back.

Sending and signing: delivery.py (Celery's task in tasks.py).
"""

import uuid
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from cases.models import Child

from .models import PartnerClient, Scope, WebhookDelivery, WebhookSubscription

# The only keys a payload's `data` may carry: identifiers and dates (tests assert it).
DATA_KEYS = {
    "child",
    "plan_id",
    "start_date",
    "end_date",
    "conference_id",
    "conference_type",
    "scheduled_for",
    "contribution_request_id",
    "due_date",
    "meeting_date",
}
# An event about one organisation (a contribution asked of its people) goes to its clients only.
ADDRESSED = "organisation_id"
CHILD_KEYS = {"nhs_number", "la_child_id"}


def _iso(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


def build_payload(event: str, facts: dict[str, Any], *, event_id: str) -> dict[str, Any]:
    child = Child.objects.filter(pk=facts["child_id"]).first()
    data: dict[str, Any] = {
        key: _iso(value) for key, value in facts.items() if key in DATA_KEYS and key != "child"
    }
    data["child"] = {
        "nhs_number": (child.nhs_number or None) if child else None,
        "la_child_id": child.la_child_id if child else None,
    }
    return {
        "id": event_id,
        "type": event,
        "occurred_at": timezone.now().isoformat(),
        "data": data,
    }


def may_hear(client: PartnerClient, event: str, *, restricted: bool) -> bool:
    if not client.is_usable or not client.has_scope(Scope.EVENTS):
        return False
    return not restricted or client.has_scope(Scope.RESTRICTED_RECORDS)


def queue_event(event: str, facts: dict[str, Any]) -> None:
    """The listener conferences calls: a delivery for every subscription that may hear of it."""
    subscriptions = [
        s
        for s in WebhookSubscription.objects.filter(is_active=True).select_related(
            "client__organisation"
        )
        if event in (s.events or [])
    ]
    if not subscriptions:
        return
    if ADDRESSED in facts:
        subscriptions = [s for s in subscriptions if s.client.organisation_id == facts[ADDRESSED]]
        if not subscriptions:
            return
    restricted = Child.objects.filter(pk=facts["child_id"], is_restricted=True).exists()
    event_id = str(uuid.uuid4())
    payload = build_payload(event, facts, event_id=event_id)
    for subscription in subscriptions:
        if not may_hear(subscription.client, event, restricted=restricted):
            continue
        delivery = WebhookDelivery.objects.create(
            subscription=subscription, event_id=event_id, event=event, payload=payload
        )
        send_later(delivery)


def send_later(delivery: WebhookDelivery) -> None:
    from .tasks import deliver_webhook

    pk = delivery.pk
    transaction.on_commit(lambda: deliver_webhook.delay(pk))


def replay(delivery: WebhookDelivery) -> WebhookDelivery:
    """An administrator sends a logged event again: a new delivery of the same event (same id,
    so the receiver can tell it has seen it) to the same subscription, logged on its own."""
    again = WebhookDelivery.objects.create(
        subscription=delivery.subscription,
        event_id=delivery.event_id,
        event=delivery.event,
        payload=delivery.payload,
        replay_of=delivery,
    )
    send_later(again)
    return again
