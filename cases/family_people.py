"""The family page's entries (`FamilyMember`, one per child) kept in step with the person index.

Each `FamilyMember` is what a worker recorded on one child's family page. Here it becomes (or
joins) a `people.Person` and a `people.Relationship` between that person and the child's own
person, recorded once: the mother recorded on Ruby's page and again on Leo's is one person, the
mother of each. Two entries are *proved* the same person when their names (case and spacing
aside) and dates of birth are the same; entries with the same names where a date of birth is
missing on either side stay separate and are listed for a worker (`PossibleSamePerson`).

One function does it, `link_family`, for the data migration (on the historical models it is
handed), the demo seed, the synthetic authority (in bulk) and every save of a family member (one
entry). It is idempotent: an entry already linked is only brought up to date.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models.functions import Lower
from django.db.models.signals import post_save

from wirral_cp.bulk import set_columns

# What a family page's relationship (cases.Relationship) is in the person index's words, and
# which way it points: "member" means the entry's person is KIND of the child; "child" means the
# child is KIND of the entry's person (the child's own child).
RELATIONSHIP_KINDS: dict[str, tuple[str, str]] = {
    "mother": ("mother", "member"),
    "father": ("father", "member"),
    "step_parent": ("step_parent", "member"),
    "parents_partner": ("parents_partner", "member"),
    "sibling": ("sibling", "member"),
    "half_sibling": ("half_sibling", "member"),
    "step_sibling": ("step_sibling", "member"),
    "grandmother": ("grandparent", "member"),
    "grandfather": ("grandparent", "member"),
    "aunt": ("aunt_uncle", "member"),
    "uncle": ("aunt_uncle", "member"),
    "cousin": ("cousin", "member"),
    "childs_child": ("parent", "child"),
    "foster_carer": ("carer", "member"),
    "kinship_carer": ("carer", "member"),
    "family_friend": ("friend", "member"),
    "other": ("other", "member"),
}
SYMMETRIC = {"partner", "sibling", "half_sibling", "step_sibling", "cousin", "friend", "other"}
THROUGH_KINDS = {"half_sibling", "grandparent", "aunt_uncle", "cousin"}


@dataclass
class Models:
    """The models to work on: the current ones, or a migration's historical ones."""

    Child: Any
    FamilyMember: Any
    Person: Any
    PersonAddress: Any
    Relationship: Any
    Household: Any
    HouseholdMember: Any
    PossibleSamePerson: Any

    @classmethod
    def current(cls) -> "Models":
        from people import models as people

        from . import models as cases

        return cls(
            Child=cases.Child,
            FamilyMember=cases.FamilyMember,
            Person=people.Person,
            PersonAddress=people.PersonAddress,
            Relationship=people.Relationship,
            Household=people.Household,
            HouseholdMember=people.HouseholdMember,
            PossibleSamePerson=people.PossibleSamePerson,
        )

    @classmethod
    def from_apps(cls, apps: Any) -> "Models":
        return cls(
            Child=apps.get_model("cases", "Child"),
            FamilyMember=apps.get_model("cases", "FamilyMember"),
            Person=apps.get_model("people", "Person"),
            PersonAddress=apps.get_model("people", "PersonAddress"),
            Relationship=apps.get_model("people", "Relationship"),
            Household=apps.get_model("people", "Household"),
            HouseholdMember=apps.get_model("people", "HouseholdMember"),
            PossibleSamePerson=apps.get_model("people", "PossibleSamePerson"),
        )


def _names(first: str, last: str) -> tuple[str, str]:
    return (" ".join((first or "").split()).casefold(), " ".join((last or "").split()).casefold())


def _new_person(m: Models, fields: dict[str, Any]) -> Any:
    """A person to bulk-create, with its search keys where the model has them (a migration's
    historical model from before people 0003 does not)."""
    from people.search_keys import name_keys

    person = m.Person(**fields)
    if any(f.name == "last_name_key" for f in m.Person._meta.fields):
        for name, key in name_keys(person.first_name, person.last_name).items():
            setattr(person, name, key)
    return person


