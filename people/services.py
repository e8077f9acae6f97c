"""Writes to the person index that span records: the nightly list of likely duplicates."""

from collections import defaultdict
from itertools import combinations

from django.db import transaction
from django.db.models import Q

from .models import Person, PersonAddress, PossibleSamePerson
from .selectors import LIKELY_SAME, Criteria, score

# A block larger than this (a very common name born the same day) is scored pairwise only
# within its first members: the list is for a person to work through, not every combination.
BLOCK_LIMIT = 30


def _blocks() -> list[list[int]]:
    """Groups of people sharing an NHS number, a last name's sound and a date of birth, or a
    last name's sound and a postcode: the only pairs worth scoring (one query each)."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    rows = Person.objects.values_list("pk", "nhs_number", "last_name_key", "date_of_birth")
    for pk, nhs, last_key, born in rows.iterator(chunk_size=5000):
        if nhs:
            groups[("nhs", nhs)].append(pk)
        if last_key and born:
            groups[("born", last_key, born)].append(pk)
    at = PersonAddress.objects.exclude(postcode_key="").values_list(
        "person_id", "postcode_key", "person__last_name_key"
    )
    for pk, postcode, last_key in at.iterator(chunk_size=5000):
        if last_key:
            groups[("postcode", last_key, postcode)].append(pk)
    return [sorted(set(pks))[:BLOCK_LIMIT] for pks in groups.values() if len(set(pks)) > 1]


@transaction.atomic
def possible_duplicates_find() -> dict[str, int]:
    """List every likely pair of duplicate person records across the authority.

    Pairs are scored by the one scorer (`people.selectors.score`, the registration warning's
    too); those scoring `LIKELY_SAME` or more become open `PossibleSamePerson` rows (an open
    pair's score and reason are brought up to date). A pair a worker already decided on stays
    decided. Returns counts of what it found and wrote.
    """
    pairs = {tuple(sorted(p)) for block in _blocks() for p in combinations(block, 2)}
    ids = {pk for pair in pairs for pk in pair}
    people = {
        p.pk: p
        for p in Person.objects.filter(pk__in=ids).prefetch_related("other_names", "addresses")
    }
    existing: dict[tuple[int, int], PossibleSamePerson] = {}
    if pairs:
        for row in PossibleSamePerson.objects.filter(Q(first_id__in=ids) & Q(second_id__in=ids)):
            a, b = sorted((row.first_id, row.second_id))
            existing[(a, b)] = row
    made = {"scored": 0, "found": 0, "updated": 0}
    new: list[PossibleSamePerson] = []
    for a, b in sorted(pairs):
        first, second = people[a], people[b]
        match = score(second, Criteria.of(first))
        made["scored"] += 1
        if match.score < LIKELY_SAME:
            continue
        reason = "; ".join(match.signals)[:200]
        found = existing.get((a, b))
        if found is None:
            new.append(
                PossibleSamePerson(first=first, second=second, reason=reason, score=match.score)
            )
        elif found.resolved_at is None and (found.score, found.reason) != (match.score, reason):
            found.score, found.reason = match.score, reason
            found.save(update_fields=["score", "reason"])
            made["updated"] += 1
    PossibleSamePerson.objects.bulk_create(new, ignore_conflicts=True)
    made["found"] = len(new)
    return made
