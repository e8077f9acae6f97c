"""A child's family read from the person index: the shared relationships, in four queries.

What is recorded once between two people is read here from the child's side, and what the
family implies is added: a parent's other children are the child's brothers and sisters (full
when they share every recorded parent, half through the one they share), a parent's parents are
grandparents, a parent's brothers and sisters are aunts and uncles, and anyone recorded as
related to a brother or sister *through* one of the child's parents (a grandmother recorded on
Ruby's page, through their mother Jade) is related to the child the same way. So a grandparent
added once shows on every grandchild's family page and genogram.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q
from django.utils import timezone

from people.codes import Sex
from people.models import (
    PARENT_KINDS,
    THROUGH_A_PARENT_KINDS,
    HouseholdMember,
    Kind,
    Person,
)
from people.models import Relationship as Link
from wirral_cp.dates import day

from .models import Child, FamilyMember
from .models import Relationship as Recorded

SIBLING_KINDS = {Kind.SIBLING, Kind.HALF_SIBLING, Kind.STEP_SIBLING}
CHILD_OF = "child"  # the child's own child: the reverse of a parent


@dataclass
class Relative:
    person: Person
    kind: str  # a people.Kind value, or CHILD_OF: what the person is to the child
    word: str  # the same in words, from the child's side ("Mother", "Half-sibling")
    through: Person | None = None
    parental_responsibility: bool = False
    in_safety_plan: bool = False
    recorded: bool = True  # recorded with the child; False: implied by a relative's record
    child_record: Child | None = None


@dataclass
class Family:
    child: Child
    person: Person | None
    relatives: list[Relative] = field(default_factory=list)
    partnerships: list[tuple[int, int, str]] = field(default_factory=list)
    household: list[Person] = field(default_factory=list)
    household_address: str = ""

    @property
    def siblings(self) -> list[Relative]:
        return [r for r in self.relatives if r.kind in SIBLING_KINDS]

    @property
    def with_parental_responsibility(self) -> list[Relative]:
        return [r for r in self.relatives if r.parental_responsibility]

    def children_ids(self) -> list[int]:
        """The child and every brother and sister with a record of their own."""
        ids = [self.child.pk]
        ids += [r.child_record.pk for r in self.siblings if r.child_record is not None]
        return ids


def _word(kind: str, sex: str) -> str:
    if kind == Kind.GRANDPARENT:
        return {"F": "Grandmother", "M": "Grandfather"}.get(sex, "Grandparent")
    if kind == Kind.AUNT_UNCLE:
        return {"F": "Aunt", "M": "Uncle"}.get(sex, "Aunt or uncle")
    if kind == CHILD_OF:
        return "Child's own child"
    return Kind(kind).label


def family_of(child: Child, *, today: date | None = None) -> Family:
    """The child's family from the shared relationships (a constant number of queries)."""
    today = today or timezone.localdate()
    family = Family(child=child, person=child.person)
    me = child.person_id
    if me is None:
        return family
    found: dict[int, Relative] = {}

    def add(
        person: Person,
        kind: str,
        *,
        through: Person | None = None,
        parental_responsibility: bool = False,
        in_safety_plan: bool = False,
        recorded: bool = True,
    ) -> None:
        if person.pk == me:
            return
        known = found.get(person.pk)
        if known is not None and (known.recorded or not recorded):
            return
        found[person.pk] = Relative(
            person=person,
            kind=kind,
            word=_word(kind, person.sex),
            through=through,
            parental_responsibility=parental_responsibility,
            in_safety_plan=in_safety_plan,
            recorded=recorded,
        )

    related = "person", "relative", "through"
    direct = list(
        Link.objects.current(today)
        .filter(Q(person_id=me) | Q(relative_id=me))
        .select_related(*related)
    )
    parents: dict[int, Person] = {}
    for link in direct:
        if link.relative_id == me:
            if link.kind in PARENT_KINDS:
                parents[link.person_id] = link.person
            if link.kind != Kind.PARTNER:
                add(
                    link.person,
                    link.kind,
                    through=link.through,
                    parental_responsibility=link.parental_responsibility,
                    in_safety_plan=link.involved_in_safety_plan,
                )
        else:
            other = link.relative
            if link.kind in PARENT_KINDS:
                add(other, CHILD_OF)
            elif link.kind in SIBLING_KINDS or link.kind in (Kind.COUSIN, Kind.FRIEND, Kind.OTHER):
                add(other, link.kind, through=link.through)
    if parents:
        around = list(
            Link.objects.current(today)
            .filter(
                Q(person_id__in=parents) | Q(relative_id__in=parents) | Q(through_id__in=parents)
            )
            .exclude(relative_id=me)
            .select_related(*related)
        )
        shared: dict[int, set[int]] = {}
        sibling_people: dict[int, Person] = {}
        for link in around:
            if link.person_id in parents and link.kind in PARENT_KINDS:
                shared.setdefault(link.relative_id, set()).add(link.person_id)
                sibling_people[link.relative_id] = link.relative
            elif link.relative_id in parents and link.kind in PARENT_KINDS:
                add(
                    link.person, Kind.GRANDPARENT, through=parents[link.relative_id], recorded=False
                )
            elif link.relative_id in parents and link.kind in SIBLING_KINDS:
                add(link.person, Kind.AUNT_UNCLE, through=parents[link.relative_id], recorded=False)
            elif link.person_id in parents and link.kind in SIBLING_KINDS:
                add(link.relative, Kind.AUNT_UNCLE, through=parents[link.person_id], recorded=False)
            elif link.kind == Kind.PARTNER:
                for side, other in (
                    (link.person_id, link.relative),
                    (link.relative_id, link.person),
                ):
                    if side in parents and other.pk not in parents:
                        add(other, Kind.PARENTS_PARTNER, recorded=False)
            if (
                link.through_id in parents
                and link.kind in THROUGH_A_PARENT_KINDS
                and link.person_id != me
            ):
                add(link.person, link.kind, through=link.through, recorded=False)
        for pk, its_parents in shared.items():
            if pk == me:
                continue
            if len(parents) >= 2 and its_parents >= set(parents):
                add(sibling_people[pk], Kind.SIBLING, recorded=False)
            elif len(parents) >= 2:
                through = parents[min(its_parents)]
                add(sibling_people[pk], Kind.HALF_SIBLING, through=through, recorded=False)
            else:
                add(sibling_people[pk], Kind.SIBLING, recorded=False)
    ids = set(found) | {me}
    family.partnerships = [
        (link.person_id, link.relative_id, link.partnership_status)
        for link in Link.objects.current(today).filter(
            kind=Kind.PARTNER, person_id__in=ids, relative_id__in=ids
        )
    ]
    records = {
        c.person_id: c
        for c in Child.objects.filter(person_id__in=ids)
        .exclude(pk=child.pk)
        .select_related("allocated_team", "allocated_worker")
        .prefetch_related("restricted_to")
    }
    for pk, relative in found.items():
        relative.child_record = records.get(pk)
    order = {value: i for i, value in enumerate(Kind.values)}
    family.relatives = sorted(
        found.values(),
        key=lambda r: (
            order.get(r.kind, len(order)),
            r.person.last_name.lower(),
            r.person.first_name.lower(),
            r.person.pk,
        ),
    )
    home = (
        HouseholdMember.objects.current(today)
        .filter(person_id=me)
        .select_related("household")
        .order_by("-household__start_date", "-pk")
        .first()
    )
    if home is not None:
        family.household_address = str(home.household)
        family.household = [
            m.person
            for m in HouseholdMember.objects.current(today)
            .filter(household_id=home.household_id)
            .exclude(person_id=me)
            .select_related("person")
        ]
    return family


