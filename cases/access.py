"""The one door: who may see which child, on every channel.

Every read of case data for a user starts here: pages, lists, search, alerts and My tasks, the
daily digest, drill-downs and their CSV, the metrics JSON, the diary, exports. Two questions are
answered, once:

- *reach*: the children a user's role reaches (`children_in_reach`). A child outside it does
  not exist for that user: 404 on a page, absent from every list and file.
- *restriction*: a restricted record inside the reach may be opened only by the people named on
  it (`children_for_user`); everyone else sees that it exists and whom to ask, never what is in
  it (`Mask`).

Higher layers add to the reach by registering with `register_reach` (the conferences app says
that an IRO reaches the children whose conferences they chair), so this module imports nothing
above `cases`.

The statutory returns are the exception the law makes: they count every child, restricted ones
included, so they are not built from a user's reach; who may *produce* one is a permission of
its own (`children_for_returns`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from accounts.models import Team, User
from people.models import PARENT_KINDS, Person
from people.models import Relationship as Link

from .models import Child, OpenedWithReason

M = TypeVar("M", bound=Model)

# Functions of a user returning a condition on Child (or None): children their role reaches
# through a higher app's records.
_REACH: list[Callable[[User], Q | None]] = []


def register_reach(condition: Callable[[User], Q | None]) -> None:
    """A higher app says which further children a user reaches (once, from its AppConfig)."""
    if condition not in _REACH:
        _REACH.append(condition)


def children_in_reach(user: User) -> QuerySet[Child]:
    """Children this user's role reaches, restricted records included (masked unless named).

    - senior managers: every child;
    - social workers: children allocated to them or to their team;
    - team managers: children of the teams they manage (and their own team);
    - IROs: children whose conferences they chair (registered by the conferences app);
    - business support and administrators: no case records.
    """
    qs = Child.objects.all()
    if not user.is_authenticated or not user.is_active:
        return qs.none()
    if user.is_senior_manager:
        return qs
    condition = Q(pk__in=[])
    if user.is_social_worker or user.is_team_manager:
        condition |= Q(allocated_worker=user)
        if user.team_id:
            condition |= Q(allocated_team_id=user.team_id)
    if user.is_team_manager and user.managed_team_ids:
        condition |= Q(allocated_team_id__in=user.managed_team_ids)
    for reach in _REACH:
        extra = reach(user)
        if extra is not None:
            condition |= extra
    return qs.filter(condition)


def reaches_everyone(user: User) -> bool:
    """Whether this user's reach is the whole authority (no filter needed on aggregates)."""
    return bool(user.is_authenticated and user.is_active and user.is_senior_manager)


def in_reach(qs: QuerySet[M], user: User, *, child: str = "child") -> QuerySet[M]:
    """Rows of `qs` about children in this user's reach (`child` is the path to the child)."""
    if reaches_everyone(user):
        return qs
    return qs.filter(**{f"{child}__in": children_in_reach(user).values("pk")})


def _named_on_restriction(user: User) -> Exists:
    return Exists(
        Child.restricted_to.through.objects.filter(child_id=OuterRef("pk"), user_id=user.pk)
    )


def children_for_user(user: User) -> QuerySet[Child]:
    """Children this user may open: their reach, except restricted records, which only the
    people named on them may open (managers and senior managers included)."""
    return children_in_reach(user).filter(Q(is_restricted=False) | _named_on_restriction(user))


def restricted_children_hidden_from(user: User) -> QuerySet[Child]:
    """Restricted records in this user's reach that they are not named on: they may know these
    exist, and whom to ask, but not what is in them."""
    return children_in_reach(user).filter(is_restricted=True).exclude(_named_on_restriction(user))


def restricted_children_masked_for(user: User) -> QuerySet[Child]:
    """Restricted records anywhere in the authority that this user is not named on: what
    `Mask` hides on a list of the whole authority (the data officer's duplicates)."""
    return Child.objects.filter(is_restricted=True).exclude(_named_on_restriction(user))


