from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedRequest
from people.models import Person
from people.selectors import LIKELY_SAME, Criteria, person_matches
from wirral_cp.paging import page_of

from ..access import (
    KnownResult,
    children_for_user,
    get_child_for_manager,
    get_child_for_user,
    is_restricted_from,
    known_to_us,
    reaches_everyone,
    restricted_children_hidden_from,
)
from ..forms.child import BirthForm, ChildForm, RestrictionForm
from ..forms.known import DIFFERENT, RegistrationMatchForm
from ..models import Child
from ..selectors import child_summary
from ..services import child_birth_record, child_create, child_details_save, child_restrict
from .common import add_service_errors, child_form_page


@require_safe
def child_list(request: AuthenticatedRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    children = (
        children_for_user(request.user)
        .search(query)
        .by_name(few=bool(query) and not reaches_everyone(request.user))
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


def _registration_matches(
    request: AuthenticatedRequest, child: Child
) -> tuple[list[KnownResult], list[int]]:
    """The likely matches as the worker may see them, and every matched person's id
    (restricted ones too: kept server-side, never read back from the page)."""
    criteria = Criteria(
        first_name=child.first_name,
        last_name=child.last_name,
        date_of_birth=child.date_of_birth or child.expected_date_of_birth,
        nhs_number=child.nhs_number,
        postcode=child.postcode,
    )
    found = person_matches(criteria, limit=10, at_least=LIKELY_SAME)
    return known_to_us(request.user, found), [m.person.pk for m in found]


def _fingerprint(matches: list[KnownResult], person_ids: list[int]) -> str:
    # Which matches the worker was shown, without putting a restricted record's id in the page.
    ids = ",".join(str(pk) for pk in sorted(person_ids))
    return salted_hmac("registration-matches", ids).hexdigest()[:20]


@require_http_methods(["GET", "POST"])
def child_create_view(request: AuthenticatedRequest) -> HttpResponse:
    """Register a child. Before a new person and child are made, the person index is searched
    ("Known to us?") with the child's details: likely matches are shown first and the worker
    chooses an existing person or says why this child is someone else (recorded)."""
    user = request.user
    if not (user.is_social_worker or user.is_team_manager) or user.team_id is None:
        messages.error(
            request, "Only social workers and team managers in a team can register a child."
        )
        return redirect("cases:child-list")
    form = ChildForm(request.POST or None)
    match_form = None
    matches: list[KnownResult] = []
    if request.method == "POST" and form.is_valid():
        candidate = form.save(commit=False)
        matches, match_ids = _registration_matches(request, candidate)
        decided = None
        if matches:
            choosable = [
                (str(m.person_id), m.name) for m in matches if m.may_be_chosen and m.person_id
            ]
            fingerprint = _fingerprint(matches, match_ids)
            match_form = RegistrationMatchForm(
                request.POST if "match_decision" in request.POST else None,
                choosable=choosable,
                initial={"matches_shown": fingerprint},
            )
            if (
                match_form.is_bound
                and match_form.is_valid()
                and match_form.cleaned_data["matches_shown"] == fingerprint
            ):
                decided = match_form.cleaned_data
            elif (
                match_form.is_bound and match_form.cleaned_data.get("matches_shown") != fingerprint
            ):
                # The details changed since the matches were shown: show the new ones.
                match_form = RegistrationMatchForm(
                    None, choosable=choosable, initial={"matches_shown": fingerprint}
                )
        if not matches or decided is not None:
            chosen = None
            if decided is not None and decided["match_decision"] != DIFFERENT:
                chosen = Person.objects.filter(pk=int(decided["match_decision"])).first()
            try:
                child = child_create(
                    child=candidate,
                    user=user,
                    person=chosen,
                    not_same_as=match_ids if chosen is None else [],
                    not_same_reason=(decided or {}).get("different_reason", ""),
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"{child.full_name} registered as {child.la_child_id}.")
                return redirect("cases:child-detail", child.pk)
    return render(
        request,
        "cases/child_form.html",
        {
            "form": form,
            "title": "Register a child",
            "matches": matches,
            "match_form": match_form,
        },
    )


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
