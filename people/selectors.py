"""Reads of the person index: who matches a name, date of birth, NHS number, address or
postcode, and how strongly (`person_matches`, `score`).

One scorer serves "Known to us?" (every match, best first), the registration warning (the
likely ones, `LIKELY_SAME`) and the nightly duplicates job. Candidates come from indexed
equalities (the names' phonetic keys, the NHS number, the date of birth, the postcode) and, on
PostgreSQL, pg_trgm's similarity on the last name; the ranking adds how alike the names are.
Which of these results a user may *see*, and how much of each, is decided in `cases/access.py`.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.postgres.lookups import TrigramSimilar
from django.contrib.postgres.search import TrigramSimilarity
from django.db import connection
from django.db.models import F, Q, QuerySet, Value
from django.db.models.functions import Concat, Upper
from django.db.models.lookups import Exact

from .models import Person, PersonAddress, PersonName
from .search_keys import name_key, nhs_key, postcode_key, similarity

# A score at or above which two records are likely one person: registration warns, the
# nightly job lists the pair. Names sounding alike and the same date of birth score about 55,
# the same NHS number alone 50, names sounding alike at the same postcode about 47; the same
# last name and date of birth with another first name (twins) about 42, below it.
LIKELY_SAME = 45
# How many candidates are scored for one search (the best `limit` are shown).
CANDIDATES = 300


@dataclass(frozen=True)
class Criteria:
    """What a worker searches by (any of them)."""

    first_name: str = ""
    last_name: str = ""
    date_of_birth: date | None = None
    nhs_number: str = ""
    postcode: str = ""
    address: str = ""
    # A child's LA child ID, exactly (whatever its case): a child's record's, read through the
    # person's reverse relation (this app knows no case record's model).
    la_child_id: str = ""

    @property
    def is_empty(self) -> bool:
        return not (
            self.la_child_id.strip()
            or self.first_name.strip()
            or self.last_name.strip()
            or self.date_of_birth
            or nhs_key(self.nhs_number)
            or postcode_key(self.postcode)
            or self.address.strip()
        )

    @classmethod
    def of(cls, person: Person) -> "Criteria":
        address = next(iter(person.addresses.all()), None)
        return cls(
            first_name=person.first_name,
            last_name=person.last_name,
            date_of_birth=person.date_of_birth,
            nhs_number=person.nhs_number,
            postcode=address.postcode if address else "",
        )


@dataclass
class Match:
    person: Person
    score: int
    signals: list[str] = field(default_factory=list)


def _names_of(person: Person) -> list[tuple[str, str, str, str]]:
    """(first, last, first key, last key) of the person's name and every other name."""
    names = [(person.first_name, person.last_name, person.first_name_key, person.last_name_key)]
    names += [
        (n.first_name, n.last_name, n.first_name_key, n.last_name_key)
        for n in person.other_names.all()
    ]
    return names


def _same(a: str, b: str) -> bool:
    return bool(a.strip()) and " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def score(person: Person, criteria: Criteria, *, alike: float | None = None) -> Match:
    """How strongly `person` matches `criteria`, 0 to 100, with the signals in words.

    Same NHS number 50; same date of birth 25; last name the same 15 (sounding the same 12);
    first name the same 10 (sounding the same 8); how alike the full names are, up to 15 (from
    nothing at 70% alike to 15 at 100%); same postcode 15; an address containing the words
    searched 10. `alike` is the database's similarity where it was worked out there.
    """
    points = 0
    signals: list[str] = []
    la_id = "".join(criteria.la_child_id.split()).upper()
    if la_id and (getattr(person, "child_la_id", None) or "").upper() == la_id:
        points += 50
        signals.append("Same LA child ID")
    nhs = nhs_key(criteria.nhs_number)
    if nhs and person.nhs_number == nhs:
        points += 50
        signals.append("Same NHS number")
    if criteria.date_of_birth and person.date_of_birth == criteria.date_of_birth:
        points += 25
        signals.append("Same date of birth")
    first_key, last_key = name_key(criteria.first_name), name_key(criteria.last_name)
    best_name, best_words = 0, ""
    for first, last, fkey, lkey in _names_of(person):
        here, words = 0, []
        if criteria.last_name.strip():
            if _same(last, criteria.last_name):
                here, words = 15, ["same last name"]
            elif last_key and lkey == last_key:
                here, words = 12, ["last name sounds the same"]
        if criteria.first_name.strip():
            if _same(first, criteria.first_name):
                here += 10
                words.append("same first name")
            elif first_key and fkey == first_key:
                here += 8
                words.append("first name sounds the same")
        if here > best_name:
            best_name, best_words = here, ", ".join(words)
            if (first, last) != (person.first_name, person.last_name):
                best_words += f" (another name: {first} {last})".replace("  ", " ")
    if best_name:
        points += best_name
        signals.append(best_words[0].upper() + best_words[1:])
    wanted = f"{criteria.first_name} {criteria.last_name}".strip()
    if wanted:
        if alike is None:
            alike = max(similarity(f"{f} {last}", wanted) for f, last, _, _ in _names_of(person))
        if alike > 0.7:
            points += round(15 * (alike - 0.7) / 0.3)
            signals.append(f"Similar name ({round(100 * alike)}%)")
    pc = postcode_key(criteria.postcode)
    if pc and any(a.postcode_key == pc for a in person.addresses.all()):
        points += 15
        signals.append("Same postcode")
    wanted_address = " ".join(criteria.address.split()).casefold()
    if wanted_address and any(
        wanted_address in " ".join(a.address.split()).casefold() for a in person.addresses.all()
    ):
        points += 10
        signals.append("Address matches")
    return Match(person=person, score=min(points, 100), signals=signals)