# --- the genogram: the child's own entries and what the family adds -----------------------

_GENOGRAM_RELATIONSHIP = {
    Kind.MOTHER: Recorded.MOTHER,
    Kind.FATHER: Recorded.FATHER,
    Kind.STEP_PARENT: Recorded.STEP_PARENT,
    Kind.PARENTS_PARTNER: Recorded.PARENTS_PARTNER,
    Kind.SIBLING: Recorded.SIBLING,
    Kind.HALF_SIBLING: Recorded.HALF_SIBLING,
    Kind.STEP_SIBLING: Recorded.STEP_SIBLING,
    Kind.COUSIN: Recorded.COUSIN,
    Kind.CARER: Recorded.KINSHIP_CARER,
    Kind.FRIEND: Recorded.FAMILY_FRIEND,
    Kind.OTHER: Recorded.OTHER,
    CHILD_OF: Recorded.CHILDS_CHILD,
}


def _recorded_as(relative: Relative) -> str | None:
    sex = relative.person.sex
    if relative.kind == Kind.PARENT:
        return Recorded.MOTHER if sex == Sex.FEMALE else Recorded.FATHER
    if relative.kind == Kind.GRANDPARENT:
        return Recorded.GRANDMOTHER if sex == Sex.FEMALE else Recorded.GRANDFATHER
    if relative.kind == Kind.AUNT_UNCLE:
        return Recorded.AUNT if sex == Sex.FEMALE else Recorded.UNCLE
    return _GENOGRAM_RELATIONSHIP.get(relative.kind)


