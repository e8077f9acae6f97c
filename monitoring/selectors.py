"""Reads of alerts for a user: through the one door (`cases.access`) like every other read."""

from django.db.models import Q, QuerySet

from accounts.models import User
from cases.access import children_in_reach, reaches_everyone
from cases.selectors import DueItem

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
    return mine.filter(Q(child__isnull=True) | Q(child__in=children_in_reach(user).values("pk")))


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
    return [
        DueItem(
            code=code,
            subject=subject,
            what=RULES_BY_CODE[code].title,
            date=due,
            sentence=RULES_BY_CODE[code].sentence,
        )
        for code, subject, due in rows
        if due is not None  # (the filter above; says so to the type checker)
    ]


def child_summary_section(child, user: User, today) -> dict:
    """Monitoring's part of the child's summary: the open alerts (what is due comes from
    `stored_due`, through `cases.selectors.due_for_child`)."""
    open_alerts = list(
        Alert.objects.filter(
            child=child, status__in=[AlertStatus.OPEN, AlertStatus.DUE_SOON]
        ).order_by("due_date", "pk")[:20]
    )
    return {"open_alerts": open_alerts}
