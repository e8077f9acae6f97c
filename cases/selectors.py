"""Reads of case data. Who may see which child is decided in `cases.access` (the one door);
the reads here start from a child the caller already fetched through it."""

from accounts.models import User

from .access import child_is_managed_by, child_is_writable_by
from .models import Child


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
