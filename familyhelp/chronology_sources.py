"""What Family Help adds to the child's chronology (registered from FamilyHelpConfig.ready)."""

from django.urls import reverse

from cases.chronology import ChronologyEvent, register
from cases.models import Child

from .models import EarlyHelpAssessment, FamilyHelpPlan, FamilyHelpReview, StepDown, StepUp


@register
def family_help_events(child: Child) -> list[ChronologyEvent]:
    """Early help assessments, Family Help plans and reviews, step-downs and step-ups."""
    url = reverse("familyhelp:child", args=[child.pk])
    events: list[ChronologyEvent] = []

    def add(day, key: str, description: str) -> None:
        if day is not None:
            events.append(
                ChronologyEvent(
                    date=day, source="Family Help", key=key, description=description, url=url
                )
            )

    for a in EarlyHelpAssessment.objects.filter(child=child):
        add(
            a.start_date,
            f"eh_assessment:{a.pk}:started",
            f"Early help assessment started ({a.organisation}, led by {a.lead_practitioner})",
        )
        add(a.completion_date, f"eh_assessment:{a.pk}:completed", "Early help assessment completed")
    for p in FamilyHelpPlan.objects.filter(child=child):
        add(p.start_date, f"fh_plan:{p.pk}:started", "Family Help plan started")
        add(p.end_date, f"fh_plan:{p.pk}:ended", "Family Help plan ended")
    for r in FamilyHelpReview.objects.filter(plan__child=child):
        add(r.review_date, f"fh_review:{r.pk}", "Family Help plan reviewed")
    for d in StepDown.objects.filter(child=child).select_related("to_team", "agreed_by"):
        add(
            d.accepted_on,
            f"step_down:{d.pk}:accepted",
            f"Step-down to Family Help accepted by {d.to_team} (agreed by {d.agreed_by})",
        )
    for u in StepUp.objects.filter(child=child).select_related("to_team"):
        add(
            u.accepted_on,
            f"step_up:{u.pk}:accepted",
            f"Step-up to children's social care accepted by {u.to_team}",
        )
    events.sort(key=lambda e: (e.date, e.key))
    return events
