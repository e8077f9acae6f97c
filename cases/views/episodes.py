"""Referrals (CIN episodes), assessments, allocation and caseloads."""

from datetime import date

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedRequest

from .. import services_episodes
from ..access import (
    child_is_managed_by,
    child_is_writable_by,
    children_for_user,
    get_child_for_manager,
    get_child_for_user,
)
from ..forms.episodes import (
    AllocationForm,
    AssessmentAuthoriseForm,
    AssessmentForm,
    ReferralCloseForm,
    ReferralDecisionForm,
    ReferralForm,
)
from ..models import Assessment, Referral, ThresholdDecision
from ..selectors_episodes import (
    allocation_history,
    assessment_for_child,
    caseload_teams,
    open_referral,
    referral_for_child,
    referrals_for_child,
    team_caseloads,
)
from ..services import child_allocate, referral_decide
from ..services_episodes import referral_create, referral_update
from .common import add_service_errors, child_form_page

# A decision to assess, or to hold a strategy discussion, is what starts an assessment.
ASSESSMENT_DECISIONS = {ThresholdDecision.ASSESSMENT, ThresholdDecision.STRATEGY}


def _day(d: date) -> str:
    return date_format(d, "j M Y")


def _referral_url(referral: Referral) -> str:
    return reverse("cases:referral-detail", args=[referral.child_id, referral.pk])


# --- Referrals --------------------------------------------------------------------------------


