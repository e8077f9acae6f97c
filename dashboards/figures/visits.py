"""Statutory visits to children on a plan: in timescale, and the child seen alone."""

import bisect
from datetime import date, timedelta
from functools import cached_property

from django.db.models import (
    Case,
    DateField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import ExtractIsoWeekDay, Lag
from django.db.models.lookups import In

from cases.models import Visit
from conferences.models import ChildProtectionPlan
from timescales import rules as timescales
from timescales.calendar import longest_span, weekday_span
from timescales.models import LocalPolicy

from .base import Card, figure, population

population(
    "statutory_visits",
    kind="visit",
    query=lambda m: Visit.objects.filter(
        m.scope.children("child__", on="visit_date"),
        visit_type="statutory_cp",
        child_seen=True,
        visit_date__gte=m.start,
        visit_date__lte=m.end,
    ),
    on="visit_date",
)
population("visits_seen_alone", of="statutory_visits", where=Q(seen_alone=True))


class VisitTimeliness:
    """Which statutory visits of the period were in timescale. The database decides those it
    can from the weekday alone; the few it cannot (first visits, and later ones past the
    weekday-only due date) are checked against the working-day calendar here."""

    def __init__(self, m):
        self.m = m

    @cached_property
    def lagged(self) -> QuerySet[Visit]:
        """Statutory visits up to the end of the period, and enough before it, each with the
        date of the child's visit before it. As with core groups, the period's own rows are
        picked out afterwards. A visit further back than the local timescale can ever stretch
        would make the next one late whichever it was, so older ones are not read."""
        m = self.m
        reach = longest_span(LocalPolicy.current().statutory_visit_working_days)
        return Visit.objects.filter(
            m.scope.children("child__", on="visit_date"),
            visit_type="statutory_cp",
            child_seen=True,
            visit_date__gte=m.start - timedelta(days=reach + 1),
            visit_date__lte=m.end,
        ).annotate(
            previous=Window(
                Lag("visit_date"),
                partition_by=[F("child_id")],
                order_by=[F("visit_date").asc(), F("pk").asc()],
            )
        )

    @cached_property
    def sure_gap(self) -> ExpressionWrapper:
        """The last visit's date plus the calendar days the local timescale takes from that
        weekday with no bank holiday between: a visit on or before it is in timescale on any
        calendar (bank holidays only give more time)."""
        n = LocalPolicy.current().statutory_visit_working_days
        weekday = ExtractIsoWeekDay("previous")
        # One branch per distinct span (weekdays share one: the commonest is the default).
        by_span: dict[int, list[int]] = {}
        for iso in range(1, 8):
            by_span.setdefault(weekday_span(n, iso - 1), []).append(iso)
        usual = max(by_span, key=lambda span: len(by_span[span]))
        days = Case(
            *[
                When(In(weekday, isos), then=Value(timedelta(days=span)))
                for span, isos in sorted(by_span.items())
                if span != usual
            ],
            default=Value(timedelta(days=usual)),
            output_field=DurationField(),
        )
        return ExpressionWrapper(F("previous") + days, output_field=DateField())

    @property
    def sure(self) -> QuerySet[Visit]:
        """Statutory visits at most 10 working days (local) apart: those the database can
        decide from the weekday alone (see sure_gap)."""
        return self.m.population("statutory_visits").filter(
            pk__in=self.lagged.filter(previous__isnull=False, visit_date__lte=self.sure_gap).values(
                "pk"
            )
        )

    @cached_property
    def undecided(self) -> list[tuple[int, int, date, date | None]]:
        """The visits of the period the database could not decide: first visits, and later
        ones past the weekday-only due date (in timescale only if bank holidays or a new plan
        gave more time), checked against the working-day calendar in Python."""
        rows = (
            self.lagged.filter(
                # Both branches name the period's first day, so the whole condition refers to
                # the window and Django applies it after the window is computed (QUALIFY):
                # `Q(visit_date__gte=...) & (...)` would put the date in WHERE, before it.
                Q(previous__isnull=True, visit_date__gte=self.m.start)
                | Q(visit_date__gt=self.sure_gap, visit_date__gte=self.m.start)
            )
            .values_list("pk", "child_id", "visit_date", "previous")
            .order_by()
        )
        return list(rows)

    @cached_property
    def in_timescale_ids(self) -> list[int]:
        """Of the undecided visits, those in timescale: measured from the later of the last
        visit and the start of the plan the child was on."""
        m = self.m
        policy = LocalPolicy.current()
        plan_starts: dict[int, list[date]] = {}
        for child_id, started in (
            # Every plan of a team's children then, not only of those still in the team now.
            ChildProtectionPlan.objects.filter(
                m.scope.children("child__") if m.scope.kind != "team" else Q()
            )
            .filter(start_date__lte=m.end)
            .order_by("start_date")
            .values_list("child_id", "start_date")
        ):
            plan_starts.setdefault(child_id, []).append(started)
        due_after: dict[date, date] = {}  # the calendar walk, once per distinct date
        ids = []
        for pk, child_id, visited, previous in self.undecided:
            base = previous
            starts = plan_starts.get(child_id)
            if starts:
                position = bisect.bisect_right(starts, visited)
                if position and (base is None or starts[position - 1] > base):
                    base = starts[position - 1]
            if base is None:
                continue  # no plan and no earlier visit: no timescale to measure against
            due = due_after.get(base)
            if due is None:
                due = due_after[base] = timescales.next_statutory_visit_due(base, policy)
            if visited <= due:
                ids.append(pk)
        return ids

    def in_timescale(self) -> QuerySet[Visit]:
        return Visit.objects.filter(
            Q(pk__in=self.sure.values("pk")) | Q(pk__in=self.in_timescale_ids)
        )

    def count(self) -> int:
        """Every visit of the period but those the database left undecided, and of those the
        ones found in timescale here: no query over the ids."""
        decided = self.m.count("statutory_visits") - len(self.undecided)
        return decided + len(self.in_timescale_ids)


def _timeliness(m) -> VisitTimeliness:
    return m.memo("visit_timeliness", lambda: VisitTimeliness(m))


population(
    "visits_in_timescale",
    kind="visit",
    query=lambda m: _timeliness(m).in_timescale(),
    count=lambda m: _timeliness(m).count(),
)

figure(
    "statutory_visits",
    "Statutory visits (child seen)",
    "statutory_visits",
)
figure(
    "visits_in_timescale",
    "Statutory visits in timescale",
    "visits_in_timescale",
    of="statutory_visits",
    card=Card("multi", 60, "Statutory visits in timescale"),
)
figure(
    "visits_seen_alone",
    "Statutory visits, child seen alone",
    "visits_seen_alone",
    of="statutory_visits",
    card=Card("multi", 70, "Visits with the child seen alone"),
)
