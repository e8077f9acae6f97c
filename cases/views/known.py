""" "Known to us?" (search the whole authority's person index), opening a record outside one's
work with a reason, the data officer's list of likely duplicates, and merging two people.

What a searcher may see of each match is decided in `cases.access.known_to_us`; the search is
the reusable selector `cases.selectors.known_to_us_search`, shown with the include
`cases/_known_results.html` (the registration page and the front door's contact page embed it).
"""

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts.http import AuthenticatedRequest
from people.models import Person, PersonMerge, PossibleSamePerson
from wirral_cp.paging import page_of

from ..access import (
    child_to_open_with_reason,
    children_for_user,
    may_merge_people,
    may_review_duplicates,
    may_search_known_to_us,
    persons_masked_across_the_authority,
    whom_to_ask_across_the_authority,
)
from ..forms.known import KnownSearchForm, MergeForm, MergeReverseForm, OpenWithReasonForm
from ..merge import people_merge, people_merge_reverse
from ..models import Child
from ..selectors import known_to_us_search
from ..services import child_open_with_reason
from .common import add_service_errors


@require_safe
def known_search(request: AuthenticatedRequest) -> HttpResponse:
    """Any worker: is this person known to the authority? Every team's records are searched;
    each result shows only what the one door allows."""
    if not may_search_known_to_us(request.user):
        raise Http404("No such page")
    form = KnownSearchForm(request.GET or None)
    results = None
    if form.is_bound and form.is_valid():
        results = known_to_us_search(request.user, form.criteria())
    return render(request, "cases/known_search.html", {"form": form, "results": results})


@require_http_methods(["GET", "POST"])
def open_with_reason(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Open the record of a child outside one's own work: the reason first (recorded, audited)."""
    child = child_to_open_with_reason(request.user, pk)
    if children_for_user(request.user).filter(pk=child.pk).exists():
        return redirect("cases:child-detail", child.pk)
    form = OpenWithReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            child_open_with_reason(
                child=child, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                "Your reason was recorded. You can read this record (not change it) for the "
                "next few hours.",
            )
            return redirect("cases:child-detail", child.pk)
    return render(
        request,
        "cases/open_with_reason.html",
        {"form": form, "team": child.allocated_team, "child_pk": child.pk},
    )


def _pair_rows(request: AuthenticatedRequest, pairs: list[PossibleSamePerson]) -> list[dict]:
    """Each pair as the data officer may see it: a side that is a restricted record they are
    not named on, or a person related only to such records, shows only that a record exists
    and whom to ask; such a row shows no signals (they can carry a name) and no merge link."""
    ids = {p.first_id for p in pairs} | {p.second_id for p in pairs}
    children = {
        c.person_id: c
        for c in Child.objects.filter(person_id__in=ids).select_related("allocated_team")
    }
    masked = persons_masked_across_the_authority(request.user, ids)
    asks = whom_to_ask_across_the_authority(request.user, masked)
    rows = []
    for pair in pairs:
        sides = []
        for person in (pair.first, pair.second):
            hidden = person.pk in masked
            sides.append(
                {
                    "person": None if hidden else person,
                    "child": None if hidden else children.get(person.pk),
                    "masked": hidden,
                    "ask": asks.get(person.pk, ""),
                }
            )
        rows.append(
            {
                "pair": pair,
                "sides": sides,
                "masked": any(side["masked"] for side in sides),
            }
        )
    return rows


@require_safe
def duplicates(request: AuthenticatedRequest) -> HttpResponse:
    """The data officer's list: likely duplicate person records across the authority, found
    nightly (people.tasks.find_possible_duplicates), most likely first."""
    if not may_review_duplicates(request.user):
        raise Http404("No such page")
    pairs = (
        PossibleSamePerson.objects.open()
        .select_related("first", "second")
        .order_by("-score", "found_at", "pk")
    )
    page = page_of(request, pairs)
    return render(
        request,
        "cases/duplicates.html",
        {
            "page": page,
            "rows": _pair_rows(request, list(page.object_list)),
            "may_merge": request.user.is_team_manager or request.user.is_senior_manager,
        },
    )


def _side(person: Person) -> dict:
    child = Child.objects.filter(person=person).select_related("allocated_team").first()
    return {"person": person, "child": child}


@require_http_methods(["GET", "POST"])
def merge(request: AuthenticatedRequest, first_id: int, second_id: int) -> HttpResponse:
    """A manager merges two people into one record (reversible for a period)."""
    first = get_object_or_404(Person, pk=first_id)
    second = get_object_or_404(Person, pk=second_id)
    if first.pk == second.pk or not may_merge_people(request.user, first, second):
        raise Http404("No such page")
    choices = [(str(p.pk), f"{p.full_name} (record {p.pk})") for p in (first, second)]
    form = MergeForm(
        request.POST or None,
        choices=choices,
        initial={"version": first.version, "other_version": second.version},
    )
    if request.method == "POST" and form.is_valid():
        survivor, duplicate = (
            (first, second) if form.cleaned_data["survivor"] == str(first.pk) else (second, first)
        )
        versions = {
            first.pk: form.cleaned_data["version"],
            second.pk: form.cleaned_data["other_version"],
        }
        try:
            done = people_merge(
                survivor=survivor,
                duplicate=duplicate,
                user=request.user,
                reason=form.cleaned_data["reason"],
                survivor_version=versions[survivor.pk],
                duplicate_version=versions[duplicate.pk],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{done.duplicate_name} was merged into {survivor}.")
            return redirect("people:merge-detail", done.pk)
    return render(
        request,
        "cases/merge_form.html",
        {"form": form, "sides": [_side(first), _side(second)]},
    )


def _move_rows(done: PersonMerge) -> list[dict]:
    """The merge's moves in words: the kind of record and the field, as the models name them."""
    rows = []
    for move in done.moves.all()[:500]:
        try:
            model = apps.get_model(move.model)
            kind = str(model._meta.verbose_name).capitalize()
            field = next(
                (
                    str(f.verbose_name)
                    for f in model._meta.concrete_fields
                    if f.attname == move.field
                ),
                move.field,
            )
        except LookupError:
            kind, field = move.model, move.field
        rows.append({"kind": kind, "pk": move.object_pk, "field": field})
    return rows


def _merge_for(request: AuthenticatedRequest, merge_id: int) -> PersonMerge:
    done = get_object_or_404(
        PersonMerge.objects.select_related("survivor", "merged_by"), pk=merge_id
    )
    if not may_merge_people(request.user, done.survivor):
        raise Http404("No such merge")
    return done


@require_safe
def merge_detail(request: AuthenticatedRequest, merge_id: int) -> HttpResponse:
    done = _merge_for(request, merge_id)
    moves = _move_rows(done)
    form = MergeReverseForm(initial={"version": done.version})
    return render(
        request,
        "cases/merge_detail.html",
        {"merge": done, "moves": moves, "removed": len(done.removed), "form": form},
    )


@require_POST
def merge_reverse(request: AuthenticatedRequest, merge_id: int) -> HttpResponse:
    done = _merge_for(request, merge_id)
    form = MergeReverseForm(request.POST)
    if form.is_valid():
        try:
            people_merge_reverse(
                merge=done,
                user=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"The merge was reversed: {done.duplicate_name} is back.")
            return redirect("people:merge-detail", done.pk)
    moves = _move_rows(done)
    return render(
        request,
        "cases/merge_detail.html",
        {"merge": done, "moves": moves, "removed": len(done.removed), "form": form},
        status=200,
    )
