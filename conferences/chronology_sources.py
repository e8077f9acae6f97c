"""What conferences and child protection plans add to the child's chronology."""

from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone

from cases.chronology import ChronologyEvent, register
from cases.models import Child
from wirral_cp.dates import day

from .models import ChildProtectionPlan, Conference, ConferenceStatus, TransferIn, TransferOut


@register
def conference_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Conferences held, with their decision."""
    events = []
    held = Conference.objects.filter(child__in=children, status=ConferenceStatus.HELD).order_by(
        "held_on", "pk"
    )
    for c in held:
        decision = f": {c.get_decision_display()}" if c.decision else ""
        category = f" ({c.get_category_display()})" if c.category else ""
        # Held on the day it was booked for: at the booked time (the record has no other).
        booked = c.scheduled_for
        at = booked if booked and timezone.localtime(booked).date() == c.held_on else None
        events.append(
            ChronologyEvent(
                child_id=c.child_id,
                date=c.held_on,  # type: ignore[arg-type]  # a held conference has its date
                source="Conference",
                key=f"conference:{c.pk}",
                description=f"{c.get_conference_type_display()} held{decision}{category}",
                url=reverse("conferences:detail", args=[c.pk]),
                at=at,
            )
        )
    return events


@register
def plan_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Child protection plans starting and ending."""
    events = []
    for plan in ChildProtectionPlan.objects.filter(child__in=children).order_by("start_date", "pk"):
        url = reverse("conferences:plan-detail", args=[plan.child_id, plan.pk])
        events.append(
            ChronologyEvent(
                child_id=plan.child_id,
                date=plan.start_date,
                source="Child protection plan",
                key=f"plan:{plan.pk}:started",
                description=(
                    f"Child protection plan started ({plan.get_initial_category_display()})"
                ),
                url=url,
            )
        )
        if plan.end_date:
            why = f" ({plan.get_end_reason_display().lower()})" if plan.end_reason else ""
            events.append(
                ChronologyEvent(
                    child_id=plan.child_id,
                    date=plan.end_date,
                    source="Child protection plan",
                    key=f"plan:{plan.pk}:ended",
                    description=(
                        f"Child protection plan ended{why}; next: "
                        f"{plan.get_end_next_step_display()}"
                    ),
                    url=url,
                )
            )
    return events


@register
def transfer_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Moves between authorities: a notification that the child moved here on another
    authority's plan, and a move away."""
    events = []
    transfers = TransferIn.objects.filter(child__in=children).select_related("conference")
    for t in transfers.order_by("notified_on", "pk"):
        events.append(
            ChronologyEvent(
                child_id=t.child_id,
                date=t.notified_on,
                source="Transfer in",
                key=f"transfer_in:{t.pk}",
                description=(
                    f"Notified by {t.from_authority} that the child, on their child protection "
                    f"plan since {day(t.other_plan_start)} "
                    f"({t.get_other_category_display().lower()}), has moved here; transfer-in "
                    f"conference due by {day(t.conference.target_date)}"
                ),
                url=reverse("conferences:detail", args=[t.conference_id]),
            )
        )
    for o in TransferOut.objects.filter(child__in=children).order_by("moved_on", "pk"):
        held = (
            f"; their transfer-in conference held {day(o.receiving_conference_on)}"
            if o.receiving_conference_held and o.receiving_conference_on
            else ""
        )
        events.append(
            ChronologyEvent(
                child_id=o.child_id,
                date=o.moved_on,
                source="Transfer out",
                key=f"transfer_out:{o.pk}",
                description=f"Moved to {o.to_authority}{held}",
                url=reverse("conferences:plan-detail", args=[o.child_id, o.plan_id]),
            )
        )
    return events
