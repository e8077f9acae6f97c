"""What Family Help adds to the child's chronology (registered from FamilyHelpConfig.ready):
early help assessments, Family Help plans and their reviews, step-downs and step-ups. Each
source reads once, whatever the number of children."""

from collections.abc import Sequence
from datetime import date

from django.urls import reverse

from cases.chronology import ChronologyEvent, register
from cases.models import Child

from .models import (
    EarlyHelpAssessment,
    FamilyHelpPlan,
    FamilyHelpRequest,
    FamilyHelpReview,
    StepDown,
    StepUp,
)


def _event(child_id: int, day: date, key: str, description: str) -> ChronologyEvent:
    return ChronologyEvent(
        child_id=child_id,
        date=day,
        source="Family Help",
        key=key,
        description=description,
        url=reverse("familyhelp:child", args=[child_id]),
    )


@register
def early_help_assessment_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    events = []
    for a in EarlyHelpAssessment.objects.filter(child__in=children).order_by("start_date", "pk"):
        events.append(
            _event(
                a.child_id,
                a.start_date,
                f"eh_assessment:{a.pk}:started",
                f"Early help assessment started ({a.organisation}, led by {a.lead_practitioner})",
            )
        )
        if a.completion_date:
            events.append(
                _event(
                    a.child_id,
                    a.completion_date,
                    f"eh_assessment:{a.pk}:completed",
                    "Early help assessment completed",
                )
            )
    return events


@register
def family_help_plan_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    events = []
    for p in FamilyHelpPlan.objects.filter(child__in=children).order_by("start_date", "pk"):
        events.append(
            _event(p.child_id, p.start_date, f"fh_plan:{p.pk}:started", "Family Help plan started")
        )
        if p.end_date:
            events.append(
                _event(p.child_id, p.end_date, f"fh_plan:{p.pk}:ended", "Family Help plan ended")
            )
    return events


@register
def family_help_review_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    reviews = (
        FamilyHelpReview.objects.filter(plan__child__in=children)
        .select_related("plan")
        .order_by("review_date", "pk")
    )
    return [
        _event(r.plan.child_id, r.review_date, f"fh_review:{r.pk}", "Family Help plan reviewed")
        for r in reviews
    ]


@register
def step_down_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    step_downs = (
        StepDown.objects.filter(child__in=children, accepted_on__isnull=False)
        .select_related("to_team", "agreed_by")
        .order_by("accepted_on", "pk")
    )
    return [
        _event(
            d.child_id,
            d.accepted_on,
            f"step_down:{d.pk}:accepted",
            f"Step-down to Family Help accepted by {d.to_team} (agreed by {d.agreed_by})",
        )
        for d in step_downs
        if d.accepted_on is not None
    ]


@register
def step_up_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    step_ups = (
        StepUp.objects.filter(child__in=children, accepted_on__isnull=False)
        .select_related("to_team")
        .order_by("accepted_on", "pk")
    )
    return [
        _event(
            u.child_id,
            u.accepted_on,
            f"step_up:{u.pk}:accepted",
            f"Step-up to children's social care accepted by {u.to_team}",
        )
        for u in step_ups
        if u.accepted_on is not None
    ]


@register
def family_help_request_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    requests = (
        FamilyHelpRequest.objects.filter(child__in=children, accepted_on__isnull=False)
        .select_related("to_team")
        .order_by("accepted_on", "pk")
    )
    return [
        _event(
            q.child_id,
            q.accepted_on,
            f"fh_request:{q.pk}:accepted",
            f"Family Help from a front-door contact accepted by {q.to_team}",
        )
        for q in requests
        if q.accepted_on is not None
    ]