class Mask:
    """Which restricted records a user must see masked, decided in one query.

    Lists, emails and files that show rows about children in the user's reach ask `hides()`
    for each row and show "Restricted record" (and nothing of the child) when it says so.
    """

    LABEL = "Restricted record"

    def __init__(self, user: User):
        self._named_on = (
            frozenset(user.restricted_children.values_list("pk", flat=True))
            if user.is_authenticated
            else frozenset()
        )

    def hides(self, child: Child | None) -> bool:
        return child is not None and self.hides_values(child.pk, child.is_restricted)

    def hides_values(self, child_id: int | None, is_restricted: bool) -> bool:
        return bool(child_id and is_restricted and child_id not in self._named_on)

    def hidden_ids(self, children: Iterable[Child | None]) -> set[int]:
        return {c.pk for c in children if c is not None and self.hides(c)}


class RestrictedRecord(Http404):
    """A restricted child's record asked for by someone who is not named on it."""

    def __init__(self, child: Child):
        names = ", ".join(str(u) for u in child.restricted_to.filter(is_active=True)) or (
            "your team manager"
        )
        super().__init__(f"This record is restricted. To see it, ask: {names}.")


def is_restricted_from(user: User, child: Child) -> bool:
    """Whether `child` is a restricted record this user is not named on."""
    return child.is_restricted and not child.restricted_to.filter(pk=user.pk).exists()


def check_not_restricted_from(user: User, child: Child) -> None:
    """Raise `RestrictedRecord` (a 404 that says whom to ask) if `child` is masked for user."""
    if is_restricted_from(user, child):
        raise RestrictedRecord(child)


def child_is_writable_by(user: User, child: Child) -> bool:
    """Who may change a child's record: the allocated worker, their team, their managers."""
    if not (user.is_social_worker or user.is_team_manager):
        return False
    return (
        child.allocated_worker_id == user.pk
        or (user.team_id is not None and child.allocated_team_id == user.team_id)
        or (user.is_team_manager and child.allocated_team_id in user.managed_team_ids)
    )


def get_child_for_user(user: User, pk: int, *, write: bool = False) -> Child:
    """The child with this pk if the user may see it (and change it, with write=True); else 404."""
    child = (
        children_for_user(user)
        .select_related("allocated_team", "allocated_worker")
        .filter(pk=pk)
        .first()
    )
    if child is None:
        hidden = restricted_children_hidden_from(user).filter(pk=pk).first()
        if hidden is not None:
            raise RestrictedRecord(hidden)
        if not write:
            # Opened with a recorded reason from "Known to us?": read-only, for a while.
            child = (
                opened_with_reason_by(user)
                .select_related("allocated_team", "allocated_worker")
                .filter(pk=pk)
                .first()
            )
        if child is None:
            raise Http404("No such child")
    if write and not child_is_writable_by(user, child):
        raise Http404("No such child")
    return child


def child_is_managed_by(user: User, child: Child) -> bool:
    """Team managers of the child's allocated team make manager decisions on the record."""
    return user.is_team_manager and child.allocated_team_id in user.managed_team_ids


def get_child_for_manager(user: User, pk: int) -> Child:
    """The child if this user manages its team (oversight, authorisations, allocation); else 404."""
    child = get_child_for_user(user, pk)
    if not child_is_managed_by(user, child):
        raise Http404("No such child")
    return child


def children_managed_by(user: User) -> QuerySet[Child]:
    """The children whose team this user manages, in their reach: where their decisions wait
    (My work). Nobody else manages any."""
    if not (user.is_authenticated and user.is_active and user.is_team_manager):
        return Child.objects.none()
    return children_for_user(user).filter(allocated_team_id__in=user.managed_team_ids)


def may_produce_returns(user: User) -> bool:
    """Who produces the statutory returns (CIN census, Annex A): performance staff, who are
    senior managers today."""
    return bool(user.is_authenticated and user.is_active and user.is_senior_manager)


def children_for_returns(user: User) -> QuerySet[Child]:
    """Every child, restricted records included: a return counts every child the authority
    worked with. Only for those who may produce returns; anyone else gets a 404."""
    if not may_produce_returns(user):
        raise Http404("No such page")
    return Child.objects.all()


# --- people: a person is seen through the children they are related to ----------------------


def _children_person_ids(children: QuerySet[Child]) -> QuerySet[Child, Any]:
    return children.filter(person__isnull=False).values("person_id")


