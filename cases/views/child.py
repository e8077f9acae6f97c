from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedRequest
from wirral_cp.paging import page_of

from ..access import (
    children_for_user,
    get_child_for_manager,
    get_child_for_user,
    is_restricted_from,
    restricted_children_hidden_from,
)
from ..forms.child import BirthForm, ChildForm, RestrictionForm
from ..selectors import child_summary
from ..services import child_birth_record, child_create, child_details_save, child_restrict
from .common import add_service_errors, child_form_page


@require_safe
def child_list(request: AuthenticatedRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    children = (
        children_for_user(request.user)
        .search(query)
        .select_related("allocated_worker", "allocated_team")
    )
    worker = request.GET.get("worker", "")
    if worker.isdigit():
        # From the caseloads page: still only the children this user may see.
        children = children.filter(allocated_worker_id=int(worker))
    page = page_of(request, children)
    # Restricted records: their existence, never their content (names, dates, ids).
    hidden = restricted_children_hidden_from(request.user).count()
    can_create = request.user.is_social_worker or request.user.is_team_manager
    return render(
        request,
        "cases/child_list.html",
        {"page": page, "query": query, "can_create": can_create, "restricted_hidden": hidden},
    )


@require_safe
def child_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    return render(
        request,
        "cases/child_detail.html",
        {"child": child, "summary": child_summary(child, request.user), "active_tab": "summary"},
    )


@require_http_methods(["GET", "POST"])
def child_create_view(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not (user.is_social_worker or user.is_team_manager) or user.team_id is None:
        messages.error(
            request, "Only social workers and team managers in a team can register a child."
        )
        return redirect("cases:child-list")
    form = ChildForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child = child_create(child=form.save(commit=False), user=user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{child.full_name} registered as {child.la_child_id}.")
            return redirect("cases:child-detail", child.pk)
    return render(request, "cases/child_form.html", {"form": form, "title": "Register a child"})


@require_http_methods(["GET", "POST"])
def child_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk, write=True)
    form = ChildForm(request.POST or None, instance=child)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda form: child_details_save(
            child=form.save(commit=False),
            user=request.user,
            expected_version=getattr(form, "expected_version", None),
        ),
        title="Edit the child's details",
        success_url=reverse("cases:child-detail", args=[child.pk]),
        success_message="The child's details were saved.",
    )


@require_http_methods(["GET", "POST"])
def child_birth(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record the birth of a child recorded before birth: the same record, now the born
    child's. For a child already born the page says so and offers nothing to change."""
    child = get_child_for_user(request.user, pk, write=True)
    detail_url = reverse("cases:child-detail", args=[child.pk])
    if not child.is_unborn:
        if request.method == "POST":
            messages.error(request, "The child's birth has already been recorded.")
            return redirect(detail_url)
        return render(request, "cases/child_birth_recorded.html", {"child": child})
    form = BirthForm(request.POST or None, child=child)

    def save(form: BirthForm) -> object:
        data = form.cleaned_data
        return child_birth_record(
            child=child,
            user=request.user,
            date_of_birth=data["date_of_birth"],
            sex=data["sex"],
            ethnicity=data["ethnicity"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            known_as=data["known_as"],
            expected_version=data["version"],
        )

    return child_form_page(
        request,
        child=child,
        form=form,
        save=save,
        title="Record the birth",
        success_url=detail_url,
        success_message="The birth was recorded. The record keeps everything from before birth.",
        template="cases/child_birth.html",
    )


@require_http_methods(["GET", "POST"])
def child_restriction(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A manager restricts a record (a staff member's relative, a high-profile case) to named
    people; nobody else, managers included, can open it while it is restricted."""
    child = get_child_for_manager(request.user, pk)
    form = RestrictionForm(request.POST or None, child=child)
    if request.method == "POST" and form.is_valid():
        try:
            child_restrict(
                child=child,
                user=request.user,
                restricted=form.cleaned_data["is_restricted"],
                people=list(form.cleaned_data["restricted_to"]),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "The record's restriction was saved.")
            if is_restricted_from(request.user, child):
                return redirect("cases:child-list")
            return redirect("cases:child-detail", child.pk)
    return render(
        request,
        "cases/record_form.html",
        {
            "child": child,
            "form": form,
            "title": "Restrict this record",
            "cancel_url": reverse("cases:child-detail", args=[child.pk]),
        },
    )
