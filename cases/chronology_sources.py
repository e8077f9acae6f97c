"""What the child's record contributes to the chronology: one query per source, for any
number of children (the child's own chronology, or every child of a family at once).

Imported from `CasesConfig.ready()`. Each source returns its events oldest first; keys are
`<record>:<pk>[:<event>]` and never change, because a worker's own wording is stored against them.
"""

import datetime
from collections.abc import Sequence

from django.urls import reverse
from django.utils import timezone
from django.utils.text import Truncator

from timescales.rules import RETURN_INTERVIEW_HOURS, quantity
from wirral_cp.dates import day, day_time

from .chronology import ChronologyEvent, register
from .models import (
    Allocation,
    Assessment,
    CaseNote,
    Child,
    CINPlan,
    DateAccuracy,
    ManagementOversight,
    ManualChronologyEntry,
    MissingEpisode,
    ProtectiveOrder,
    Referral,
    Visit,
)


def _short(text: str, length: int = 120) -> str:
    return Truncator(" ".join(text.split())).chars(length)


@register
def referral_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Referral received, threshold decision, and closure (noting a step-down to early help)."""
    events = []
    referrals = (
        Referral.objects.filter(child__in=children)
        .select_related("decided_by")
        .order_by("received_at", "pk")
    )
    for referral in referrals:
        child_id = referral.child_id
        url = reverse("cases:referral-detail", args=[child_id, referral.pk])
        key = f"referral:{referral.pk}"
        events.append(
            ChronologyEvent(
                child_id=child_id,
                date=referral.referral_date,
                source="Referral",
                key=f"{key}:received",
                description=(
                    f"Referral received ({referral.get_source_display()}): "
                    f"{_short(referral.reason)}"
                ),
                url=url,
                at=referral.received_at,
            )
        )
        if referral.decision and referral.decided_at:
            by = f" by {referral.decided_by}" if referral.decided_by else ""
            events.append(
                ChronologyEvent(
                    child_id=child_id,
                    date=timezone.localtime(referral.decided_at).date(),
                    source="Referral",
                    key=f"{key}:decision",
                    description=f"Threshold decision{by}: {referral.get_decision_display()}",
                    url=url,
                    at=referral.decided_at,
                )
            )
        if referral.closure_date:
            reason = referral.get_closure_reason_display()
            description = (
                f"Case closed and stepped down to early help ({reason})"
                if referral.stepped_down_to_early_help
                else f"Case closed ({reason})"
            )
            events.append(
                ChronologyEvent(
                    child_id=child_id,
                    date=referral.closure_date,
                    source="Referral",
                    key=f"{key}:closed",
                    description=description,
                    url=url,
                )
            )
    return events


@register
def assessment_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Assessment started, and authorised by a manager."""
    events = []
    assessments = (
        Assessment.objects.filter(child__in=children)
        .select_related("authorised_by")
        .order_by("start_date", "pk")
    )
    for assessment in assessments:
        child_id = assessment.child_id
        url = reverse("cases:referral-detail", args=[child_id, assessment.referral_id])
        key = f"assessment:{assessment.pk}"
        events.append(
            ChronologyEvent(
                child_id=child_id,
                date=assessment.start_date,
                source="Assessment",
                key=f"{key}:started",
                description="Child and family assessment started",
                url=url,
            )
        )
        if assessment.authorised_date:
            by = f" by {assessment.authorised_by}" if assessment.authorised_by else ""
            outcome = f"; outcome: {assessment.get_outcome_display()}" if assessment.outcome else ""
            events.append(
                ChronologyEvent(
                    child_id=child_id,
                    date=assessment.authorised_date,
                    source="Assessment",
                    key=f"{key}:authorised",
                    description=f"Assessment authorised{by}{outcome}",
                    url=url,
                )
            )
    return events