def _related_to(person_ids: QuerySet[Child, Any]) -> Q:
    """People who are, or are related to, one of `person_ids` (directly, or through one of that
    person's parents: the grandmother recorded on a brother's page)."""
    parents = Link.objects.filter(relative_id__in=person_ids, kind__in=PARENT_KINDS).values(
        "person_id"
    )
    return (
        Q(pk__in=person_ids)
        | Q(relationships__relative_id__in=person_ids)
        | Q(relationships_to__person_id__in=person_ids)
        | Q(relationships__through_id__in=parents)
        | Q(relationships__relative_id__in=parents)
        | Q(relationships_to__person_id__in=parents)
    )


def _persons_visible(
    open_children: QuerySet[Child], hidden: QuerySet[Child], among: set[int] | None = None
) -> QuerySet[Person]:
    # A child on a restricted record is that record: masked, however they are related.
    # `among` narrows the people asked about inside the subquery, where the planner can use it.
    related = Person.objects.filter(_related_to(_children_person_ids(open_children)))
    if among is not None:
        related = related.filter(pk__in=among)
    return Person.objects.filter(pk__in=related.exclude(pk__in=_children_person_ids(hidden)))


def _persons_masked(
    open_children: QuerySet[Child], hidden: QuerySet[Child], among: set[int] | None = None
) -> QuerySet[Person]:
    related = Person.objects.filter(_related_to(_children_person_ids(hidden)))
    if among is not None:
        related = related.filter(pk__in=among)
    return Person.objects.filter(pk__in=related).exclude(
        pk__in=_persons_visible(open_children, hidden, among)
    )


def persons_visible_to(user: User) -> QuerySet[Person]:
    """People whose details this user may see: each is, or is related to, a child the user may
    open (`children_for_user`), and is not themselves a restricted record hidden from them."""
    return _persons_visible(children_for_user(user), restricted_children_hidden_from(user))


def persons_masked_for(user: User) -> QuerySet[Person]:
    """People this user reaches only through restricted records they are not named on: shown
    as "Restricted record", like the children."""
    return _persons_masked(children_for_user(user), restricted_children_hidden_from(user))


def persons_masked_across_the_authority(user: User, person_ids: Iterable[int]) -> set[int]:
    """Which of `person_ids` this user sees only as restricted records on a list of the whole
    authority (the data officer's duplicates): the rule of `persons_masked_for`, over every
    child rather than the user's reach. A restricted child they are not named on, and a person
    related only to such children, is masked; a person related to any other child is not."""
    ids = set(person_ids)
    if not ids:
        return set()
    hidden = restricted_children_masked_for(user)
    others = Child.objects.exclude(pk__in=hidden.values("pk"))
    return set(_persons_masked(others, hidden, ids).values_list("pk", flat=True))


def _children_seen_through(
    children: QuerySet[Child], person_ids: set[int]
) -> dict[int, list[Child]]:
    """For each of `person_ids`, which of `children` they are or are related to: `_related_to`
    read the other way (directly, or through one of the child's parents). Three queries."""
    near: dict[int, set[int]] = {pk: {pk} for pk in person_ids}
    parents_of: dict[int, set[int]] = {pk: set() for pk in person_ids}  # maybe a child's parent
    for a, b, through in Link.objects.filter(
        Q(person_id__in=person_ids) | Q(relative_id__in=person_ids)
    ).values_list("person_id", "relative_id", "through_id"):
        if a in near:
            near[a].add(b)
            parents_of[a].update(x for x in (b, through) if x is not None)
        if b in near:
            near[b].add(a)
            parents_of[b].add(a)
    children_of: dict[int, set[int]] = {}
    for parent, child in Link.objects.filter(
        person_id__in=set().union(*parents_of.values()), kind__in=PARENT_KINDS
    ).values_list("person_id", "relative_id"):
        children_of.setdefault(parent, set()).add(child)
    seen = {
        pk: near[pk] | {c for m in parents_of[pk] for c in children_of.get(m, ())}
        for pk in person_ids
    }
    by_person = {
        c.person_id: c
        for c in children.filter(person_id__in=set().union(*seen.values())).prefetch_related(
            "restricted_to"
        )
    }
    return {pk: [by_person[q] for q in sorted(seen[pk]) if q in by_person] for pk in person_ids}


