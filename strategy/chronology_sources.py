"""What strategy discussions and section 47 enquiries add to the child's chronology."""

from collections.abc import Sequence

from django.urls import reverse

from cases.chronology import ChronologyEvent, register
from cases.models import Child
from wirral_cp.dates import day

from .models import Compliance, Section47, StrategyDiscussion


@register
def strategy_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Each strategy discussion, with who took part and what was decided."""
    events = []
    discussions = (
        StrategyDiscussion.objects.filter(child__in=children)
        .prefetch_related("participants")
        .order_by("held_at")
    )
    for d in discussions:
        compliance = Compliance.of(list(d.participants.all()))
        agencies = (
            "" if compliance.compliant else f" Not compliant: no {', '.join(compliance.missing)}."
        )
        events.append(
            ChronologyEvent(
                child_id=d.child_id,
                date=d.held_date,
                source="Strategy discussion",
                key=f"strategy:{d.pk}",
                description=f"{d}: {d.get_s47_decision_display()}.{agencies}",
                url=reverse("strategy:discussion-detail", args=[d.child_id, d.pk]),
                at=d.held_at,
            )
        )
    return events


@register
def section47_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Section 47 enquiries started and concluded."""
    events = []
    for e in Section47.objects.filter(child__in=children).order_by("start_date", "pk"):
        url = reverse("strategy:section47-detail", args=[e.child_id, e.pk])
        events.append(
            ChronologyEvent(
                child_id=e.child_id,
                date=e.start_date,
                source="Section 47",
                key=f"section47:{e.pk}:started",
                description=f"Section 47 enquiry started (ICPC due {day(e.icpc_target_date)})",
                url=url,
            )
        )
        if e.completion_date:
            events.append(
                ChronologyEvent(
                    child_id=e.child_id,
                    date=e.completion_date,
                    source="Section 47",
                    key=f"section47:{e.pk}:completed",
                    description=f"Section 47 enquiry concluded: {e.get_outcome_display()}",
                    url=url,
                )
            )
    return events
