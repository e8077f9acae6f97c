"""Family Help pages: under the child (assessments, plans and reviews, step-up and step-down)
and the receiving team's list of step-downs and step-ups waiting to be accepted. Every child
comes through the one door (`cases.access`)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedRequest
from cases.access import (
    child_is_writable_by,
    get_child_for_manager,
    get_child_for_user,
)
from cases.selectors_episodes import referral_for_child
from cases.views.common import add_service_errors, child_form_page

from . import services
from .forms import (
    AcceptForm,
    EarlyHelpAssessmentForm,
    FamilyHelpPlanForm,
    ReviewForm,
    StepDownForm,
    StepUpAcceptForm,
    StepUpForm,
)
from .models import EarlyHelpAssessment, FamilyHelpPlan
from .selectors import (
    assessments_for_child,
    pending_requests_for,
    pending_step_downs_for,
    pending_step_ups_for,
    plans_due_review,
    plans_for_child,
    request_to_accept,
    requests_for_child,
    step_down_to_accept,
    step_downs_for_child,
    step_up_to_accept,
    step_ups_for_child,
)

TAB = {"active_tab": "family_help"}


def _child_url(child_id: int) -> str:
    return reverse("familyhelp:child", args=[child_id])


@require_GET
def child_family_help(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    plans = list(plans_for_child(child))
    return render(
        request,
        "familyhelp/child.html",
        {
            "child": child,
            **TAB,
            "assessments": list(assessments_for_child(child)),
            "plans": plans,
            "open_plan": next((p for p in plans if p.is_open), None),
            "step_downs": list(step_downs_for_child(child)),
            "step_ups": list(step_ups_for_child(child)),
            "requests": list(requests_for_child(child)),
            "can_edit": child_is_writable_by(request.user, child),
            "today": timezone.localdate(),
        },
    )


@require_http_methods(["GET", "POST"])
def assessment_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    form = EarlyHelpAssessmentForm(request.POST or None, instance=EarlyHelpAssessment(child=child))
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: services.assessment_save(
            assessment=f.save(commit=False), user=request.user, expected_version=None
        ),
        title="Start an early help assessment",
        success_url=_child_url(child.pk),
        success_message="The early help assessment was saved.",
        extra_context=TAB,
    )


@require_http_methods(["GET", "POST"])
def assessment_edit(request: AuthenticatedRequest, pk: int, eh_assessment_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    assessment = get_object_or_404(child.early_help_assessments, pk=eh_assessment_id)
    form = EarlyHelpAssessmentForm(request.POST or None, instance=assessment)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: services.assessment_save(
            assessment=f.save(commit=False),
            user=request.user,
            expected_version=f.expected_version,
        ),
        title="Edit the early help assessment",
        success_url=_child_url(child.pk),
        success_message="The early help assessment was saved.",
        extra_context=TAB,
    )


@require_http_methods(["GET", "POST"])
def plan_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    form = FamilyHelpPlanForm(request.POST or None, instance=FamilyHelpPlan(child=child))
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: services.plan_save(plan=f.save(commit=False), user=request.user),
        title="Start a Family Help plan",
        success_url=_child_url(child.pk),
        success_message="The Family Help plan was saved.",
        extra_context=TAB,
    )


@require_http_methods(["GET", "POST"])
def plan_edit(request: AuthenticatedRequest, pk: int, fh_plan_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    plan = get_object_or_404(child.family_help_plans, pk=fh_plan_id)
    form = FamilyHelpPlanForm(request.POST or None, instance=plan)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: services.plan_save(
            plan=f.save(commit=False), user=request.user, expected_version=f.expected_version
        ),
        title="Edit or end the Family Help plan",
        success_url=_child_url(child.pk),
        success_message="The Family Help plan was saved.",
        extra_context=TAB,
    )


@require_http_methods(["GET", "POST"])
def review_add(request: AuthenticatedRequest, pk: int, fh_plan_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    plan = get_object_or_404(child.family_help_plans, pk=fh_plan_id)
    if not plan.is_open:
        messages.error(request, "This Family Help plan has ended: it is not reviewed again.")
        return redirect(_child_url(child.pk))
    form = ReviewForm(request.POST or None)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: services.review_record(
            plan=plan,
            user=request.user,
            review_date=f.cleaned_data["review_date"],
            notes=f.cleaned_data["notes"],
        ),
        title="Record a review of the Family Help plan",
        success_url=_child_url(child.pk),
        success_message="The review was recorded.",
        extra_context={**TAB, "plan": plan},
        template="familyhelp/review_form.html",
    )


@require_http_methods(["GET", "POST"])
def step_down(request: AuthenticatedRequest, pk: int, referral_id: int) -> HttpResponse:
    """A manager of the child's team closes the episode and steps the child down to Family
    Help: the closing service's checks, then a step-down waiting for the receiving team."""
    child = get_child_for_manager(request.user, pk)
    referral = referral_for_child(child, referral_id)
    referral_url = reverse("cases:referral-detail", args=[child.pk, referral.pk])
    if not referral.is_open:
        messages.error(request, "This episode is closed already: it cannot be stepped down now.")
        return redirect(referral_url)
    if not referral.decision:
        messages.error(
            request,
            "A team manager must record the threshold decision before the episode can close.",
        )
        return redirect(referral_url)
    form = StepDownForm(
        request.POST or None,
        initial={"version": referral.version},
        exclude_team=child.allocated_team_id,
    )
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: services.step_down_agree(
            referral=referral,
            user=request.user,
            closure_date=f.cleaned_data["closure_date"],
            closure_reason=f.cleaned_data["closure_reason"],
            to_team=f.cleaned_data["to_team"],
            reason=f.cleaned_data["reason"],
            expected_version=f.cleaned_data["version"],
        ),
        title="Close the episode and step down to Family Help",
        success_url=_child_url(child.pk),
        success_message="The episode closed. The step-down waits for the Family Help team to "
        "accept it.",
        template="familyhelp/step_down_form.html",
        extra_context={"referral": referral, "active_tab": "referrals"},
    )