def _child_address(m: Models, child: Any) -> Any:
    """The child's recorded address as a person's address (None without one)."""
    from people.search_keys import postcode_key

    address = ", ".join(
        part for part in (child.address_line_1, child.address_line_2, child.town) if part
    )
    if not (address or child.postcode):
        return None
    row = m.PersonAddress(
        person_id=child.person_id, address=address or child.postcode, postcode=child.postcode
    )
    if any(f.name == "postcode_key" for f in m.PersonAddress._meta.fields):
        row.postcode_key = postcode_key(child.postcode)
    return row


def _child_person_fields(child: Any) -> dict[str, Any]:
    return {
        "first_name": child.first_name,
        "last_name": child.last_name,
        "date_of_birth": child.date_of_birth or child.expected_date_of_birth,
        "date_of_death": child.date_of_death,
        "is_deceased": child.date_of_death is not None,
        "sex": child.sex,
        "nhs_number": child.nhs_number,
        "languages": child.first_language,
        "interpreter_required": child.interpreter_required,
    }


def _member_person_fields(member: Any) -> dict[str, Any]:
    return {
        "first_name": member.first_name,
        "last_name": member.last_name,
        "date_of_birth": member.date_of_birth,
        "date_of_death": member.date_of_death,
        "is_deceased": member.is_deceased,
        "sex": member.sex,
        "phone": member.phone,
    }


class _Index:
    """Persons by proof of identity (names and date of birth) and by names alone."""

    def __init__(self) -> None:
        self.proved: dict[tuple[str, str, Any], int] = {}
        self.by_names: dict[tuple[str, str], list[tuple[int, Any]]] = defaultdict(list)

    def add(self, pk: int, first: str, last: str, born: Any) -> None:
        names = _names(first, last)
        if born is not None:
            self.proved.setdefault((*names, born), pk)
        self.by_names[names].append((pk, born))

    def same(self, first: str, last: str, born: Any) -> int | None:
        if born is None:
            return None
        return self.proved.get((*_names(first, last), born))

    def maybe(self, pk: int, first: str, last: str, born: Any) -> list[int]:
        """Others with the same names that nothing proves to be, or not to be, this person."""
        return [
            other
            for other, other_born in self.by_names.get(_names(first, last), [])
            if other != pk and (born is None or other_born is None)
        ]


