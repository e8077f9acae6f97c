"""The family view of a child's record, the family chronology, and a person's page.

Each reads the family from the person index (`cases.family.family_of`) and decides what this
user may see through the one door (`cases.access`): a brother or sister the user may open is
shown with their status; one on a restricted record the user is not named on is shown as
"Restricted record" (and whom to ask), nothing else; one outside the user's reach by name and
the team that holds the record.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from accounts.http import AuthenticatedRequest
from people.models import PossibleSamePerson
from people.models import Relationship as Link

from ..access import (
    Mask,
    child_is_writable_by,
    children_for_user,
    get_child_for_user,
    person_for,
    persons_masked_for,
    persons_visible_to,
)
from ..chronology import chronology_for_children
from ..family import Family, family_of, sibling_statuses, significant_adults
from ..forms.household import (
    HouseholdMoveForm,
    InvolvementForm,
    OtherNameFormSet,
    PersonVersionForm,
    RelationshipForm,
)
from ..services import household_move, person_names_save, relationship_edit
from .common import add_service_errors, child_form_page, saving


def _sibling_rows(request: AuthenticatedRequest, family: Family) -> list[dict]:
    mask = Mask(request.user)
    records = [r.child_record for r in family.siblings if r.child_record is not None]
    may_open = set(
        children_for_user(request.user)
        .filter(pk__in=[c.pk for c in records])
        .values_list("pk", flat=True)
    )
    statuses = sibling_statuses([pk for pk in may_open])
    rows = []
    for relative in family.siblings:
        record = relative.child_record
        masked = record is not None and mask.hides(record)
        rows.append(
            {
                "relative": relative,
                "record": record,
                "masked": masked,
                "ask": ", ".join(str(u) for u in record.restricted_to.all())
                if record is not None and masked
                else "",
                "may_open": record is not None and record.pk in may_open,
                "statuses": statuses.get(record.pk, []) if record is not None else [],
            }
        )
    return rows


@require_safe
def family_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    family = family_of(child)
    siblings = _sibling_rows(request, family)
    masked_people = {row["relative"].person.pk for row in siblings if row["masked"]}
    others = [r for r in family.relatives if r not in family.siblings]
    can_edit = child_is_writable_by(request.user, child)
    return render(
        request,
        "cases/family_view.html",
        {
            "child": child,
            "active_tab": "family-view",
            "family": family,
            "siblings": siblings,
            "others": others,
            "household": [p for p in family.household if p.pk not in masked_people],
            "household_masked": sum(p.pk in masked_people for p in family.household),
            "with_pr": family.with_parental_responsibility,
            "can_edit": can_edit,
            "adults": significant_adults(family),
            "people_rows": _people_rows(child, family, siblings) if can_edit else [],
        },
    )


def _people_rows(child, family: Family, siblings: list[dict]) -> list[dict]:
    """Each person of the family the user may see, with the relationship recorded between them
    and the child (when it is recorded with the child: an implied one is changed where it was
    recorded), for the links to change their names and that relationship. One query."""
    masked = {row["relative"].person.pk for row in siblings if row["masked"]}
    links: dict[int, Link] = {}
    if child.person_id:
        for link in Link.objects.filter(
            Q(person_id=child.person_id) | Q(relative_id=child.person_id)
        ).order_by("pk"):
            other_id = link.relative_id if link.person_id == child.person_id else link.person_id
            links.setdefault(other_id, link)
    rows = []
    if child.person is not None:
        rows.append({"person": child.person, "word": "The child", "link": None})
    for relative in family.relatives:
        if relative.person.pk in masked:
            continue
        rows.append(
            {
                "person": relative.person,
                "word": relative.word,
                "link": links.get(relative.person.pk),
            }
        )
    return rows


def _family_person(request: AuthenticatedRequest, child, person_id: int):
    """A person of the child's family (or the child) the user may see; else 404."""
    person = person_for(request.user, person_id)
    family = family_of(child)
    ids = {r.person.pk for r in family.relatives} | {child.person_id}
    if person.pk not in ids or persons_masked_for(request.user).filter(pk=person.pk).exists():
        raise Http404("No such person in this family")
    return person


@require_http_methods(["GET", "POST"])
def person_names_edit(request: AuthenticatedRequest, pk: int, person_id: int) -> HttpResponse:
    """A person's other names (known as, previous names, aliases, the name at birth), from the
    child's family view: added, changed or taken off on one page."""
    child = get_child_for_user(request.user, pk, write=True)
    person = _family_person(request, child, person_id)
    data = request.POST or None
    formset = OtherNameFormSet(data, queryset=person.other_names.all(), prefix="names")
    version = PersonVersionForm(data, version=person.version)
    back = reverse("cases:family-view", args=[child.pk])
    if request.method == "POST" and version.is_valid() and formset.is_valid():
        try:
            person_names_save(
                person=person,
                user=request.user,
                # Added and changed rows (not those ticked for removal), and those ticked.
                names=formset.save(commit=False),
                removed=list(formset.deleted_objects),
                expected_version=version.expected_version,
            )
        except ValidationError as error:
            add_service_errors(version, error)
        else:
            messages.success(request, f"{person}'s other names were saved.")
            return redirect(back)
    return render(
        request,
        "cases/person_names_form.html",
        {
            "child": child,
            "active_tab": "family-view",
            "person": person,
            "formset": formset,
            "version_form": version,
            "title": f"Other names of {person}",
            "cancel_url": back,
        },
    )


