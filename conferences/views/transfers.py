"""Ending a plan other than at a review, and moves between authorities.

Only those who may change the child's record (the allocated worker, their team, their
managers: `cases.access.get_child_for_user(write=True)`) record these: they are facts about
the child's life that the worker learns, not a conference's decision.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from accounts.http import AuthenticatedRequest
from cases.access import get_child_for_user
from cases.models import Child
from cases.views.common import add_service_errors, child_form_page
from timescales import rules as timescales
from wirral_cp.dates import weekday_day

from ..forms.transfers import PlanEndForm, TransferInForm, TransferOutForm
from ..models import ChildProtectionPlan, TransferIn, TransferOut
from ..selectors import get_plan_of_child
from ..services_transfers import (
    pending_transfer_in,
    pending_transfer_out,
    plan_end_outside_review,
    transfer_in_record,
    transfer_out_record,
)
from .plan import PLAN_ENDED

TEMPLATE = "conferences/transfer_form.html"


def _open_plan(request: AuthenticatedRequest, pk: int, plan_id: int):
    child = get_child_for_user(request.user, pk, write=True)
    plan = get_plan_of_child(child, plan_id)
    return child, plan


def _plan_url(child: Child, plan: ChildProtectionPlan) -> str:
    return reverse("conferences:plan-detail", args=[child.pk, plan.pk])


@require_http_methods(["GET", "POST"])
def plan_end(request: AuthenticatedRequest, pk: int, plan_id: int) -> HttpResponse:
    child, plan = _open_plan(request, pk, plan_id)
    if not plan.is_open:
        messages.error(request, PLAN_ENDED)
        return redirect(_plan_url(child, plan))
    form = PlanEndForm(request.POST or None, initial={"version": plan.version})
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: plan_end_outside_review(
            plan=plan,
            user=request.user,
            reason=f.cleaned_data["reason"],
            end_date=f.cleaned_data["end_date"],
            details=f.cleaned_data["details"],
            closure_reason=f.cleaned_data["closure_reason"],
            expected_version=f.cleaned_data["version"],
        ),
        title="End the plan outside a review",
        success_url=_plan_url(child, plan),
        success_message="The plan has ended. Reviews still to come were cancelled.",
        template=TEMPLATE,
        extra_context={
            "active_tab": "plan",
            "intro": "For a child who reached 18, died, left the country or became looked "
            "after. A child who moved to another authority: record the move instead; the "
            "plan ends when their transfer-in conference is held.",
            "other_link": (
                reverse("conferences:transfer-out", args=[child.pk, plan.pk]),
                "Record a move to another authority",
            ),
        },
    )


@require_http_methods(["GET", "POST"])
def transfer_out(request: AuthenticatedRequest, pk: int, plan_id: int) -> HttpResponse:
    child, plan = _open_plan(request, pk, plan_id)
    if not plan.is_open:
        messages.error(request, PLAN_ENDED)
        return redirect(_plan_url(child, plan))
    instance = pending_transfer_out(plan) or TransferOut(plan=plan, child=child)
    form = TransferOutForm(request.POST or None, instance=instance)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: transfer_out_record(
            transfer=f.save(commit=False), user=request.user, expected_version=f.expected_version
        ),
        title="The child moved to another authority",
        success_url=_plan_url(child, plan),
        success_message="The move has been recorded. The plan ends here once the receiving "
        "authority's transfer-in conference has been held.",
        template=TEMPLATE,
        extra_context={
            "active_tab": "plan",
            "intro": "The plan here continues until the receiving authority holds its "
            "transfer-in conference; it ends that day, and the episode closes (RC5).",
        },
    )


@require_http_methods(["GET", "POST"])
def transfer_in(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    back = reverse("conferences:child-plan", args=[child.pk])
    pending = pending_transfer_in(child)
    form = TransferInForm(request.POST or None, instance=TransferIn(child=child))
    if request.method == "POST" and form.is_valid():
        try:
            transfer = transfer_in_record(transfer=form.save(commit=False), user=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Transfer-in conference requested: it must be held by "
                f"{weekday_day(transfer.conference.target_date)}.",
            )
            return redirect("conferences:detail", transfer.conference.pk)
    return render(
        request,
        TEMPLATE,
        {
            "child": child,
            "form": form,
            "title": "A child on another authority's plan has moved here",
            "cancel_url": back,
            "active_tab": "plan",
            "pending": pending,
            "intro": "Recording the notification asks for the transfer-in conference, due "
            f"within {timescales.in_words()['transfer_in']} of the date we were notified. "
            "Record the referral first (source 5C) if the child has no open episode here.",
        },
    )
