"""Child protection plans the child had in other local authorities: they count in the number
of previous plans (the CIN census, Annex A and the child's plan pages)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedRequest

from ..access import child_is_writable_by, get_child_for_user
from ..forms.child import PreviousPlanElsewhereForm
from ..models import PreviousPlanElsewhere
from .common import child_form_page, saving


@require_GET
def previous_plans(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    return render(
        request,
        "cases/previous_plans.html",
        {
            "child": child,
            "active_tab": "plan",
            "plans": list(child.previous_plans_elsewhere.select_related("recorded_by")),
            "can_edit": child_is_writable_by(request.user, child),
        },
    )


@require_http_methods(["GET", "POST"])
def previous_plan_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    form = PreviousPlanElsewhereForm(
        request.POST or None,
        instance=PreviousPlanElsewhere(child=child, recorded_by=request.user),
    )
    return child_form_page(
        request,
        child=child,
        form=form,
        save=saving(request.user),
        title="Record a child protection plan in another local authority",
        success_url=reverse("cases:previous-plans", args=[child.pk]),
        success_message="The plan in another local authority was recorded.",
        extra_context={"active_tab": "plan"},
    )


@require_http_methods(["GET", "POST"])
def previous_plan_edit(request: AuthenticatedRequest, pk: int, elsewhere_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    plan = get_object_or_404(child.previous_plans_elsewhere, pk=elsewhere_id)
    form = PreviousPlanElsewhereForm(request.POST or None, instance=plan)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=saving(request.user),
        title=f"Edit the plan in {plan.local_authority}",
        success_url=reverse("cases:previous-plans", args=[child.pk]),
        success_message="The plan in another local authority was saved.",
        extra_context={"active_tab": "plan"},
    )
