"""What Family Help adds to the child's chronology (registered from FamilyHelpConfig.ready)."""

from collections.abc import Sequence

from django.urls import reverse

from cases.chronology import ChronologyEvent, register
from cases.models import Child

from .models import EarlyHelpAssessment, FamilyHelpPlan, FamilyHelpReview, StepDown, StepUp


@register
def family_help_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Early help assessments, Family Help plans and reviews, step-downs and step-ups: one query
    each, whatever the number of children."""
    events: list[ChronologyEvent] = []

    def add(child_id: int, day, key: str, description: str) -> None:
        if day is not None:
            events.append(
                ChronologyEvent(
                    child_id=child_id,
                    date=day,
                    source="Family Help",
                    key=key,
                    description=description,
                    url=reverse("familyhelp:child", args=[child_id]),
                )
            )

    for a in EarlyHelpAssessment.objects.filter(child__in=children):
        add(
            a.child_id,
            a.start_date,
            f"eh_assessment:{a.pk}:started",
            f"Early help assessment started ({a.organisation}, led by {a.lead_practitioner})",
        )
        add(
            a.child_id,
            a.completion_date,
            f"eh_assessment:{a.pk}:completed",
            "Early help assessment completed",
        )
    for p in FamilyHelpPlan.objects.filter(child__in=children):
        add(p.child_id, p.start_date, f"fh_plan:{p.pk}:started", "Family Help plan started")
        add(p.child_id, p.end_date, f"fh_plan:{p.pk}:ended", "Family Help plan ended")
    for r in FamilyHelpReview.objects.filter(plan__child__in=children).select_related("plan"):
        add(r.plan.child_id, r.review_date, f"fh_review:{r.pk}", "Family Help plan reviewed")
    for d in StepDown.objects.filter(child__in=children).select_related("to_team", "agreed_by"):
        add(
            d.child_id,
            d.accepted_on,
            f"step_down:{d.pk}:accepted",
            f"Step-down to Family Help accepted by {d.to_team} (agreed by {d.agreed_by})",
        )
    for u in StepUp.objects.filter(child__in=children).select_related("to_team"):
        add(
            u.child_id,
            u.accepted_on,
            f"step_up:{u.pk}:accepted",
            f"Step-up to children's social care accepted by {u.to_team}",
        )
    events.sort(key=lambda e: (e.date, e.key))
    return events
