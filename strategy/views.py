from django.contrib import messages
from django.core.exceptions import BadRequest, ValidationError
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedRequest
from accounts.models import Role, User
from cases.access import (
    child_is_managed_by,
    child_is_writable_by,
    get_child_for_manager,
    get_child_for_user,
)
from cases.views.common import add_service_errors
from wirral_cp.dates import day
from wirral_cp.paging import page_of

from . import services
from .forms import (
    DEFAULT_PARTICIPANTS,
    ParticipantFormSet,
    PeriodForm,
    SafetyActionFormSet,
    Section47Form,
    StrategyDiscussionForm,
    formset_rows,
)
from .models import S47Outcome, StrategyDiscussion
from .selectors import (
    compliance_of,
    discussions_in_period,
    get_discussion,
    get_section47,
    possible_siblings,
    section47s_for_user,
)


def _chairs(*, keep: int | None = None):
    """Who may chair a strategy discussion: team managers and the front door's social workers
    (a team marked `front_door`), not every user; an edit keeps the chair it has."""
    return (
        User.objects.filter(is_active=True)
        .filter(
            Q(groups__name=Role.TEAM_MANAGER)
            | Q(groups__name=Role.SOCIAL_WORKER, team__front_door=True)
            | Q(pk=keep)
        )
        .distinct()
    )


