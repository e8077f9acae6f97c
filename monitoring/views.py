from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Case, Value, When
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from accounts.http import AuthenticatedRequest
from cases.access import Mask
from wirral_cp.paging import page_of

from .actions import alert_step
from .forms import AcknowledgeForm
from .models import AlertStatus
from .rules import RULES
from .selectors import alerts_for_user, decisions_waiting
from .services import alert_acknowledge

# "This week": what falls due in the next seven days, at most this many listed.
WEEK_DAYS = 7
COMING_LISTED = 50


def _my_alerts(user):
    # The page's children in a query of their own (by pk): joined, the planner read every
    # child in the authority before it sorted the alerts and took a page.
    return (
        alerts_for_user(user)
        .select_related("responsible_worker", "responsible_team", "acknowledged_by")
        .prefetch_related("child")
    )


@require_safe
def my_tasks(request: AuthenticatedRequest) -> HttpResponse:
    """My work: the decisions waiting for me (a manager), what is overdue or due soon for me
    and my team, most overdue first, and what falls due this week; each with a link to the
    form that takes its next step."""
    status = request.GET.get("status", "active")
    rule = request.GET.get("rule", "")
    mine_only = request.GET.get("mine") == "1"
    alerts = _my_alerts(request.user)
    if status == "active":
        alerts = alerts.filter(
            status__in=[AlertStatus.OPEN, AlertStatus.DUE_SOON, AlertStatus.ACKNOWLEDGED]
        )
    elif status in AlertStatus.values:
        alerts = alerts.filter(status=status)
    if rule:
        alerts = alerts.filter(rule=rule)
    if mine_only:
        alerts = alerts.filter(responsible_worker=request.user)
    # Overdue first, then due soon, then acknowledged; the most overdue (the earliest due) at the
    # top. How many days overdue is worked out from the due date as the page is drawn.
    urgency = Case(
        When(status=AlertStatus.OPEN, then=Value(0)),
        When(status=AlertStatus.DUE_SOON, then=Value(1)),
        default=Value(2),
    )
    alerts = alerts.order_by(urgency, "due_date", "pk")
    page = page_of(request, alerts)
    # This week's: what is not yet due but falls due within the next seven days (a visit,
    # a core group, a review to prepare), soonest first, on the first page only.
    today = timezone.localdate()
    coming = []
    if page.number == 1 and status == "active":
        upcoming = _my_alerts(request.user).filter(
            status=AlertStatus.UPCOMING, due_date__lte=today + timedelta(days=WEEK_DAYS)
        )
        if rule:
            upcoming = upcoming.filter(rule=rule)
        if mine_only:
            upcoming = upcoming.filter(responsible_worker=request.user)
        coming = list(upcoming.order_by("due_date", "pk")[:COMING_LISTED])
    shown = [*page.object_list, *coming]
    masked = Mask(request.user).hidden_ids(a.child for a in shown)
    for a in shown:
        a.next_step = alert_step(a)
    return render(
        request,
        "monitoring/my_tasks.html",
        {
            "page": page,
            "coming": coming,
            "decisions": decisions_waiting(request.user) if page.number == 1 else [],
            "masked": masked,
            "status": status,
            "rule": rule,
            "mine_only": mine_only,
            "rules": RULES,
            "statuses": AlertStatus.choices,
        },
    )


@require_POST
def acknowledge(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(_my_alerts(request.user), pk=pk)
    form = AcknowledgeForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError(form.errors["note"])
        alert_acknowledge(alert=alert, user=request.user, note=form.cleaned_data["note"])
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Alert acknowledged.")
    # Back to the filtered list the form was on; never to another site or a bad address.
    back = request.POST.get("next", "")
    if not back.startswith("/") or not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = "monitoring:my-tasks"
    return redirect(back)
