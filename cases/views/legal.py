"""Protective legal events on the child's record: emergency protection orders and police
protection (Annex A List 7 and the chronology)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from accounts.http import AuthenticatedRequest

from ..access import child_is_writable_by, get_child_for_user
from ..forms.child import ProtectiveOrderForm
from ..models import ProtectiveOrder
from .common import child_form_page, saving


@require_GET
def protective_orders(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    return render(
        request,
        "cases/protective_orders.html",
        {
            "child": child,
            "active_tab": "strategy",
            "orders": list(child.protective_orders.select_related("recorded_by")),
            "can_edit": child_is_writable_by(request.user, child),
        },
    )


@require_http_methods(["GET", "POST"])
def protective_order_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    form = ProtectiveOrderForm(
        request.POST or None, instance=ProtectiveOrder(child=child, recorded_by=request.user)
    )
    return child_form_page(
        request,
        child=child,
        form=form,
        save=saving(request.user),
        title="Record an emergency protection order or police protection",
        success_url=reverse("cases:protective-orders", args=[child.pk]),
        success_message="The order was recorded.",
        extra_context={"active_tab": "strategy"},
    )


@require_http_methods(["GET", "POST"])
def protective_order_edit(request: AuthenticatedRequest, pk: int, order_id: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    order = get_object_or_404(child.protective_orders, pk=order_id)
    form = ProtectiveOrderForm(request.POST or None, instance=order)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=saving(request.user),
        title=f"Edit: {order}",
        success_url=reverse("cases:protective-orders", args=[child.pk]),
        success_message="The order was saved.",
        extra_context={"active_tab": "strategy"},
    )
