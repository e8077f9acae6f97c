"""What conferences and child protection plans add to the child's chronology."""

from django.urls import reverse

from cases.chronology import ChronologyEvent, register
from cases.models import Child

from .models import ChildProtectionPlan, Conference, ConferenceStatus


@register
def conference_events(child: Child) -> list[ChronologyEvent]:
    """Conferences held, with their decision."""
    events = []
    held = Conference.objects.filter(child=child, status=ConferenceStatus.HELD).order_by(
        "held_on", "pk"
    )
    for c in held:
        decision = f": {c.get_decision_display()}" if c.decision else ""
        category = f" ({c.get_category_display()})" if c.category else ""
        events.append(
            ChronologyEvent(
                date=c.held_on,  # type: ignore[arg-type]  # a held conference has its date
                source="Conference",
                key=f"conference:{c.pk}",
                description=f"{c.get_conference_type_display()} held{decision}{category}",
                url=reverse("conferences:detail", args=[c.pk]),
            )
        )
    return events


@register
def plan_events(child: Child) -> list[ChronologyEvent]:
    """Child protection plans starting and ending."""
    events = []
    for plan in ChildProtectionPlan.objects.filter(child=child).order_by("start_date", "pk"):
        url = reverse("conferences:plan-detail", args=[child.pk, plan.pk])
        events.append(
            ChronologyEvent(
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
            events.append(
                ChronologyEvent(
                    date=plan.end_date,
                    source="Child protection plan",
                    key=f"plan:{plan.pk}:ended",
                    description=(
                        f"Child protection plan ended; next: {plan.get_end_next_step_display()}"
                    ),
                    url=url,
                )
            )
    return events