def genogram_members(
    child: Child, family: Family, *, masked: set[int] | None = None
) -> list[FamilyMember]:
    """The child's own family entries, and (unsaved, numbered below zero) the people the shared
    relationships add, in the shape the genogram draws. A relative whose own record this user
    may not open (`masked`, person ids) is drawn as "Restricted record"."""
    masked = masked or set()
    own = list(FamilyMember.objects.filter(child=child))
    by_person = {m.person_id: m for m in own if m.person_id}
    household = {p.pk for p in family.household}
    extras: list[FamilyMember] = []
    for index, relative in enumerate(family.relatives, start=1):
        if relative.person.pk in by_person:
            continue
        relationship = _recorded_as(relative)
        if relationship is None:
            continue
        person = relative.person
        hidden = person.pk in masked
        extra = FamilyMember(
            pk=-index,
            child=child,
            first_name="" if hidden else person.first_name,
            last_name="Restricted record" if hidden else person.last_name,
            sex=person.sex,
            date_of_birth=None if hidden else person.date_of_birth,
            date_of_death=None if hidden else person.date_of_death,
            is_deceased=person.deceased,
            relationship=relationship,
            lives_with_child=person.pk in household,
            parental_responsibility=relative.parental_responsibility,
            person_id=person.pk,
        )
        by_person[person.pk] = extra
        extras.append(extra)
    for extra in extras:
        relative = next(r for r in family.relatives if r.person.pk == extra.person_id)
        if relative.through is not None and relative.through.pk in by_person:
            extra.through_parent_id = by_person[relative.through.pk].pk
    for a, b, status in family.partnerships:
        for one, other in ((a, b), (b, a)):
            member = by_person.get(one)
            partner = by_person.get(other)
            if (
                member is not None
                and partner is not None
                and member.pk < 0
                and not member.partner_id
            ):
                member.partner_id = partner.pk
                member.partnership_status = status
    return own + extras


# --- what a brother's or sister's status is: each app says its part --------------------------

StatusSource = Callable[[list[int]], dict[int, list[str]]]
_STATUS_SOURCES: list[StatusSource] = []


def register_sibling_status(source: StatusSource) -> StatusSource:
    """A higher app adds to a sibling's status (conferences: "On a child protection plan"):
    one query for all the children asked about."""
    if source not in _STATUS_SOURCES:
        _STATUS_SOURCES.append(source)
    return source


@register_sibling_status
def _episode_status(child_ids: list[int]) -> dict[int, list[str]]:
    from .models import Referral

    found: dict[int, list[str]] = {}
    for child_id, received in (
        Referral.objects.filter(child_id__in=child_ids, closure_date__isnull=True)
        .order_by("received_at")
        .values_list("child_id", "received_at")
    ):
        found.setdefault(child_id, []).append(f"Open episode (referral of {day(received)})")
    return found