@require_GET
def referrals(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    episodes = referrals_for_child(child)
    return render(
        request,
        "cases/referrals.html",
        {
            "child": child,
            "episodes": episodes,
            "open_episode": next((e for e in episodes if e.is_open), None),
            "can_write": child_is_writable_by(request.user, child),
            "today": timezone.localdate(),
            "active_tab": "referrals",
        },
    )


@require_http_methods(["GET", "POST"])
def referral_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    current = open_referral(child)
    if current is not None:
        messages.error(
            request,
            f"{child.full_name} already has an open episode (referral received "
            f"{_day(current.referral_date)}). Close it before recording a new referral.",
        )
        return redirect(_referral_url(current))
    form = ReferralForm(request.POST or None, instance=Referral(child=child))
    if request.method == "POST" and form.is_valid():
        try:
            referral = referral_create(referral=form.save(commit=False), user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The referral was recorded.")
            return redirect(_referral_url(referral))
    return render(
        request,
        "cases/record_form.html",
        {
            "child": child,
            "form": form,
            "title": "Record a referral",
            "cancel_url": reverse("cases:referrals", args=[child.pk]),
            "active_tab": "referrals",
        },
    )


@require_GET
def referral_detail(request: AuthenticatedRequest, pk: int, referral_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    referral = referral_for_child(child, referral_id)
    return render(
        request,
        "cases/referral_detail.html",
        {
            "child": child,
            "referral": referral,
            "can_write": child_is_writable_by(request.user, child),
            "is_manager": child_is_managed_by(request.user, child),
            "can_assess": referral.is_open and referral.decision in ASSESSMENT_DECISIONS,
            "today": timezone.localdate(),
            "active_tab": "referrals",
        },
    )


@require_http_methods(["GET", "POST"])
def referral_edit(request: AuthenticatedRequest, pk: int, referral_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    referral = referral_for_child(child, referral_id)
    form = ReferralForm(request.POST or None, instance=referral)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: referral_update(
            referral=f.save(commit=False), user=request.user, expected_version=f.expected_version
        ),
        title="Edit the referral",
        success_url=_referral_url(referral),
        success_message="The referral was saved.",
        extra_context={"active_tab": "referrals"},
    )


@require_http_methods(["GET", "POST"])
def referral_decide_view(request: AuthenticatedRequest, pk: int, referral_id: int) -> HttpResponse:
    child = get_child_for_manager(request.user, pk)
    referral = referral_for_child(child, referral_id)
    if referral.decision:
        messages.error(
            request,
            f"The threshold decision was already recorded by {referral.decided_by} on "
            f"{_day(referral.decision_date)}.",
        )
        return redirect(_referral_url(referral))
    form = ReferralDecisionForm(request.POST or None, initial={"version": referral.version})
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: referral_decide(
            referral=referral,
            user=request.user,
            decision=f.cleaned_data["decision"],
            reason=f.cleaned_data["reason"],
            expected_version=f.cleaned_data["version"],
        ),
        title="Threshold decision",
        success_url=_referral_url(referral),
        success_message="The threshold decision was recorded.",
        template="cases/referral_decide.html",
        extra_context={"referral": referral, "active_tab": "referrals"},
    )


@require_http_methods(["GET", "POST"])
def referral_close(request: AuthenticatedRequest, pk: int, referral_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    referral = referral_for_child(child, referral_id)
    if not referral.decision:
        messages.error(
            request,
            "A team manager must record the threshold decision before the episode can close.",
        )
        return redirect(_referral_url(referral))
    form = ReferralCloseForm(request.POST or None, instance=referral)
    if request.method == "POST" and request.POST.get("confirm") != "yes" and form.is_valid():
        # Closing an episode cannot be undone by the worker: asked first, without JavaScript.
        return render(
            request,
            "cases/referral_close_confirm.html",
            {
                "child": child,
                "referral": referral,
                "form": form,
                "closing": form.instance,
                "active_tab": "referrals",
            },
        )
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: services_episodes.referral_close(
            referral=f.save(commit=False), user=request.user, expected_version=f.expected_version
        ),
        title="Change the closure" if referral.closure_date else "Close the episode",
        success_url=_referral_url(referral),
        success_message="The episode closure was saved.",
        template="cases/referral_close.html",
        extra_context={"referral": referral, "active_tab": "referrals"},
    )


# --- Assessments ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def assessment_add(request: AuthenticatedRequest, pk: int, referral_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    referral = referral_for_child(child, referral_id)
    if not referral.is_open:
        messages.error(request, "This episode is closed: an assessment cannot be added to it.")
        return redirect(_referral_url(referral))
    if referral.decision not in ASSESSMENT_DECISIONS:
        messages.error(
            request,
            "An assessment follows a manager's decision to assess or to hold a strategy "
            "discussion; this referral has no such decision.",
        )
        return redirect(_referral_url(referral))
    form = AssessmentForm(request.POST or None, instance=Assessment(referral=referral, child=child))
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: services_episodes.assessment_save(
            assessment=f.save(commit=False), user=request.user, expected_version=f.expected_version
        ),
        title="Start an assessment",
        success_url=_referral_url(referral),
        success_message="The assessment was saved.",
        template="cases/assessment_form.html",
        extra_context={"referral": referral, "active_tab": "referrals"},
    )


@require_http_methods(["GET", "POST"])
def assessment_edit(request: AuthenticatedRequest, pk: int, assessment_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    assessment = assessment_for_child(child, assessment_id)
    if assessment.authorised_date:
        messages.error(
            request,
            f"This assessment was authorised on {_day(assessment.authorised_date)} and "
            "can no longer be changed.",
        )
        return redirect(_referral_url(assessment.referral))
    form = AssessmentForm(request.POST or None, instance=assessment)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: services_episodes.assessment_save(
            assessment=f.save(commit=False), user=request.user, expected_version=f.expected_version
        ),
        title="Edit the assessment",
        success_url=_referral_url(assessment.referral),
        success_message="The assessment was saved.",
        template="cases/assessment_form.html",
        extra_context={"referral": assessment.referral, "active_tab": "referrals"},
    )


@require_http_methods(["GET", "POST"])
def assessment_authorise(
    request: AuthenticatedRequest, pk: int, assessment_id: int
) -> HttpResponse:
    child = get_child_for_manager(request.user, pk)
    assessment = assessment_for_child(child, assessment_id)
    if assessment.authorised_date:
        messages.error(
            request,
            f"This assessment was already authorised on "
            f"{_day(assessment.authorised_date)} by {assessment.authorised_by}.",
        )
        return redirect(_referral_url(assessment.referral))
    form = AssessmentAuthoriseForm(request.POST or None, instance=assessment)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: services_episodes.assessment_authorise(
            assessment=assessment,
            user=request.user,
            authorised_date=f.cleaned_data["authorised_date"],
            expected_version=f.expected_version,
        ),
        title="Authorise the assessment",
        success_url=_referral_url(assessment.referral),
        success_message="The assessment was authorised.",
        template="cases/assessment_authorise.html",
        extra_context={"assessment": assessment, "active_tab": "referrals"},
    )


# --- Allocation and caseloads -----------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def allocation(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    is_manager = child_is_managed_by(request.user, child)
    if request.method == "POST" and not is_manager:
        raise Http404("No such child")
    form = None
    if is_manager:
        form = AllocationForm(
            request.POST or None,
            initial={
                "version": child.version,
                "team": child.allocated_team_id,
                "worker": child.allocated_worker_id,
                "start_date": timezone.localdate(),
            },
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                child_allocate(
                    child=child,
                    user=request.user,
                    team=data["team"],
                    worker=data["worker"],
                    start_date=data["start_date"],
                    reason=data["reason"],
                    expected_version=data["version"],
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                who = data["worker"] or f"{data['team']} (no named worker)"
                messages.success(request, f"{child.full_name} is now allocated to {who}.")
                if children_for_user(request.user).filter(pk=child.pk).exists():
                    return redirect("cases:allocation", child.pk)
                return redirect("cases:child-list")
    return render(
        request,
        "cases/allocation.html",
        {
            "child": child,
            "history": allocation_history(child),
            "form": form,
            "active_tab": "allocation",
        },
    )


@require_GET
def caseloads(request: AuthenticatedRequest) -> HttpResponse:
    teams = caseload_teams(request.user)
    if teams is None:
        raise Http404("No caseloads for this user")
    return render(request, "cases/caseloads.html", {"teams": team_caseloads(teams)})
