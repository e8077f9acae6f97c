"""What contacts add to the child's chronology: each contact received, and its decision."""

from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone

from cases.chronology import ChronologyEvent, register
from cases.models import Child

from .models import Contact


@register
def contact_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    events = []
    for c in Contact.objects.filter(child__in=children).order_by("received_at", "pk"):
        url = reverse("frontdoor:contact-detail", args=[c.child_id, c.pk])
        events.append(
            ChronologyEvent(
                child_id=c.child_id,
                date=c.received_date,
                source="Contact",
                key=f"contact:{c.pk}:received",
                description=f"Contact from {c.referrer} ({c.get_source_display()})",
                url=url,
                at=c.received_at,
            )
        )
        if c.decided_at:
            events.append(
                ChronologyEvent(
                    child_id=c.child_id,
                    date=timezone.localtime(c.decided_at).date(),
                    source="Contact",
                    key=f"contact:{c.pk}:decided",
                    description=f"Contact decision: {c.get_decision_display()}",
                    url=url,
                    at=c.decided_at,
                )
            )
    return events
