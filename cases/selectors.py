"""Reads of case data, always scoped to what the user may see.

`children_for_user` is the single statement of who may see which child; every list, search,
drill-down and export starts from it, and `get_child_for_user` is how a view fetches one child.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import User

from .models import Child


def _children_by_role(user: User) -> QuerySet[Child]:
    """Children this user's role reaches.

    - senior managers: every child;
    - social workers: children allocated to them or to their team;
    - team managers: children of the teams they manage (and their own team);
    - IROs: children whose conferences they chair;
    - business support and administrators: no case records (conference diary only).
    """
    qs = Child.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_senior_manager:
        return qs
    condition = Q(pk__in=[])
    if user.is_social_worker or user.is_team_manager:
        condition |= Q(allocated_worker=user)
        if user.team_id:
            condition |= Q(allocated_team_id=user.team_id)
    if user.is_team_manager and user.managed_team_ids:
        condition |= Q(allocated_team_id__in=user.managed_team_ids)
    if user.is_iro:
        from conferences.models import Conference

        condition |= Q(pk__in=Conference.objects.filter(chair=user).values("child_id"))
    return qs.filter(condition)


def _named_on_restriction(user: User) -> Exists:
    return Exists(
        Child.restricted_to.through.objects.filter(child_id=OuterRef("pk"), user_id=user.pk)
    )


def children_for_user(user: User) -> QuerySet[Child]:
    """Children this user may open: their role's children (`_children_by_role`), except
    restricted records, which only the people named on them may open — managers and senior
    managers included."""
    return _children_by_role(user).filter(Q(is_restricted=False) | _named_on_restriction(user))


def restricted_children_hidden_from(user: User) -> QuerySet[Child]:
    """Restricted records this user's role would otherwise reach: they may know these exist,
    and whom to ask, but not what is in them."""
    return _children_by_role(user).filter(is_restricted=True).exclude(_named_on_restriction(user))


class RestrictedRecord(Http404):
    """A restricted child's record asked for by someone who is not named on it."""

    def __init__(self, child: Child):
        names = ", ".join(str(u) for u in child.restricted_to.filter(is_active=True)) or (
            "your team manager"
        )
        super().__init__(f"This record is restricted. To see it, ask: {names}.")


def child_is_writable_by(user: User, child: Child) -> bool:
    """Who may change a child's record: the allocated worker, their team, their managers."""
    if not (user.is_social_worker or user.is_team_manager):
        return False
    return (
        child.allocated_worker_id == user.pk
        or (user.team_id is not None and child.allocated_team_id == user.team_id)
        or (user.is_team_manager and child.allocated_team_id in user.managed_team_ids)
    )


def get_child_for_user(user: User, pk: int, *, write: bool = False) -> Child:
    """The child with this pk if the user may see it (and change it, with write=True); else 404."""
    child = (
        children_for_user(user)
        .select_related("allocated_team", "allocated_worker")
        .filter(pk=pk)
        .first()
    )
    if child is None:
        hidden = restricted_children_hidden_from(user).filter(pk=pk).first()
        if hidden is not None:
            raise RestrictedRecord(hidden)
        raise Http404("No such child")
    if write and not child_is_writable_by(user, child):
        raise Http404("No such child")
    return child


def child_is_managed_by(user: User, child: Child) -> bool:
    """Team managers of the child's allocated team make manager decisions on the record."""
    return user.is_team_manager and child.allocated_team_id in user.managed_team_ids


def get_child_for_manager(user: User, pk: int) -> Child:
    """The child if this user manages its team (oversight, authorisations, allocation); else 404."""
    child = get_child_for_user(user, pk)
    if not child_is_managed_by(user, child):
        raise Http404("No such child")
    return child