def _candidates(criteria: Criteria) -> QuerySet[Person]:
    condition = Q(pk__in=[])
    first_key, last_key = name_key(criteria.first_name), name_key(criteria.last_name)
    if last_key:
        condition |= Q(last_name_key=last_key) | Q(
            pk__in=PersonName.objects.filter(last_name_key=last_key).values("person_id")
        )
        if connection.vendor == "postgresql":
            # pg_trgm's % operator, on the last name's trigram index (people 0003).
            condition |= Q(TrigramSimilar(F("last_name"), Value(criteria.last_name.strip())))
    elif first_key:
        condition |= Q(first_name_key=first_key) | Q(
            pk__in=PersonName.objects.filter(first_name_key=first_key).values("person_id")
        )
    la_id = "".join(criteria.la_child_id.split()).upper()
    if la_id:
        # On the child's index of UPPER(la_child_id) (cases 0011).
        condition |= Q(Exact(Upper("child_record__la_child_id"), la_id))
    if criteria.date_of_birth:
        condition |= Q(date_of_birth=criteria.date_of_birth)
    nhs = nhs_key(criteria.nhs_number)
    if nhs:
        condition |= Q(nhs_number=nhs)
    pc = postcode_key(criteria.postcode)
    if pc:
        condition |= Q(pk__in=PersonAddress.objects.filter(postcode_key=pc).values("person_id"))
    if criteria.address.strip():
        condition |= Q(
            pk__in=PersonAddress.objects.filter(address__icontains=criteria.address.strip()).values(
                "person_id"
            )
        )
    return Person.objects.filter(condition)


def person_matches(
    criteria: Criteria, *, limit: int = 20, exclude: Iterable[int] = (), at_least: int = 1
) -> list[Match]:
    """People of the index matching `criteria`, best first (at most `limit`, each scoring at
    least `at_least`). Three queries, whatever the index's size: the candidates (with the
    database's name similarity on PostgreSQL), their other names, their addresses."""
    if criteria.is_empty:
        return []
    qs = _candidates(criteria).exclude(pk__in=list(exclude))
    wanted = f"{criteria.first_name} {criteria.last_name}".strip()
    on_postgres = connection.vendor == "postgresql" and bool(wanted)
    if on_postgres:
        qs = qs.annotate(
            alike=TrigramSimilarity(Concat("first_name", Value(" "), "last_name"), wanted)
        ).order_by("-alike", "pk")
    else:
        qs = qs.order_by("-pk")
    qs = qs.annotate(child_la_id=F("child_record__la_child_id"))
    people = list(qs.prefetch_related("other_names", "addresses")[:CANDIDATES])
    matches = [
        score(p, criteria, alike=_pg_alike(p, wanted) if on_postgres else None) for p in people
    ]
    matches = [m for m in matches if m.score >= at_least]
    matches.sort(key=lambda m: (-m.score, m.person.last_name, m.person.first_name, m.person.pk))
    return matches[:limit]


def _pg_alike(person: Person, wanted: str) -> float:
    # The database's trigram similarity on the person's own name; another name may be closer.
    alike = float(getattr(person, "alike", 0.0) or 0.0)
    others = [similarity(f"{n.first_name} {n.last_name}", wanted) for n in person.other_names.all()]
    # Trigrams rank "Smithson" near "Smith"; Jaro-Winkler keeps "Smyth" near it too.
    return max([alike, similarity(person.full_name, wanted), *others])