@register
def cin_plan_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Child in need plans starting and ending."""
    events = []
    for plan in CINPlan.objects.filter(child__in=children).order_by("start_date", "pk"):
        url = reverse("cases:cin-plans", args=[plan.child_id]) + f"#cin-plan-{plan.pk}"
        key = f"cin_plan:{plan.pk}"
        events.append(
            ChronologyEvent(
                child_id=plan.child_id,
                date=plan.start_date,
                source="Child in need plan",
                key=f"{key}:started",
                description="Child in need plan started",
                url=url,
            )
        )
        if plan.end_date:
            events.append(
                ChronologyEvent(
                    child_id=plan.child_id,
                    date=plan.end_date,
                    source="Child in need plan",
                    key=f"{key}:ended",
                    description="Child in need plan ended",
                    url=url,
                )
            )
    return events


@register
def allocation_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Each change of allocated team or worker."""
    allocations = (
        Allocation.objects.filter(child__in=children)
        .select_related("team", "worker")
        .order_by("start_date", "pk")
    )
    events = []
    for allocation in allocations:
        who = (
            f"{allocation.worker} ({allocation.team})"
            if allocation.worker
            else f"{allocation.team}, no named worker"
        )
        reason = f": {_short(allocation.reason)}" if allocation.reason else ""
        events.append(
            ChronologyEvent(
                child_id=allocation.child_id,
                date=allocation.start_date,
                source="Allocation",
                key=f"allocation:{allocation.pk}",
                description=f"Allocated to {who}{reason}",
                url=reverse("cases:allocation", args=[allocation.child_id]),
            )
        )
    return events


@register
def significant_note_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Case notes the worker marked as a significant event."""
    notes = CaseNote.objects.filter(child__in=children, is_significant=True).order_by(
        "event_date", "created_at", "pk"
    )
    return [
        ChronologyEvent(
            child_id=note.child_id,
            date=note.event_date,
            source="Case note",
            key=f"note:{note.pk}",
            description=_short(note.subject, 200),
            url=reverse("cases:note-detail", args=[note.child_id, note.pk]),
        )
        for note in notes
    ]


@register
def oversight_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Management oversight entries, with the manager's direction."""
    entries = (
        ManagementOversight.objects.filter(child__in=children)
        .select_related("manager")
        .order_by("oversight_date", "pk")
    )
    return [
        ChronologyEvent(
            child_id=entry.child_id,
            date=entry.oversight_date,
            source="Management oversight",
            key=f"oversight:{entry.pk}",
            description=f"Management oversight by {entry.manager}: {_short(entry.direction)}",
            url=reverse("cases:oversight", args=[entry.child_id]) + f"#oversight-{entry.pk}",
        )
        for entry in entries
    ]


@register
def child_not_seen_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Visits where the child was not seen: significant for the child's safety."""
    visits = Visit.objects.filter(child__in=children, child_seen=False).order_by("visit_date", "pk")
    return [
        ChronologyEvent(
            child_id=visit.child_id,
            date=visit.visit_date,
            source="Visit",
            key=f"visit:{visit.pk}:not-seen",
            description=(
                f"Child not seen ({visit.get_visit_type_display()}): "
                f"{_short(visit.reason_not_seen)}"
            ),
            url=reverse("cases:visits", args=[visit.child_id]) + f"#visit-{visit.pk}",
        )
        for visit in visits
    ]


@register
def birth_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """The birth of a child whose record began before birth (the record is the same child's).
    Read from the children themselves: no query."""
    events = []
    for child in children:
        if not (child.birth_recorded_at and child.date_of_birth):
            continue
        expected = (
            f" (expected {day(child.birth_expected_on)})" if child.birth_expected_on else ""
        )
        events.append(
            ChronologyEvent(
                child_id=child.pk,
                date=child.date_of_birth,
                source="Birth",
                key=f"child:{child.pk}:born",
                description=f"Born on {day(child.date_of_birth)}{expected}",
                url=reverse("cases:child-detail", args=[child.pk]),
            )
        )
    return events


