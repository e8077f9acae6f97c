"""Reads of alerts for a user: through the one door (`cases.access`) like every other read."""

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from cases.access import children_in_reach, reaches_everyone
from cases.selectors import DueItem

from .actions import next_step
from .models import PENDING_STATUSES, Alert, AlertStatus
from .rules import RULES_BY_CODE


def alerts_for_user(user: User) -> QuerySet[Alert]:
    """Alerts this user should act on (their own children's, their teams', their IRO work),
    about children in their reach only. Restricted records among them are masked by the caller
    with `cases.access.Mask` (My tasks, the digest)."""
    if not user.is_authenticated or not user.is_active:
        return Alert.objects.none()
    condition = Q(responsible_worker=user)
    if user.is_team_manager and user.managed_team_ids:
        condition |= Q(responsible_team_id__in=user.managed_team_ids)
    if user.is_social_worker and user.team_id:
        condition |= Q(responsible_team_id=user.team_id)
    if user.is_iro:
        condition |= Q(responsible_iro=user)
    mine = Alert.objects.filter(condition)
    if reaches_everyone(user):
        return mine
    # Each alert's child looked up in the reach (a few hundred alerts, by primary key), not
    # the reach built from every child of the authority first.
    reached = children_in_reach(user).filter(pk=OuterRef("child_id"))
    return mine.filter(Q(child__isnull=True) | Q(Exists(reached)))


def pending_alerts_for_user(user: User) -> QuerySet[Alert]:
    """Overdue and due-soon alerts for this user: the badge, the digest."""
    return alerts_for_user(user).filter(status__in=[AlertStatus.OPEN, AlertStatus.DUE_SOON])


def stored_due(child) -> list[DueItem]:
    """Registered with `cases.selectors`: the timescales pending for this child, as the scan
    stored them (not yet due, due soon, overdue, acknowledged). Compliance gaps have no date
    to meet and are not due items."""
    codes = [code for code, rule in RULES_BY_CODE.items() if not rule.immediate]
    rows = Alert.objects.filter(
        child=child, rule__in=codes, status__in=PENDING_STATUSES, due_date__isnull=False
    ).values_list("rule", "subject_key", "due_date")
    items = []
    for code, subject, due in rows:
        if due is None:  # (the filter above; says so to the type checker)
            continue
        step = next_step(code, subject, child.pk, due)
        items.append(
            DueItem(
                code=code,
                subject=subject,
                what=RULES_BY_CODE[code].title,
                date=due,
                sentence=RULES_BY_CODE[code].sentence,
                action=step.label if step else "",
                url=step.url if step else "",
            )
        )
    return items


def child_summary_section(child, user: User, today) -> dict:
    """Monitoring's part of the child's summary: the open alerts (what is due comes from
    `stored_due`, through `cases.selectors.due_for_child`)."""
    open_alerts = list(
        Alert.objects.filter(
            child=child, status__in=[AlertStatus.OPEN, AlertStatus.DUE_SOON]
        ).order_by("due_date", "pk")[:20]
    )
    return {"open_alerts": open_alerts}


# How many of each kind of decision My work lists (the oldest first; the count is exact).
DECISIONS_LISTED = 20


def decisions_waiting(user: User) -> list[dict]:
    """The decisions waiting for this team manager, on children of the teams they manage and
    in their reach: threshold decisions on referrals, assessments to authorise, section 47
    enquiries ending without a conference, interim safety plans of late conferences. Each is
    one link from the form (or the page with the button) that makes it; oldest first."""
    from cases.access import children_managed_by
    from cases.models import Assessment, RecordSource, Referral
    from conferences.models import Conference, ConferenceStatus
    from familyhelp.selectors import (
        pending_requests_for,
        pending_step_downs_for,
        pending_step_ups_for,
    )
    from strategy.models import S47Outcome, Section47

    if not user.is_team_manager:
        return []
    children = children_managed_by(user).values("pk")
    groups: list[dict] = []

    def group(title: str, qs, label, url, since) -> None:
        total = qs.count()
        if total:
            rows = [
                {"child": r.child, "label": label(r), "url": url(r), "since": since(r)}
                for r in qs.select_related("child")[:DECISIONS_LISTED]
            ]
            groups.append({"title": title, "count": total, "rows": rows})

    group(
        "Threshold decisions on referrals",
        Referral.objects.filter(
            child__in=children, decision="", closure_date__isnull=True
        ).order_by("received_at", "pk"),
        lambda r: "Decide the referral",
        lambda r: reverse("cases:referral-decide", args=[r.child_id, r.pk]),
        lambda r: timezone.localtime(r.received_at).date(),
    )
    group(
        "Assessments to authorise",
        Assessment.objects.filter(child__in=children, authorised_date__isnull=True)
        .exclude(outcome="")
        .order_by("start_date", "pk"),
        lambda a: "Authorise the assessment",
        lambda a: reverse("cases:assessment-authorise", args=[a.child_id, a.pk]),
        lambda a: a.start_date,
    )
    group(
        "Section 47 enquiries ending without a conference",
        Section47.objects.filter(
            child__in=children, outcome=S47Outcome.ICPC_NOT_REQUIRED, manager_agreed_by__isnull=True
        )
        .exclude(source_system=RecordSource.CENSUS_IMPORT)
        .order_by("start_date", "pk"),
        lambda e: "Agree the outcome",
        lambda e: reverse("strategy:section47-detail", args=[e.child_id, e.pk]),
        lambda e: e.start_date,
    )
    group(
        "Interim safety plans of late conferences",
        Conference.objects.filter(
            child__in=children,
            status__in=[ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED],
            interim_plan_agreed_by__isnull=True,
        )
        # Late: past its target already, or booked for after it.
        .filter(
            Q(target_date__lt=timezone.localdate()) | Q(scheduled_for__date__gt=F("target_date"))
        )
        .exclude(interim_safety_plan="")
        .order_by("target_date", "pk"),
        lambda c: "Agree the interim safety plan",
        lambda c: reverse("conferences:detail", args=[c.pk]),
        lambda c: c.target_date,
    )
    # Moves between Family Help and social care waiting for a team this user manages: the
    # children are in their reach through the move itself (familyhelp.selectors).
    group(
        "Step-downs to Family Help to accept",
        pending_step_downs_for(user).filter(to_team_id__in=user.managed_team_ids),
        lambda d: "Accept the step-down",
        lambda d: reverse("familyhelp:step-down-accept", args=[d.child_id, d.pk]),
        lambda d: timezone.localtime(d.agreed_at).date(),
    )
    group(
        "Step-ups to children's social care to accept",
        pending_step_ups_for(user).filter(to_team_id__in=user.managed_team_ids),
        lambda u: "Accept the step-up",
        lambda u: reverse("familyhelp:step-up-accept", args=[u.child_id, u.pk]),
        lambda u: timezone.localtime(u.requested_at).date(),
    )
    group(
        "Contacts decided Family Help to accept",
        pending_requests_for(user).filter(to_team_id__in=user.managed_team_ids),
        lambda q: "Accept the request for Family Help",
        lambda q: reverse("familyhelp:request-accept", args=[q.child_id, q.pk]),
        lambda q: timezone.localtime(q.requested_at).date(),
    )
    return groups