def _whom_to_ask(hidden: QuerySet[Child], person_ids: Iterable[int]) -> dict[int, str]:
    ids = set(person_ids)
    if not ids:
        return {}
    seen = _children_seen_through(hidden, ids)
    return {
        pk: "; ".join(dict.fromkeys(_ask_for(c) for c in seen[pk])) or "your team manager"
        for pk in ids
    }


def whom_to_ask_across_the_authority(user: User, person_ids: Iterable[int]) -> dict[int, str]:
    """Whom to ask about each of these people, masked on a list of the whole authority: the
    people named on the restricted records they are (or are related to), as "Known to us?"
    answers for a restricted record (`_ask_for`)."""
    return _whom_to_ask(restricted_children_masked_for(user), person_ids)


def person_for(user: User, pk: int) -> Person:
    """The person with this pk if the user may see them; a restricted 404 that says whom to ask
    if they are seen only through restricted records; else 404."""
    person = persons_visible_to(user).filter(pk=pk).first()
    if person is not None:
        return person
    if persons_masked_for(user).filter(pk=pk).exists():
        hidden = restricted_children_hidden_from(user).filter(
            Q(person_id=pk)
            | Q(person__relationships__relative_id=pk)
            | Q(person__relationships_to__person_id=pk)
        )
        child = hidden.first() or restricted_children_hidden_from(user).first()
        if child is not None:
            raise RestrictedRecord(child)
    raise Http404("No such person")


# --- "Known to us?": what a search of the whole authority's person index may show ----------


def opened_with_reason_by(user: User) -> QuerySet[Child]:
    """Children outside this user's work that they opened with a recorded reason, while the
    reason holds (settings.KNOWN_TO_US_ACCESS_HOURS). Never a restricted record."""
    if not (user.is_authenticated and user.is_active):
        return Child.objects.none()
    opened = OpenedWithReason.objects.filter(user=user, expires_at__gt=timezone.now())
    return Child.objects.filter(is_restricted=False, pk__in=opened.values("child_id"))


def may_search_known_to_us(user: User) -> bool:
    """Any worker may ask whether a person is known: everyone who works with children's
    records (not business support or administrators, who hold no case records)."""
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_social_worker or user.is_team_manager or user.is_iro or user.is_senior_manager)
    )


def may_open_with_reason(user: User, child: Child) -> bool:
    """Whether this user may open `child`'s record by giving a reason: a worker who may search,
    a child they may not already open, and never a restricted record (ask whom it names)."""
    return (
        may_search_known_to_us(user)
        and not child.is_restricted
        and not children_for_user(user).filter(pk=child.pk).exists()
    )


def child_to_open_with_reason(user: User, pk: int) -> Child:
    """The child a worker asks to open with a reason: 404 unless they may search and the child
    exists; a restricted record answers whom to ask (never opened with a reason)."""
    if not may_search_known_to_us(user):
        raise Http404("No such child")
    child = Child.objects.select_related("allocated_team").filter(pk=pk).first()
    if child is None:
        raise Http404("No such child")
    if child.is_restricted and is_restricted_from(user, child):
        raise RestrictedRecord(child)
    return child


def open_with_reason_until() -> Any:
    return timezone.now() + timedelta(hours=settings.KNOWN_TO_US_ACCESS_HOURS)


class Seen:
    """How much of a search result this user may see."""

    OPEN = "open"  # a child (or person) in their own work: the record, as everywhere
    KNOWN = "known"  # outside their work: known, the team and its contact, on a plan or not
    RESTRICTED = "restricted"  # a restricted record: that it exists, and whom to ask


@dataclass
class KnownResult:
    """One match of "Known to us?", cut to what the searcher may see (`seen`).

    For KNOWN and RESTRICTED results only the fields named here are filled; nothing of the
    record itself (dates, addresses, identifiers, case content) is carried, so no template can
    show it by mistake.
    """

    seen: str
    score: int
    signals: list[str] = field(default_factory=list)
    name: str = ""
    date_of_birth: date | None = None
    person_id: int | None = None
    child_id: int | None = None  # the record to open (OPEN, or KNOWN to open with a reason)
    is_child: bool = False
    teams: list[Team] = field(default_factory=list)
    on_plan: bool = False
    ask: str = ""
    # Registration: whether the new child can be this person (an index entry without a
    # child's record, that the user may see).
    may_be_chosen: bool = False