def sibling_statuses(child_ids: list[int]) -> dict[int, list[str]]:
    """Each child's status lines (open episode, on a plan), one query per source."""
    statuses: dict[int, list[str]] = {}
    if not child_ids:
        return statuses
    for source in _STATUS_SOURCES:
        for child_id, lines in source(child_ids).items():
            statuses.setdefault(child_id, []).extend(lines)
    return statuses


def household_and_responsibility(child: Child, *, today: date | None = None) -> dict[str, Any]:
    """For the child's summary: the current household (address and people, a restricted
    child among them marked as such) and the people with parental responsibility (3 queries)."""
    today = today or timezone.localdate()
    found: dict[str, Any] = {"household": None, "household_people": [], "with_pr": []}
    if child.person_id is None:
        return found
    found["with_pr"] = list(
        Link.objects.current(today)
        .filter(relative_id=child.person_id, parental_responsibility=True)
        .select_related("person", "relative")
        .order_by("person__last_name", "person__first_name", "pk")
    )
    home = (
        HouseholdMember.objects.current(today)
        .filter(person_id=child.person_id)
        .select_related("household")
        .order_by("-household__start_date", "-pk")
        .first()
    )
    if home is not None:
        found["household"] = home.household
        found["household_people"] = [
            m.person
            for m in HouseholdMember.objects.current(today)
            .filter(household_id=home.household_id)
            .exclude(person_id=child.person_id)
            .select_related("person", "person__child_record")
        ]
    return found


# --- fathers and the wider family: invited, attended, in the safety plan ---------------------

# (child id, people) -> {person id: {"invited": bool, "attended": bool, "core_groups": int}}
InvolvementSource = Callable[[int, list[Person]], dict[int, dict[str, Any]]]
_INVOLVEMENT_SOURCES: list[InvolvementSource] = []


def register_involvement(source: InvolvementSource) -> InvolvementSource:
    """A higher app says which of the child's significant adults it invited and who took part
    (conferences: its participants and core groups). One query per source."""
    if source not in _INVOLVEMENT_SOURCES:
        _INVOLVEMENT_SOURCES.append(source)
    return source


SIGNIFICANT_KINDS = {
    Kind.MOTHER,
    Kind.FATHER,
    Kind.PARENT,
    Kind.STEP_PARENT,
    Kind.PARENTS_PARTNER,
    Kind.GRANDPARENT,
    Kind.AUNT_UNCLE,
    Kind.CARER,
}


def significant_adults(family: Family) -> list[dict[str, Any]]:
    """For each significant adult: lives with the child, parental responsibility, invited to
    conferences and core groups or not (and why), took part or not, in the safety plan or not."""
    adults = [r for r in family.relatives if r.kind in SIGNIFICANT_KINDS]
    if not adults or family.person is None:
        return []
    links = {
        link.person_id: link
        for link in Link.objects.filter(
            relative_id=family.person.pk, person_id__in=[r.person.pk for r in adults]
        )
    }
    found: dict[int, dict[str, Any]] = {}
    for source in _INVOLVEMENT_SOURCES:
        for pk, facts in source(family.child.pk, [r.person for r in adults]).items():
            mine = found.setdefault(pk, {"invited": False, "attended": False, "core_groups": 0})
            mine["invited"] |= facts.get("invited", False)
            mine["attended"] |= facts.get("attended", False)
            mine["core_groups"] += facts.get("core_groups", 0)
    household = {p.pk for p in family.household}
    rows = []
    for relative in adults:
        link = links.get(relative.person.pk)
        facts = found.get(relative.person.pk, {})
        rows.append(
            {
                "relative": relative,
                "lives_with": relative.person.pk in household,
                "invited": facts.get("invited", False),
                "attended": facts.get("attended", False),
                "core_groups": facts.get("core_groups", 0),
                "link_id": link.pk if link else None,
                "not_invited_reason": link.not_invited_reason if link else "",
                "not_involved_reason": link.not_involved_reason if link else "",
                "in_safety_plan": link.involved_in_safety_plan if link else relative.in_safety_plan,
            }
        )
    return rows