@require_http_methods(["GET", "POST"])
def step_up(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    plan = child.family_help_plans.filter(end_date__isnull=True).first()
    form = StepUpForm(request.POST or None, exclude_team=child.allocated_team_id)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: services.step_up_request(
            child=child,
            user=request.user,
            to_team=f.cleaned_data["to_team"],
            reason=f.cleaned_data["reason"],
            plan=plan,
        ),
        title="Step up to children's social care",
        success_url=_child_url(child.pk),
        success_message="The step-up was sent. It waits for the social care team to accept it.",
        extra_context=TAB,
    )


@require_http_methods(["GET", "POST"])
def step_down_accept(request: AuthenticatedRequest, pk: int, step_down_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    item = step_down_to_accept(request.user, step_down_id)
    if item.child_id != child.pk:
        raise Http404("No such step-down")
    form = AcceptForm(request.POST or None, initial={"version": item.version})
    return _accept_page(
        request,
        child=child,
        form=form,
        item=item,
        kind="step-down",
        save=lambda f: services.step_down_accept(
            step_down=item, user=request.user, accepted_on=f.cleaned_data["accepted_on"]
        ),
    )


@require_http_methods(["GET", "POST"])
def step_up_accept(request: AuthenticatedRequest, pk: int, step_up_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    item = step_up_to_accept(request.user, step_up_id)
    if item.child_id != child.pk:
        raise Http404("No such step-up")
    form = StepUpAcceptForm(
        request.POST or None, initial={"version": item.version, "primary_need": "N0"}
    )
    return _accept_page(
        request,
        child=child,
        form=form,
        item=item,
        kind="step-up",
        save=lambda f: services.step_up_accept(
            step_up=item,
            user=request.user,
            accepted_on=f.cleaned_data["accepted_on"],
            primary_need=f.cleaned_data["primary_need"],
        ),
    )


@require_http_methods(["GET", "POST"])
def request_accept(request: AuthenticatedRequest, pk: int, request_id: int) -> HttpResponse:
    """The receiving team's manager accepts the front door's request for Family Help."""
    child = get_child_for_user(request.user, pk)
    item = request_to_accept(request.user, request_id)
    if item.child_id != child.pk:
        raise Http404("No such request")
    form = AcceptForm(request.POST or None, initial={"version": item.version})
    return _accept_page(
        request,
        child=child,
        form=form,
        item=item,
        kind="request for Family Help",
        save=lambda f: services.request_accept(
            request=item, user=request.user, accepted_on=f.cleaned_data["accepted_on"]
        ),
    )


def _accept_page(request, *, child, form, item, kind, save) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["version"] != item.version:
            form.add_error(
                None,
                "Someone else changed this since you opened it. Check it again before accepting.",
            )
        else:
            try:
                save(form)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request,
                    f"The {kind} was accepted. {child.full_name} is now allocated to "
                    f"{item.to_team}.",
                )
                return redirect(
                    _child_url(child.pk)
                    if child_is_writable_by(request.user, type(child).objects.get(pk=child.pk))
                    else reverse("familyhelp:waiting")
                )
    return render(
        request,
        "familyhelp/accept.html",
        {
            "child": child,
            "form": form,
            "item": item,
            "kind": kind,
            "title": f"Accept the {kind}",
            "cancel_url": reverse("familyhelp:waiting"),
            **TAB,
        },
    )


@require_GET
def waiting(request: AuthenticatedRequest) -> HttpResponse:
    """Step-downs, step-ups and front-door requests waiting for the user's teams, and Family
    Help reviews due."""
    user = request.user
    return render(
        request,
        "familyhelp/waiting.html",
        {
            "step_downs": list(pending_step_downs_for(user)),
            "step_ups": list(pending_step_ups_for(user)),
            "requests": list(pending_requests_for(user)),
            "reviews_due": list(plans_due_review(user)[:50]),
            "can_accept": set(user.managed_team_ids) if user.is_team_manager else set(),
            "today": timezone.localdate(),
        },
    )