@require_safe
def child_strategy(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    discussions = (
        child.strategy_discussions.with_participation()
        .select_related("chair", "follows_enquiry")
        .order_by("-held_at")
    )
    rows = [(d, compliance_of(d)) for d in discussions]
    enquiries = child.section47s.select_related("strategy_discussion").order_by("-start_date")
    return render(
        request,
        "strategy/child_strategy.html",
        {
            "child": child,
            "active_tab": "strategy",
            "rows": rows,
            "enquiries": enquiries,
            "can_edit": child_is_writable_by(request.user, child),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def discussion_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    referral = child.referrals.open().order_by("-received_at").first()
    if referral is None:
        messages.error(
            request,
            "Record the referral first: a strategy discussion belongs to an open referral.",
        )
        return redirect("strategy:child", child.pk)
    follows = None
    if enquiry := request.GET.get("enquiry"):
        if not enquiry.isdecimal():
            raise BadRequest("The enquiry to follow is not a number.")
        follows = get_section47(child, int(enquiry))
    data = request.POST if request.method == "POST" else None
    chairs = _chairs()
    form = StrategyDiscussionForm(
        data,
        instance=StrategyDiscussion(child=child, referral=referral, follows_enquiry=follows),
        chairs=chairs,
        siblings=None if follows else possible_siblings(request.user, child),
        initial={
            "chair": request.user.pk if chairs.filter(pk=request.user.pk).exists() else None,
            "held_at": timezone.localtime().replace(second=0, microsecond=0),
        },
    )
    participants = ParticipantFormSet(data, prefix="participants", initial=DEFAULT_PARTICIPANTS)
    actions = SafetyActionFormSet(data, prefix="actions")
    if (
        request.method == "POST"
        and form.is_valid()
        and participants.is_valid()
        and actions.is_valid()
    ):
        try:
            records = services.strategy_discussion_record(
                discussion=form.save(commit=False),
                participants=formset_rows(participants),
                safety_actions=formset_rows(actions),
                user=request.user,
                siblings=list(form.cleaned_data.get("siblings") or []),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            names = ", ".join(r.child.full_name for r in records)
            messages.success(request, f"Strategy discussion recorded for {names}.")
            return redirect("strategy:discussion-detail", child.pk, records[0].pk)
    return render(
        request,
        "strategy/discussion_form.html",
        {
            "child": child,
            "active_tab": "strategy",
            "form": form,
            "participants": participants,
            "actions": actions,
            "follows": follows,
            "title": "Later strategy discussion" if follows else "Record a strategy discussion",
        },
    )


@require_http_methods(["GET", "POST"])
def discussion_edit(request: AuthenticatedRequest, pk: int, discussion_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    discussion = get_discussion(child, discussion_id)
    data = request.POST if request.method == "POST" else None
    form = StrategyDiscussionForm(
        data, instance=discussion, chairs=_chairs(keep=discussion.chair_id)
    )
    participants = ParticipantFormSet(
        data,
        prefix="participants",
        initial=list(
            discussion.participants.values(
                "agency", "health_service", "name", "role", "participation"
            )
        ),
    )
    actions = SafetyActionFormSet(
        data,
        prefix="actions",
        initial=list(
            discussion.safety_actions.values("action", "owner", "due_date", "completed_date")
        ),
    )
    if (
        request.method == "POST"
        and form.is_valid()
        and participants.is_valid()
        and actions.is_valid()
    ):
        try:
            services.strategy_discussion_update(
                discussion=form.save(commit=False),
                participants=formset_rows(participants),
                safety_actions=formset_rows(actions),
                user=request.user,
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Strategy discussion saved.")
            return redirect("strategy:discussion-detail", child.pk, discussion.pk)
    return render(
        request,
        "strategy/discussion_form.html",
        {
            "child": child,
            "active_tab": "strategy",
            "form": form,
            "participants": participants,
            "actions": actions,
            "title": "Edit strategy discussion",
        },
    )


@require_safe
def discussion_detail(request: AuthenticatedRequest, pk: int, discussion_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    discussion = get_discussion(child, discussion_id)
    participants = list(discussion.participants.all())
    siblings = (
        StrategyDiscussion.objects.filter(sibling_group=discussion.sibling_group)
        .exclude(pk=discussion.pk)
        .select_related("child")
    )
    return render(
        request,
        "strategy/discussion_detail.html",
        {
            "child": child,
            "active_tab": "strategy",
            "discussion": discussion,
            "participants": participants,
            "compliance": compliance_of(discussion),
            "actions": list(discussion.safety_actions.all()),
            "enquiry": getattr(discussion, "started_enquiry", None),
            "siblings": siblings,
            "can_edit": child_is_writable_by(request.user, child),
        },
    )


@require_safe
def section47_detail(request: AuthenticatedRequest, pk: int, enquiry_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    enquiry = get_section47(child, enquiry_id)
    days_left = enquiry.working_days_to_target()
    return render(
        request,
        "strategy/section47_detail.html",
        {
            "days_left": days_left,
            "days_overdue": -days_left,
            "child": child,
            "active_tab": "strategy",
            "enquiry": enquiry,
            "later": enquiry.later_discussions.select_related("chair").order_by("held_at"),
            "conferences": enquiry.conferences.all(),
            "can_edit": child_is_writable_by(request.user, child),
            "is_manager": child_is_managed_by(request.user, child),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def section47_edit(request: AuthenticatedRequest, pk: int, enquiry_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    enquiry = get_section47(child, enquiry_id)
    form = Section47Form(request.POST or None, instance=enquiry)
    if request.method == "POST" and form.is_valid():
        try:
            services.section47_update(
                enquiry=form.save(commit=False),
                user=request.user,
                expected_version=form.expected_version,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if enquiry.awaiting_manager_agreement:
                messages.info(
                    request,
                    "Saved. A team manager must agree that an ICPC is not required.",
                )
            else:
                messages.success(request, "Section 47 enquiry saved.")
            return redirect("strategy:section47-detail", child.pk, enquiry.pk)
    return render(
        request,
        "cases/record_form.html",
        {
            "child": child,
            "active_tab": "strategy",
            "form": form,
            "title": f"Update the section 47 enquiry (ICPC target {day(enquiry.icpc_target_date)})",
            "cancel_url": reverse("strategy:section47-detail", args=[child.pk, enquiry.pk]),
        },
    )


@require_POST
def section47_agree(request: AuthenticatedRequest, pk: int, enquiry_id: int) -> HttpResponse:
    child = get_child_for_manager(request.user, pk)
    enquiry = get_section47(child, enquiry_id)
    try:
        services.section47_agree_no_icpc(enquiry=enquiry, manager=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "You agreed that an initial child protection conference is not required."
        )
    return redirect("strategy:section47-detail", child.pk, enquiry.pk)


@require_safe
def discussion_list(request: AuthenticatedRequest) -> HttpResponse:
    """Strategy discussions in a period, with multi-agency compliance."""
    period = PeriodForm(request.GET)
    if not period.is_valid():
        period = PeriodForm({})
        period.is_valid()
        messages.error(request, "The end of the period must be after its start.")
    start, end = period.period()
    discussions = discussions_in_period(request.user, start, end).order_by("-held_at", "-pk")
    only = request.GET.get("compliance")
    if only == "non":
        discussions = discussions.filter(
            Q(has_police=False) | Q(has_health=False) | Q(has_social_care=False)
        )
    # The figures count every discussion in the period, in one query; the table is a page.
    totals = discussions.aggregate(
        total=Count("pk"),
        with_health=Count("pk", filter=Q(has_health=True)),
        with_police=Count("pk", filter=Q(has_police=True)),
        compliant=Count("pk", filter=Q(has_social_care=True, has_police=True, has_health=True)),
    )
    page = page_of(request, discussions, count=totals["total"])
    rows = [(d, compliance_of(d)) for d in page.object_list]
    return render(
        request,
        "strategy/discussion_list.html",
        {
            "period": period,
            "start": start,
            "end": end,
            "page": page,
            "rows": rows,
            **totals,
            "only": only,
        },
    )


@require_safe
def open_enquiries(request: AuthenticatedRequest) -> HttpResponse:
    """Open section 47 enquiries, soonest ICPC target first, with working days remaining."""
    today = timezone.localdate()
    page = page_of(request, section47s_for_user(request.user).open().order_by("start_date", "pk"))
    rows = [(e, e.working_days_to_target(today)) for e in page.object_list]
    return render(
        request, "strategy/open_enquiries.html", {"page": page, "rows": rows, "today": today}
    )


@require_safe
def ended_without_icpc(request: AuthenticatedRequest) -> HttpResponse:
    """Enquiries that ended without a conference, with the rationale a manager must see."""
    enquiries = (
        section47s_for_user(request.user)
        .ended_without_icpc()
        .order_by("-completion_date", "-start_date", "-pk")
    )
    page = page_of(request, enquiries)
    return render(
        request,
        "strategy/ended_without_icpc.html",
        {
            "page": page,
            "enquiries": page.object_list,
            "not_required": S47Outcome.ICPC_NOT_REQUIRED,
        },
    )


@require_POST
def section47_icpc_before_seen(
    request: AuthenticatedRequest, pk: int, enquiry_id: int
) -> HttpResponse:
    """A team manager records why the ICPC is requested before the child has been seen."""
    child = get_child_for_manager(request.user, pk)
    enquiry = get_section47(child, enquiry_id)
    try:
        services.section47_record_icpc_without_child_seen(
            enquiry=enquiry, manager=request.user, reason=request.POST.get("reason", "")
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            "You recorded why the conference cannot wait for the child to be seen: the "
            "conference can now be requested.",
        )
    return redirect("strategy:section47-detail", child.pk, enquiry.pk)
