"""Child in need plans: the list on the child's record, and starting, changing and ending a plan.

Anyone who may see the child may read the list; writers (`write=True`) start, change and end
plans, as for visits and service referrals. Every write goes through
`services_episodes.cin_plan_save` (atomic, validated, audited, version-checked).
"""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedRequest

from ..access import child_is_writable_by, get_child_for_user
from ..forms.episodes import CINPlanEndForm, CINPlanForm, CINPlanStartForm
from ..models import CINPlan
from ..selectors_episodes import cin_plan_for_child, cin_plans_for_child, open_referral
from ..services_episodes import cin_plan_save
from .common import child_form_page

FORM_TEMPLATE = "cases/cin_plan_form.html"


def _list_url(child_pk: int) -> str:
    return reverse("cases:cin-plans", args=[child_pk])


def _saving(user):
    return lambda form: cin_plan_save(
        plan=form.save(commit=False), user=user, expected_version=form.expected_version
    )


@require_safe
def cin_plans(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    plans = cin_plans_for_child(child)
    return render(
        request,
        "cases/cin_plan_list.html",
        {
            "child": child,
            "active_tab": "cin_plans",
            "plans": plans,
            "current": next((p for p in plans if p.end_date is None), None),
            "open_episode": open_referral(child),
            "can_write": child_is_writable_by(request.user, child),
        },
    )


@require_http_methods(["GET", "POST"])
def cin_plan_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    if open_referral(child) is None:
        messages.error(
            request,
            "A child in need plan belongs to an open episode, and "
            f"{child.full_name} has none: record the referral first.",
        )
        return redirect(_list_url(child.pk))
    form = CINPlanStartForm(request.POST or None, instance=CINPlan(child=child), child=child)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=_saving(request.user),
        title="Start a child in need plan",
        success_url=_list_url(child.pk),
        success_message="The child in need plan was started.",
        template=FORM_TEMPLATE,
        extra_context={"active_tab": "cin_plans"},
    )


@require_http_methods(["GET", "POST"])
def cin_plan_edit(request: AuthenticatedRequest, pk: int, cin_plan_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    plan = cin_plan_for_child(child, cin_plan_id)
    form = CINPlanForm(request.POST or None, instance=plan)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=_saving(request.user),
        title=f"Edit the child in need plan from {date_format(plan.start_date, 'j M Y')}",
        success_url=_list_url(child.pk),
        success_message="The child in need plan was saved.",
        template=FORM_TEMPLATE,
        extra_context={"active_tab": "cin_plans", "plan": plan},
    )


@require_http_methods(["GET", "POST"])
def cin_plan_end(request: AuthenticatedRequest, pk: int, cin_plan_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    plan = cin_plan_for_child(child, cin_plan_id)
    already_ended = plan.end_date is not None
    form = CINPlanEndForm(request.POST or None, instance=plan)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=_saving(request.user),
        title="Change the end date" if already_ended else "End the plan",
        success_url=_list_url(child.pk),
        success_message=(
            "The end date was saved." if already_ended else "The child in need plan was ended."
        ),
        template=FORM_TEMPLATE,
        extra_context={"active_tab": "cin_plans", "plan": plan},
    )
