"""Reads of alerts for a user: through the one door (`cases.access`) like every other read."""

from django.db.models import Q, QuerySet

from accounts.models import User
from cases.access import children_in_reach, reaches_everyone

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


def child_summary_section(child, user: User, today) -> dict:
    """Monitoring's part of the child's summary: what is due (from the stored timescales, the
    same rows My tasks and the digest show) and the open alerts."""
    pending = list(
        Alert.objects.filter(child=child, status__in=PENDING_STATUSES).order_by("due_date", "pk")
    )
    due_rules = {code for code, rule in RULES_BY_CODE.items() if not rule.immediate}
    due = [
        {
            "what": RULES_BY_CODE[alert.rule].title,
            "date": alert.due_date,
            "overdue": alert.due_date < today,
            "evidence": alert.evidence,
        }
        for alert in pending
        if alert.rule in due_rules and alert.due_date
    ]
    open_alerts = sorted(
        (a for a in pending if a.status in (AlertStatus.OPEN, AlertStatus.DUE_SOON)),
        key=lambda a: (-a.days_overdue, a.due_date or today),
    )[:20]
    return {"due": due, "open_alerts": open_alerts}