def link_family(
    m: Models | None = None,
    *,
    members: Iterable[Any] | None = None,
    children: Iterable[Any] | None = None,
) -> dict[str, int]:
    """Give the children and their family entries persons, relationships and households.

    With no arguments, every child and every entry. Returns counts of what it made.
    """
    m = m or Models.current()
    everyone = members is None and children is None
    if members is None:
        members = list(m.FamilyMember.objects.order_by("pk"))
    else:
        members = sorted(members, key=lambda x: x.pk)
    if children is None:
        # Every child for a whole run; otherwise those of the entries (fetched below).
        children = list(m.Child.objects.order_by("pk")) if everyone else []
    else:
        children = list(children)
    made = {"persons": 0, "relationships": 0, "households": 0, "possible_same": 0}
    child_by_pk = {c.pk: c for c in children}
    missing = {x.child_id for x in members} - set(child_by_pk)
    if missing:
        for c in m.Child.objects.filter(pk__in=missing):
            child_by_pk[c.pk] = c

    # Candidates already in the index: every person whose last name one of these entries has.
    last_names = {_names("", x.last_name)[1] for x in members} | {
        _names("", c.last_name)[1] for c in child_by_pk.values()
    }
    index = _Index()
    existing = (
        m.Person.objects.annotate(last_lower=Lower("last_name"))
        .filter(last_lower__in=last_names)
        .values_list("pk", "first_name", "last_name", "date_of_birth")
    )
    # The children's own persons first, so a sibling's entry joins the sibling's record.
    child_person_ids = {c.person_id for c in child_by_pk.values() if c.person_id}
    rows = sorted(existing, key=lambda r: (r[0] not in child_person_ids, r[0]))
    for pk, first, last, born in rows:
        index.add(pk, first, last, born)

    # 1. Every child is a person.
    new_children = [c for c in child_by_pk.values() if c.person_id is None]
    created = m.Person.objects.bulk_create(
        [_new_person(m, _child_person_fields(c)) for c in new_children], batch_size=1000
    )
    for child, person in zip(new_children, created, strict=True):
        child.person_id = person.pk
        index.add(person.pk, person.first_name, person.last_name, person.date_of_birth)
    if new_children:
        set_columns(m.Child, ["person"], [(c.pk, c.person_id) for c in new_children])
        # The child's address is the person's, so "Known to us?" finds them by postcode.
        m.PersonAddress.objects.bulk_create(
            [a for a in (_child_address(m, c) for c in new_children) if a is not None],
            batch_size=1000,
        )
    made["persons"] += len(created)

    # 2. Every entry is a person: the one it is proved to be, or a new one.
    to_create: list[tuple[Any, Any]] = []
    pending: dict[tuple[str, str, Any], Any] = {}
    for member in members:
        if member.person_id is not None:
            continue
        same = index.same(member.first_name, member.last_name, member.date_of_birth)
        if same is not None:
            member.person_id = same
            continue
        key = (*_names(member.first_name, member.last_name), member.date_of_birth)
        if member.date_of_birth is not None and key in pending:
            to_create.append((member, pending[key]))
            continue
        person = _new_person(m, _member_person_fields(member))
        if member.date_of_birth is not None:
            pending[key] = person
        to_create.append((member, person))
    new_people = list({id(p): p for _, p in to_create}.values())
    m.Person.objects.bulk_create(new_people, batch_size=1000)
    made["persons"] += len(new_people)
    addresses = []
    seen_address: set[tuple[int, str]] = set()
    for member, person in to_create:
        member.person_id = person.pk
        if member.address and (person.pk, member.address) not in seen_address:
            seen_address.add((person.pk, member.address))
            addresses.append(m.PersonAddress(person_id=person.pk, address=member.address))
    m.PersonAddress.objects.bulk_create(addresses, batch_size=1000)
    pairs = []
    for person in new_people:
        # One pair per new person, with the first of its namesakes: a list a worker can work
        # through, not every combination.
        others = index.maybe(person.pk, person.first_name, person.last_name, person.date_of_birth)
        if others:
            pairs.append((others[0], person.pk))
        index.add(person.pk, person.first_name, person.last_name, person.date_of_birth)
    existing_pairs = set(
        m.PossibleSamePerson.objects.filter(second_id__in=[b for _, b in pairs]).values_list(
            "first_id", "second_id"
        )
    )
    fresh = [p for p in pairs if p not in existing_pairs]
    m.PossibleSamePerson.objects.bulk_create(
        [
            m.PossibleSamePerson(
                first_id=a,
                second_id=b,
                reason="Same names; a date of birth is missing, so nothing proves it.",
            )
            for a, b in fresh
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    made["possible_same"] += len(fresh)
    person_of_member = {x.pk: x.person_id for x in members}
    through_members = {x.through_parent_id for x in members if x.through_parent_id} - set(
        person_of_member
    )
    if through_members:
        person_of_member.update(
            m.FamilyMember.objects.filter(pk__in=through_members).values_list("pk", "person_id")
        )
    partner_members = {x.partner_id for x in members if x.partner_id} - set(person_of_member)
    if partner_members:
        person_of_member.update(
            m.FamilyMember.objects.filter(pk__in=partner_members).values_list("pk", "person_id")
        )

    # 3. Every entry is a relationship to the child, recorded once.
    wanted: dict[tuple[int, int, str], dict[str, Any]] = {}
    member_key: dict[int, tuple[int, int, str]] = {}
    for member in members:
        child = child_by_pk[member.child_id]
        if member.person_id == child.person_id:
            continue
        kind, direction = RELATIONSHIP_KINDS.get(member.relationship, ("other", "member"))
        if direction == "member":
            person_id, relative_id = member.person_id, child.person_id
        else:
            person_id, relative_id = child.person_id, member.person_id
        if kind in SYMMETRIC and person_id > relative_id:
            person_id, relative_id = relative_id, person_id
        link_key = (person_id, relative_id, kind)
        through = person_of_member.get(member.through_parent_id) if kind in THROUGH_KINDS else None
        fields = wanted.setdefault(
            link_key,
            {
                "through_id": None,
                "parental_responsibility": False,
                "lives_with": False,
                "involved_in_safety_plan": False,
            },
        )
        fields["through_id"] = fields["through_id"] or through
        fields["parental_responsibility"] |= bool(member.parental_responsibility)
        fields["lives_with"] |= bool(member.lives_with_child)
        fields["involved_in_safety_plan"] |= bool(member.involved_in_safety_plan)
        member_key[member.pk] = link_key
    # Partnerships between two entries' people.
    for member in members:
        partner = person_of_member.get(member.partner_id) if member.partner_id else None
        if partner is None or partner == member.person_id or member.person_id is None:
            continue
        a, b = sorted((member.person_id, partner))
        wanted.setdefault(
            (a, b, "partner"), {"partnership_status": member.partnership_status or "partners"}
        )
    made["relationships"] += _save_relationships(m, wanted)
    links = dict(
        ((r.person_id, r.relative_id, r.kind), r.pk)
        for r in m.Relationship.objects.filter(
            person_id__in={k[0] for k in wanted}, relative_id__in={k[1] for k in wanted}
        )
    )
    for member in members:
        wanted_key = member_key.get(member.pk)
        member.link_id = links.get(wanted_key) if wanted_key else None
    set_columns(
        m.FamilyMember, ["person", "link"], [(x.pk, x.person_id, x.link_id) for x in members]
    )

    # 4. Who lives with the child: a household at the child's address.
    made["households"] += _households(m, members, child_by_pk)
    return made


def _save_relationships(m: Models, wanted: dict[tuple[int, int, str], dict[str, Any]]) -> int:
    if not wanted:
        return 0
    existing = {
        (r.person_id, r.relative_id, r.kind): r
        for r in m.Relationship.objects.filter(
            person_id__in={k[0] for k in wanted}, relative_id__in={k[1] for k in wanted}
        )
    }
    new, changed = [], []
    for key, fields in wanted.items():
        row = existing.get(key)
        if row is None:
            new.append(m.Relationship(person_id=key[0], relative_id=key[1], kind=key[2], **fields))
            continue
        dirty = False
        for name, value in fields.items():
            if isinstance(value, bool):
                value = value or getattr(row, name)
            elif not value:
                continue
            if getattr(row, name) != value:
                setattr(row, name, value)
                dirty = True
        if dirty:
            changed.append(row)
    m.Relationship.objects.bulk_create(new, batch_size=1000)
    for row in changed:
        row.save()
    return len(new)


def _households(m: Models, members: list[Any], child_by_pk: dict[int, Any]) -> int:
    living = defaultdict(set)
    for member in members:
        if member.lives_with_child and member.person_id:
            living[member.child_id].add(member.person_id)
    if not living:
        return 0
    child_persons = {child_by_pk[c].person_id: c for c in living}
    everyone = set(child_persons).union(*living.values())
    current = {
        hm.person_id: hm.household_id
        for hm in m.HouseholdMember.objects.filter(
            person_id__in=everyone, end_date__isnull=True, household__end_date__isnull=True
        )
    }
    # A household made here is the (unsaved) row itself until all are saved together below.
    made: list[Any] = []
    rows = []
    for child_id, persons in living.items():
        child = child_by_pk[child_id]
        address = ", ".join(
            part for part in (child.address_line_1, child.address_line_2, child.town) if part
        )
        # The child's current household, or that of someone recorded as living with them (a
        # sibling's entry naming the same mother joins the sibling's household).
        household_id = current.get(child.person_id)
        for person_id in sorted(persons):
            if household_id is None:
                household_id = current.get(person_id)
        if household_id is None:
            household_id = m.Household(address=address, postcode=child.postcode)
            made.append(household_id)
        for person_id in {child.person_id, *persons}:
            current.setdefault(person_id, household_id)
            if current[person_id] == household_id:
                rows.append((household_id, person_id))
    m.Household.objects.bulk_create(made, batch_size=1000)
    for household in made:
        # As saving each would: its entry in the audit trail (when auditing is on).
        post_save.send(sender=m.Household, instance=household, created=True, raw=False)
    m.HouseholdMember.objects.bulk_create(
        [
            m.HouseholdMember(household_id=getattr(household, "pk", household), person_id=person_id)
            for household, person_id in rows
        ],
        batch_size=1000,
        ignore_conflicts=True,
    )
    return len(made)


def relationship_counts(m: Models | None = None) -> dict[str, int]:
    """What the migration test compares: entries, and entries with a person and a link."""
    m = m or Models.current()
    entries = m.FamilyMember.objects
    return {
        "entries": entries.count(),
        "entries_with_person": entries.filter(person__isnull=False).count(),
        "entries_linked": entries.filter(link__isnull=False).count(),
        "partnerships": entries.filter(partner__isnull=False).count(),
    }
