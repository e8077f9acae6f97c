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
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from django.db.models import Exists, Model, OuterRef, Q, QuerySet
from django.http import Http404

from accounts.models import Team, User
from people.models import PARENT_KINDS, Person
from people.models import Relationship as Link

from .models import Child

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


def persons_visible_to(user: User) -> QuerySet[Person]:
    """People whose details this user may see: each is, or is related to, a child the user may
    open (`children_for_user`), and is not themselves a restricted record hidden from them."""
    open_children = _children_person_ids(children_for_user(user))
    # A child on a restricted record is that record: masked, however they are related.
    hidden = _children_person_ids(restricted_children_hidden_from(user))
    return Person.objects.filter(
        pk__in=Person.objects.filter(_related_to(open_children)).exclude(pk__in=hidden)
    )


def persons_masked_for(user: User) -> QuerySet[Person]:
    """People this user reaches only through restricted records they are not named on: shown
    as "Restricted record", like the children."""
    hidden = _children_person_ids(restricted_children_hidden_from(user))
    return Person.objects.filter(pk__in=Person.objects.filter(_related_to(hidden))).exclude(
        pk__in=persons_visible_to(user)
    )


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