def child_summary(child: Child, user: User) -> dict:
    """What a manager needs to read in a minute, in a fixed number of queries."""
    from django.utils import timezone

    from .models import CINPlan, ManagementOversight, Referral, ServiceReferral, Visit

    today = timezone.localdate()
    open_referral = (
        Referral.objects.filter(child=child, closure_date__isnull=True)
        .select_related("decided_by")
        .prefetch_related("assessments")
        .order_by("-received_at")
        .first()
    )
    last_visit = Visit.objects.filter(child=child, child_seen=True).order_by("-visit_date").first()
    last_seen_alone = (
        Visit.objects.filter(child=child, seen_alone=True).order_by("-visit_date").first()
    )
    last_oversight = (
        ManagementOversight.objects.filter(child=child)
        .select_related("manager")
        .order_by("-oversight_date", "-pk")
        .first()
    )
    waiting_services = list(
        ServiceReferral.objects.filter(
            child=child, date_started__isnull=True, date_declined__isnull=True
        )
    )
    due: list[dict] = []
    alerts: list[str] = []
    if open_referral:
        if not open_referral.decision:
            due.append({"what": "Referral decision", "date": open_referral.decision_due})
        assessments = list(open_referral.assessments.all())
        unauthorised = [a for a in assessments if not a.authorised_date]
        if open_referral.decision == "assessment" and (unauthorised or not assessments):
            due.append({"what": "Assessment authorised", "date": open_referral.assessment_due})
    if last_oversight:
        due.append({"what": "Management oversight review", "date": last_oversight.next_review_date})
    for item in due:
        item["overdue"] = item["date"] < today
        if item["overdue"]:
            alerts.append(f"{item['what']} was due on {item['date']:%d %b %Y}.")
    if child.allocated_worker_id is None:
        alerts.append("The child has no allocated social worker.")
    # Across apps, read here so the summary stays one place: plan, next conference, alerts.
    from conferences.models import ChildProtectionPlan, Conference
    from monitoring.models import Alert, AlertStatus

    plan = ChildProtectionPlan.objects.filter(child=child, end_date__isnull=True).first()
    cin_plan = CINPlan.objects.filter(child=child, end_date__isnull=True).first()
    # A child protection plan that ended with a step down to a child in need plan which has
    # not started yet: the summary says so and offers to start it.
    step_down = None
    if plan is None and cin_plan is None:
        from django.db.models import Exists, OuterRef

        from conferences.models import PlanEndNextStep

        last = (
            ChildProtectionPlan.objects.filter(child=child, end_date__isnull=False)
            .annotate(
                cin_started=Exists(
                    CINPlan.objects.filter(child=child, start_date__gte=OuterRef("end_date"))
                )
            )
            .order_by("-end_date")
            .first()
        )
        if last and last.end_next_step == PlanEndNextStep.CIN_PLAN and not last.cin_started:
            step_down = last
            alerts.append(
                f"The child protection plan ended on {last.end_date:%d %b %Y} with a step down "
                "to a child in need plan, which has not started."
            )
    next_conference = (
        Conference.objects.filter(child=child, status__in=["requested", "scheduled"])
        .select_related("chair")
        .order_by("target_date")
        .first()
    )
    if next_conference:
        due.append(
            {
                "what": f"{next_conference.get_conference_type_display()} (target)",
                "date": next_conference.target_date,
                "overdue": next_conference.target_date < today,
            }
        )
    open_alerts = list(
        Alert.objects.filter(
            child=child, status__in=[AlertStatus.OPEN, AlertStatus.DUE_SOON]
        ).order_by("-days_overdue", "due_date")[:20]
    )
    return {
        "plan": plan,
        "cin_plan": cin_plan,
        "step_down": step_down,
        "next_conference": next_conference,
        "open_alerts": open_alerts,
        "open_referral": open_referral,
        "last_visit": last_visit,
        "last_seen_alone": last_seen_alone,
        "last_oversight": last_oversight,
        "waiting_services": waiting_services,
        "due": sorted(due, key=lambda d: d["date"]),
        "alerts": alerts,
        "can_edit": child_is_writable_by(user, child),
        "is_manager": child_is_managed_by(user, child),
    }
