"""What a figure and a population are, and the one registry of both.

A *population* is a set of records for a scope and a period: a root queryset, or a narrowing
(`where`) of another population, or a set decided partly in Python (`ids`, or its own `query`
and `count`). Populations that are roots or narrowings of a root are counted together, in one
grouped aggregate per root (see `Measures.count`), so adding one adds no query.

A *figure* is what a user reads: the size of a population, or its share of another (the
denominator). Its declaration says where it appears (the JSON, a card on the dashboard, a
column of the service dashboard's team table); its drill-down lists the records counted, and
for a share also the whole denominator with a met / not met column.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import (
    BigIntegerField,
    DateField,
    DateTimeField,
    ExpressionWrapper,
    F,
    FilteredRelation,
    Model,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, TruncDate

if TYPE_CHECKING:
    from dashboards.measures import Measures

Where = Q | Callable[["Measures"], Q]
# When a record's team is taken: a date (or datetime) field of the record, or a day of the
# period (the children on a plan at its end).
On = str | Callable[["Measures"], date]


def _day(on, *, moment: bool, outer: bool):
    """The record's day: `on` a date, or a field of the record (`moment`: a datetime, taken on
    its local day), from the outer query when `outer`."""
    if isinstance(on, date):
        return Value(on, output_field=DateField())
    field = OuterRef(on) if outer else F(on)
    if moment:
        return TruncDate(ExpressionWrapper(field, output_field=DateTimeField()))
    return field


def team_at(child: str, on, *, moment: bool = False):
    """The team the child was allocated to on the record's day, from the allocation history:
    the allocation in force that day (`cases.models.Allocation`: the one that started last on
    or before it; before the first recorded allocation, the first one); for a child with no
    history, the child's team now. `child` is the path to the child ("child__",
    "plan__child__"), `on` a field of the record (`moment`: a datetime) or a date. A subquery
    per record, reading the child's team now by its primary key rather than through a join to
    the children: for records already narrowed to a few children (a team's page)."""
    from cases.models import Allocation, Child

    then = Allocation.objects.filter(
        Allocation.in_force_on(_day(on, moment=moment, outer=True)),
        child_id=OuterRef(f"{child}id"),
    ).values("team_id")
    now = Child.objects.filter(pk=OuterRef(f"{child}id")).order_by().values("allocated_team_id")
    return Coalesce(Subquery(then[:1]), Subquery(now), output_field=BigIntegerField())


def with_team_at(qs: QuerySet, child: str, on, *, moment: bool = False):
    """`qs` joined once to each record's allocation in force on its day, and the team that
    gives (as `team_at`): for grouping a whole authority's records by team, where a join on
    the stored ranges costs far less than a subquery per record."""
    from cases.models import Allocation

    path = f"{child}allocations"
    in_force = Allocation.in_force_on(_day(on, moment=moment, outer=False), prefix=f"{path}__")
    qs = qs.alias(_allocation_then=FilteredRelation(path, condition=in_force))
    team = Coalesce(
        F("_allocation_then__team_id"),
        F(f"{child}allocated_team_id"),
        output_field=BigIntegerField(),
    )
    return qs, team


def pct(numerator: int, denominator: int) -> float | None:
    """A percentage to one decimal place; None when there is nothing to count."""
    return round(100 * numerator / denominator, 1) if denominator else None


@dataclass(frozen=True)
class Population:
    name: str
    # The drill-down row kind ("conference", "plan", ...; see dashboards.views.ROW_COLUMNS),
    # taken from the population it narrows when not given.
    kind: str | None = None
    # A root: the records themselves.
    query: Callable[[Measures], QuerySet] | None = None
    # Or a narrowing of another population, counted in its root's grouped aggregate.
    of: str | None = None
    where: Where | None = None
    # Or ids picked out in Python (a working-day rule), from rows read once.
    model: type[Model] | None = None
    ids: Callable[[Measures], list[int]] | None = None
    # Its size, when neither a grouped aggregate nor len(ids) gives it.
    count: Callable[[Measures], int] | None = None
    # Counted by distinct values of this field (children on a plan are plans' children).
    counts: str = "pk"
    # A root's path to the team a record belongs to, for the teams side by side: the child's
    # team on the record's day (`on`, as its query's scope filter has it), or a plain path.
    team_key: str = "child__allocated_team_id"
    on: On | None = None
    on_moment: bool = False  # `on` is a datetime field

    def __post_init__(self):
        ways = [self.query is not None, self.where is not None, self.ids is not None]
        assert sum(ways) == 1, f"{self.name}: one of query, where or ids"
        assert self.where is None or self.of, f"{self.name}: where narrows a population (of=)"
        assert self.ids is None or self.model, f"{self.name}: ids need a model"

    @property
    def aggregated(self) -> bool:
        """Counted in a grouped aggregate (a root, or a narrowing of one)."""
        if self.count is not None or self.ids is not None:
            return False
        return self.query is not None or POPULATIONS[self.of].aggregated

    @property
    def root(self) -> Population:
        return self if self.where is None else POPULATIONS[self.of].root

    def condition(self, m: Measures) -> Q:
        """The rows of the root this population keeps (for a root: all)."""
        if self.where is None:
            return Q()
        where = self.where(m) if callable(self.where) else self.where
        return POPULATIONS[self.of].condition(m) & where

    def by_team(self, m: Measures, qs: QuerySet):
        """A root's records and what the teams side by side group them by: (qs, team)."""
        if self.on is None:
            return qs, F(self.team_key)
        child = self.team_key.removesuffix("allocated_team_id")
        on = self.on(m) if callable(self.on) else self.on
        return with_team_at(qs, child, on, moment=self.on_moment)

    @property
    def row_kind(self) -> str:
        return self.kind or POPULATIONS[self.of].row_kind


@dataclass(frozen=True)
class Card:
    """A figure's card on the dashboard page: its section and place in it."""

    section: str
    position: int
    label: str
    # "conference" gives "3 conferences" under a percentage: the count behind it.
    note: str = ""


@dataclass(frozen=True)
class Column:
    """A figure's column in the service dashboard's teams side by side."""

    position: int
    label: str


@dataclass(frozen=True)
class Figure:
    key: str  # its drill-down's address, and its name in the JSON (a share adds "_pct")
    title: str  # the drill-down's heading
    population: str  # the records counted (a share's numerator)
    of: str | None = None  # a share's denominator
    # What the JSON carries: "count" (the population's size) and / or "pct" (the share).
    # By default a share's percentage, or a count.
    json: tuple[str, ...] | None = None
    card: Card | None = None
    column: Column | None = None
    # The records a drill-down lists, when not the ones counted (children on a plan: plans).
    drill: str | None = None

    def __post_init__(self):
        if self.json is None:
            object.__setattr__(self, "json", ("pct",) if self.of else ("count",))
        assert set(self.json) <= {"count", "pct"}, self.key
        assert "pct" not in self.json or self.of, f"{self.key}: a percentage needs of="

    @property
    def listed(self) -> str:
        return self.drill or self.population

    @property
    def kind(self) -> str:
        return POPULATIONS[self.listed].row_kind

    @property
    def is_share(self) -> bool:
        return self.of is not None

    @property
    def by_team(self) -> bool:
        """Whether its teams' values come from the grouped aggregates."""
        return all(POPULATIONS[name].aggregated for name in (self.population, self.of) if name)

    def values(self, count: Callable[[str], int]) -> dict[str, Any]:
        """Its entries in the JSON, from a counter of populations."""
        out: dict[str, Any] = {}
        if "count" in self.json:
            out[self.key] = count(self.population)
        if "pct" in self.json:
            out[f"{self.key}_pct"] = pct(count(self.population), count(self.of))
        return out

    def value(self, count: Callable[[str], int]) -> int | float | None:
        """What a card or a team column shows: the share when it is one, else the count."""
        if self.of:
            return pct(count(self.population), count(self.of))
        return count(self.population)


@dataclass(frozen=True)
class Section:
    key: str
    heading: str
    # The chart and the table beside it, drawn for this section alone.
    extra: str = ""


POPULATIONS: dict[str, Population] = {}
FIGURES: dict[str, Figure] = {}


def population(name: str, **declaration) -> Population:
    assert name not in POPULATIONS, f"population {name} declared twice"
    declared = POPULATIONS[name] = Population(name, **declaration)
    return declared


def figure(key: str, title: str, population: str, **declaration) -> Figure:
    assert key not in FIGURES, f"figure {key} declared twice"
    declared = FIGURES[key] = Figure(key, title, population, **declaration)
    return declared