@require_http_methods(["GET", "POST"])
def relationship_edit_view(request: AuthenticatedRequest, pk: int, link_id: int) -> HttpResponse:
    """A relationship between the child and a member of the family, recorded once: what it is,
    parental responsibility, its start and end dates."""
    child = get_child_for_user(request.user, pk, write=True)
    link = get_object_or_404(
        Link.objects.select_related("person", "relative"),
        Q(person_id=child.person_id) | Q(relative_id=child.person_id),
        pk=link_id,
    )
    assert child.person_id is not None  # the link found is one of the child's person's
    other = link.other(child.person_id)
    if persons_masked_for(request.user).filter(pk=other.pk).exists():
        raise Http404("No such relationship")
    form = RelationshipForm(request.POST or None, instance=link)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=lambda f: relationship_edit(
            link=f.save(commit=False), user=request.user, expected_version=f.expected_version
        ),
        title=f"Relationship: {link.person} and {link.relative}",
        success_url=reverse("cases:family-view", args=[child.pk]),
        success_message=f"The relationship between {link.person} and {link.relative} was saved.",
        extra_context={"active_tab": "family-view"},
    )


@require_safe
def family_chronology(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The significant events of every child in the family the user may open, each marked
    with whose it is, oldest first; same-day events in time order where the time is known."""
    child = get_child_for_user(request.user, pk)
    family = family_of(child)
    ids = family.children_ids()
    children = list(children_for_user(request.user).filter(pk__in=ids))
    withheld = len(set(ids) - {c.pk for c in children})
    events = chronology_for_children(children)
    return render(
        request,
        "cases/family_chronology.html",
        {
            "child": child,
            "active_tab": "family-view",
            "events": events,
            "children": children,
            "withheld": withheld,
        },
    )


@require_safe
def person_detail(request: AuthenticatedRequest, person_id: int) -> HttpResponse:
    """A person of the person index, seen because they are related to a child the user may
    open. Logged as a look at the person (audit middleware)."""
    person = person_for(request.user, person_id)
    visible = set(
        persons_visible_to(request.user)
        .filter(pk__in=_related_ids(person.pk))
        .values_list("pk", flat=True)
    )
    links = list(Link.objects.filter(person=person).select_related("relative", "through")) + list(
        Link.objects.filter(relative=person).select_related("person", "through")
    )
    rows = []
    for link in links:
        other = link.other(person.pk)
        shown = other.pk in visible
        rows.append(
            {
                "other": other if shown else None,
                "word": link.word_from(other.pk) if shown else "",
                "link": link,
            }
        )
    return render(
        request,
        "cases/person_detail.html",
        {
            "person": person,
            "rows": rows,
            "names": list(person.other_names.all()),
            "addresses": list(person.addresses.all()),
            "households": list(person.households.select_related("household")),
        },
    )


def _related_ids(pk: int) -> set[int]:
    pairs = Link.objects.filter(person_id=pk).values_list("relative_id", flat=True)
    back = Link.objects.filter(relative_id=pk).values_list("person_id", flat=True)
    return set(pairs) | set(back)


@require_safe
def possible_same_people(request: AuthenticatedRequest) -> HttpResponse:
    """Person records that may be one person (the migration could not prove it), each pair
    listed only when the user may see both people."""
    visible = persons_visible_to(request.user)
    pairs = list(
        PossibleSamePerson.objects.filter(
            resolved_at__isnull=True, first__in=visible, second__in=visible
        )
        .select_related("first", "second")
        .order_by("first__last_name", "first__first_name", "pk")[:200]
    )
    may_merge = request.user.is_team_manager or request.user.is_senior_manager
    return render(
        request, "cases/possible_same_people.html", {"pairs": pairs, "may_merge": may_merge}
    )


@require_http_methods(["GET", "POST"])
def household_move_view(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Record that the child lives at a new address from a date, and with whom."""
    child = get_child_for_user(request.user, pk, write=True)
    family = family_of(child)
    mask = Mask(request.user)
    choices = [
        r.person
        for r in family.relatives
        if not (r.child_record is not None and mask.hides(r.child_record))
    ]
    form = HouseholdMoveForm(
        request.POST or None,
        family_people=choices,
        version=child.person.version if child.person else 0,
    )

    def save(form: HouseholdMoveForm) -> object:
        return household_move(
            child=child,
            user=request.user,
            address=form.cleaned_data["address"],
            postcode=form.cleaned_data["postcode"],
            start_date=form.cleaned_data["start_date"],
            people=list(form.cleaned_data["people"]),
            expected_version=form.expected_version or None,
        )

    return child_form_page(
        request,
        child=child,
        form=form,
        save=save,
        title="Record a move of household",
        success_url=reverse("cases:family-view", args=[child.pk]),
        success_message="The child's household was recorded.",
        extra_context={"active_tab": "family-view"},
    )


@require_http_methods(["GET", "POST"])
def involvement_edit(request: AuthenticatedRequest, pk: int, link_id: int) -> HttpResponse:
    """Whether a significant adult is part of the safety plan, why they are not invited to
    conferences and core groups, or why they are not to be involved at all."""
    child = get_child_for_user(request.user, pk, write=True)
    link = get_object_or_404(
        Link.objects.select_related("person"), pk=link_id, relative_id=child.person_id
    )
    form = InvolvementForm(request.POST or None, instance=link)
    return child_form_page(
        request,
        child=child,
        form=form,
        save=saving(request.user),
        title=f"How {link.person} is involved",
        success_url=reverse("cases:family-view", args=[child.pk]) + "#adults-h",
        success_message=f"What {link.person}'s involvement is was saved.",
        extra_context={"active_tab": "family-view"},
    )