@register
def missing_episode_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Each time the child went missing, and the return, with the return home interview."""
    events = []
    episodes = MissingEpisode.objects.filter(child__in=children).order_by("started_at", "pk")
    for episode in episodes:
        url = reverse("cases:missing", args=[episode.child_id]) + f"#missing-{episode.pk}"
        key = f"missing:{episode.pk}"
        started = timezone.localtime(episode.started_at)
        police = (
            "reported to the police" if episode.reported_to_police else "not reported to the police"
        )
        events.append(
            ChronologyEvent(
                child_id=episode.child_id,
                date=started.date(),
                source="Missing",
                key=f"{key}:started",
                description=f"Went missing at {started:%H:%M} ({police})",
                url=url,
                at=episode.started_at,
            )
        )
        if episode.ended_at:
            ended = timezone.localtime(episode.ended_at)
            offered = episode.return_interview_offered_at
            if offered is None:
                interview = "no return home interview offered yet"
            else:
                when = f"{day_time(offered)}"
                late = (
                    ""
                    if episode.return_interview_in_time
                    else f", later than {quantity(RETURN_INTERVIEW_HOURS, 'hour')}"
                )
                outcome = (
                    f"; {episode.get_return_interview_outcome_display().lower()}"
                    if episode.return_interview_outcome
                    else ""
                )
                interview = f"return home interview offered {when}{late}{outcome}"
            events.append(
                ChronologyEvent(
                    child_id=episode.child_id,
                    date=ended.date(),
                    source="Missing",
                    key=f"{key}:returned",
                    description=f"Returned at {ended:%H:%M}: {interview}",
                    url=url,
                    at=episode.ended_at,
                )
            )
    return events


@register
def manual_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Entries workers wrote by hand (historical events, other agencies' information), marked
    as manual with their source, the date they were recorded and by whom."""
    entries = (
        ManualChronologyEntry.objects.filter(child__in=children)
        .select_related("recorded_by")
        .order_by("event_date", "event_time", "pk")
    )
    events = []
    for entry in entries:
        recorded = timezone.localtime(entry.recorded_at)
        at = (
            timezone.make_aware(datetime.datetime.combine(entry.event_date, entry.event_time))
            if entry.event_time
            else None
        )
        events.append(
            ChronologyEvent(
                child_id=entry.child_id,
                date=entry.event_date,
                source="Manual entry",
                key=f"manual:{entry.pk}",
                description=entry.description,
                url=reverse("cases:chronology-entry", args=[entry.child_id, entry.pk]),
                at=at,
                manual_source=(
                    f"{entry.source_shown}; recorded {day(recorded)} by {entry.recorded_by}"
                ),
                date_text="" if entry.date_accuracy == DateAccuracy.DAY else entry.date_shown,
                recorded_by_id=entry.recorded_by_id,
                edit_url=reverse("cases:chronology-entry-edit", args=[entry.child_id, entry.pk]),
            )
        )
    return events


@register
def protective_order_events(children: Sequence[Child]) -> list[ChronologyEvent]:
    """Each emergency protection order and each time in police protection: made, and ended."""
    events = []
    orders = ProtectiveOrder.objects.filter(child__in=children).order_by("start_date", "pk")
    for order in orders:
        url = reverse("cases:protective-orders", args=[order.child_id])
        key = f"protective_order:{order.pk}"
        made = (
            "Emergency protection order made"
            if order.kind == "epo"
            else "Taken into police protection"
        )
        details = f": {_short(order.details)}" if order.details.strip() else ""
        events.append(
            ChronologyEvent(
                child_id=order.child_id,
                date=order.start_date,
                source="Legal",
                key=f"{key}:started",
                description=f"{made}{details}",
                url=f"{url}#order-{order.pk}",
            )
        )
        if order.end_date:
            events.append(
                ChronologyEvent(
                    child_id=order.child_id,
                    date=order.end_date,
                    source="Legal",
                    key=f"{key}:ended",
                    description=f"{order.short_name} ended",
                    url=f"{url}#order-{order.pk}",
                )
            )
    return events