def _on_plan_ids(child_ids: Iterable[int], on: date) -> set[int]:
    """Which of these children are on a child protection plan (conferences' records, read
    through the relation's name: no import above cases). One query."""
    open_plan = Q(protection_plans__start_date__lte=on) & (
        Q(protection_plans__end_date__isnull=True) | Q(protection_plans__end_date__gt=on)
    )
    return set(
        Child.objects.filter(pk__in=list(child_ids)).filter(open_plan).values_list("pk", flat=True)
    )


def _ask_for(child: Child) -> str:
    names = [str(u) for u in child.restricted_to.all() if u.is_active]
    return ", ".join(names) or "your team manager"


def known_to_us(user: User, matches: Iterable[Any]) -> list[KnownResult]:
    """The matches of a person-index search (`people.selectors.Match`), as this user may see
    them. Constant queries, whatever the number of matches:

    - a child the user may open (or has opened with a reason), or a person they may see: OPEN;
    - a child on a restricted record the user is not named on, or a person seen only through
      one: RESTRICTED, with whom to ask, and not even the name;
    - any other child: KNOWN, with the allocated team and how to contact it and whether the
      child is on a plan; any other person: KNOWN, with the teams holding the records of the
      children they are related to.
    """
    matches = list(matches)
    if not matches or not may_search_known_to_us(user):
        return []
    person_ids = [m.person.pk for m in matches]
    children = {
        c.person_id: c
        for c in Child.objects.filter(person_id__in=person_ids)
        .select_related("allocated_team")
        .prefetch_related("restricted_to")
    }
    child_ids = [c.pk for c in children.values()]
    may_open = set(
        children_for_user(user).filter(pk__in=child_ids).values_list("pk", flat=True)
    ) | set(opened_with_reason_by(user).filter(pk__in=child_ids).values_list("pk", flat=True))
    mask = Mask(user)
    adults = [pk for pk in person_ids if pk not in children]
    visible = (
        set(persons_visible_to(user).filter(pk__in=adults).values_list("pk", flat=True))
        if adults
        else set()
    )
    masked = (
        set(persons_masked_for(user).filter(pk__in=adults).values_list("pk", flat=True))
        if adults
        else set()
    )
    asks = _whom_to_ask(restricted_children_hidden_from(user), masked)
    # The teams holding the children each other adult is related to (one query).
    teams_of: dict[int, list[Team]] = {}
    outside = [pk for pk in adults if pk not in visible and pk not in masked]
    if outside:
        related = Child.objects.filter(
            Q(person__relationships__relative_id__in=outside)
            | Q(person__relationships_to__person_id__in=outside)
        ).select_related("allocated_team")
        links = Link.objects.filter(
            Q(person_id__in=outside) | Q(relative_id__in=outside)
        ).values_list("person_id", "relative_id")
        child_of_person = {c.person_id: c for c in related}
        for a, b in links:
            for adult, other in ((a, b), (b, a)):
                child = child_of_person.get(other)
                if adult in outside and child is not None and child.allocated_team is not None:
                    if child.is_restricted:
                        continue
                    teams = teams_of.setdefault(adult, [])
                    if child.allocated_team not in teams:
                        teams.append(child.allocated_team)
    on_plan = _on_plan_ids(child_ids, timezone.localdate())
    results = []
    for match in matches:
        person = match.person
        child = children.get(person.pk)
        base = {"score": match.score, "signals": match.signals, "person_id": person.pk}
        if child is not None:
            if child.pk in may_open:
                results.append(
                    KnownResult(
                        seen=Seen.OPEN,
                        name=child.full_name,
                        date_of_birth=child.date_of_birth or child.expected_date_of_birth,
                        child_id=child.pk,
                        is_child=True,
                        teams=[child.allocated_team] if child.allocated_team else [],
                        on_plan=child.pk in on_plan,
                        **base,
                    )
                )
            elif mask.hides(child):
                results.append(
                    KnownResult(
                        seen=Seen.RESTRICTED,
                        ask=_ask_for(child),
                        is_child=True,
                        score=match.score,
                        signals=[],
                    )
                )
            else:
                results.append(
                    KnownResult(
                        seen=Seen.KNOWN,
                        name=child.full_name,
                        child_id=child.pk,
                        is_child=True,
                        teams=[child.allocated_team] if child.allocated_team else [],
                        on_plan=child.pk in on_plan,
                        **base,
                    )
                )
        elif person.pk in visible:
            results.append(
                KnownResult(
                    seen=Seen.OPEN,
                    name=person.full_name,
                    date_of_birth=person.date_of_birth,
                    may_be_chosen=True,
                    **base,
                )
            )
        elif person.pk in masked:
            results.append(
                KnownResult(seen=Seen.RESTRICTED, ask=asks[person.pk], score=match.score)
            )
        else:
            results.append(
                KnownResult(
                    seen=Seen.KNOWN,
                    name=person.full_name,
                    teams=teams_of.get(person.pk, []),
                    # An index entry no child's record shows the user: registration may link
                    # the new child to it (the person's details are the worker's own entry).
                    may_be_chosen=not teams_of.get(person.pk),
                    **base,
                )
            )
    return results


def may_review_duplicates(user: User) -> bool:
    """The data officer's list of likely duplicates across the authority (a permission)."""
    return bool(
        user.is_authenticated and user.is_active and user.has_perm("people.review_duplicates")
    )


def may_merge_people(user: User, *people: Person) -> bool:
    """A manager merges two people: a senior manager any two; a team manager two people they
    may see (each the child of a team they manage, or related to one). Restricted records are
    merged only by someone named on them (they must see both)."""
    if not (user.is_authenticated and user.is_active):
        return False
    if not (user.is_team_manager or user.is_senior_manager):
        return False
    ids = [p.pk for p in people]
    if user.is_senior_manager:
        # Every child is in their reach: anyone but a restricted record (or a person seen only
        # through one) they are not named on.
        return not persons_masked_for(user).filter(pk__in=ids).exists()
    return persons_visible_to(user).filter(pk__in=ids).count() == len(set(ids))


# --- Partner systems (the partners app's API) -------------------------------------------------


@dataclass(frozen=True)
class PlanStatus:
    """What a partner system's client may learn about a child by NHS number.

    `team` is the allocated team when the client may be told it, else None (the authority's
    duty contact answers). `child_id` is for the audit entry only; it is never sent.
    """

    on_plan: bool
    since: date | None
    team: Team | None
    child_id: int | None


def plan_status_for_api_client(
    nhs_number: str, *, may_see_restricted: bool, on: date
) -> PlanStatus:
    """Is the child with this NHS number subject to a child protection plan on `on`?

    The one door for partner systems: no user, so no reach; the client's scopes decide.
    - a child on an open plan: yes, since the plan's start, and the allocated team;
    - a restricted record: yes or no only, with neither date nor team, unless the client holds
      the scope for restricted records;
    - a child on no plan, or an NHS number the authority does not know: no, in the same shape,
      so the answer does not say whether the authority knows the child.
    Plans are conferences' records, read here through the relation's name (no import above
    cases). The category of abuse is never read.
    """
    open_plan = Q(protection_plans__start_date__lte=on) & (
        Q(protection_plans__end_date__isnull=True) | Q(protection_plans__end_date__gt=on)
    )
    row = (
        Child.objects.filter(nhs_number=nhs_number.replace(" ", ""))
        .filter(open_plan)
        .order_by("protection_plans__start_date", "pk")
        .values("pk", "is_restricted", "allocated_team_id", "protection_plans__start_date")
        .first()
    )
    if row is None:
        return PlanStatus(on_plan=False, since=None, team=None, child_id=None)
    if row["is_restricted"] and not may_see_restricted:
        return PlanStatus(on_plan=True, since=None, team=None, child_id=row["pk"])
    team = Team.objects.filter(pk=row["allocated_team_id"]).first()
    return PlanStatus(
        on_plan=True, since=row["protection_plans__start_date"], team=team, child_id=row["pk"]
    )
