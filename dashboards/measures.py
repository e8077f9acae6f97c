"""The inspector's questions as measures, for a scope (team, IRO, authority) and a period.

The figures themselves are declared once, by subject, in `dashboards.figures`: each is the
size of a *population* (a queryset of records, or the ids of records that a rule picks out),
or its share of another, so the figure on a dashboard, the JSON and the drill-down list behind
it are the same rows by construction. `Measures` counts them for one scope and period:
populations that narrow a root are counted together in one grouped aggregate per root, in the
database; only rules that need the working-day calendar (in timescale or not) walk rows of the
period in Python. The rest of this module is the dashboard's reports that are not figures
(the plan trend, waiting times, feedback, caseloads, the alerts breakdown).
"""

import hashlib
import logging
import statistics
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.core.cache import caches
from django.db.models import (
    Avg,
    BooleanField,
    Count,
    Expression,
    F,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.lookups import In
from django.http.response import HttpResponseBase
from django.utils import timezone

from accounts.models import Team, User
from audit import versions as data_version
from cases.models import Allocation, Child, ServiceReferral
from conferences.models import ChildProtectionPlan, Conference, FeedbackResponse
from conferences.selectors import iro_caseload_ids, iro_child_counts
from monitoring.rules import RULES_BY_CODE
from wirral_cp.replica import state as read_state

from .figures import FIGURES, POPULATIONS, Figure, pct
from .figures.base import team_at

# The cache they are kept in (settings.CACHES: shared by every process).
FIGURES_CACHE = "figures"
# How long a scope's figures are kept for one data version (audit.versions) and day.
KEEP_SECONDS = 6 * 60 * 60
# Bumped when what is kept changes shape.
KEPT_FORMAT = 2
# Longest a worker may take working a scope's figures out again after a stale response before
# another may try.
REFRESH_LOCK_SECONDS = 120

logger = logging.getLogger(__name__)

__all__ = [
    "Measures",
    "Scope",
    "pct",
    "rule_title",
    "shown",
    "teams_side_by_side",
]


class AnyOf(Expression):
    """`value IN (subquery)`; on PostgreSQL `value = ANY(ARRAY(subquery))`, which the planner
    runs once and uses as an index condition on the outer table, before any join or per-row
    subquery (an IN is a join it may put after them)."""

    output_field = BooleanField()

    def __init__(self, value, subquery: Subquery):
        super().__init__()
        self.value, self.subquery = value, subquery

    def get_source_expressions(self) -> list:
        return [self.value, self.subquery]

    def set_source_expressions(self, exprs) -> None:
        self.value, self.subquery = exprs

    def as_sql(self, compiler, connection, template: str = "%s IN %s"):
        value, value_params = compiler.compile(self.value)
        subquery, subquery_params = compiler.compile(self.subquery)
        return template % (value, subquery), (*value_params, *subquery_params)

    def as_postgresql(self, compiler, connection):
        return self.as_sql(compiler, connection, template="%s = ANY(ARRAY%s)")


@dataclass(frozen=True)
class Scope:
    """Whose work: one or more teams, one IRO's conferences, or the whole authority."""

    kind: str  # "authority", "team" or "iro"
    label: str
    team_ids: tuple[int, ...] = ()
    iro_id: int | None = None

    @classmethod
    def authority(cls) -> "Scope":
        return cls("authority", "Whole authority")

    @classmethod
    def of_iro(cls, iro: User) -> "Scope":
        return cls("iro", f"Conferences chaired by {iro}", iro_id=iro.pk)

    def children(self, prefix: str = "", *, on=None, moment: bool = False) -> Q:
        """The records of this scope's children. For a team, with `on` (the record's date
        field, or a date) the records of children allocated to the team on that day, so a
        team's figures do not change when a child moves (see `figures.base.team_at`)."""
        if self.kind == "team":
            if on is not None:
                # The team at the time is a subquery per record; first narrow to the children
                # who could have been the team's then (allocated to it now, or ever in its
                # history: `team_at` picks one of those teams), so a team's page reads its own
                # ~1,000 children's records on their indexes, not the whole authority's.
                return Q(AnyOf(F(f"{prefix}id"), Subquery(self._ever_in_team()))) & Q(
                    In(team_at(prefix, on, moment=moment), list(self.team_ids))
                )
            if prefix:
                # As above, the team's children first (their records on the children's index).
                now = Child.objects.filter(allocated_team_id__in=self.team_ids).order_by()
                return Q(AnyOf(F(f"{prefix}id"), Subquery(now.values("pk"))))
            return Q(allocated_team_id__in=self.team_ids)
        if self.kind == "iro":
            chaired = Conference.objects.filter(chair_id=self.iro_id).values("child_id")
            return Q(**{f"{prefix}pk__in": chaired})
        return Q()

    def _ever_in_team(self) -> QuerySet:
        """The ids of the children allocated to one of the teams now or at any time."""
        return (
            Child.objects.filter(allocated_team_id__in=self.team_ids)
            .order_by()
            .values("pk")
            .union(
                Allocation.objects.filter(team_id__in=self.team_ids).order_by().values("child_id")
            )
        )

    def conferences(self) -> Q:
        if self.kind == "iro":
            return Q(chair_id=self.iro_id)
        return self.children("child__", on="held_on")

    def query(self) -> dict:
        if self.kind == "team":
            return {"team": ",".join(str(t) for t in self.team_ids)}
        if self.kind == "iro":
            return {"iro": str(self.iro_id)}
        return {}


def rule_title(code: str) -> str:
    """A timescale rule's name as the alerts pages give it ("Statutory visit"), not its code."""
    rule = RULES_BY_CODE.get(code)
    return rule.title if rule else code


class Measures:
    def __init__(
        self,
        scope: Scope,
        start: date,
        end: date,
        as_of: date | None = None,
        *,
        by_team: bool = False,
    ):
        self.scope = scope
        self.start = start
        self.end = end
        self.as_of = as_of or end
        # With by_team, each grouped aggregate runs once grouped by the records' team and the
        # scope's figure is the sum of the groups: the service dashboard's teams side by side
        # come from the same queries as the authority's figures, not extra ones.
        self.by_team = by_team
        self.team_counts: dict[int | None, dict[str, int]] = {}
        self._counted: dict[str, int] = {}
        self._memo: dict[Any, Any] = {}
        # The reports that are not figures (plan trend, caseloads, ...), once each.
        self._reports: dict[str, Any] = {}
        self.version: int | None = None
        self.restored = False
        # When the figures were taken kept from before the latest write: their time.
        self.stale: datetime | None = None
        self.worked_out_at = timezone.now()

    # --- Kept figures -------------------------------------------------------------------------

    def _key(self, *, by_team: bool | None = None) -> str:
        """One entry per scope, period and day: it holds the data version it was worked out at."""
        s = self.scope
        by_team = self.by_team if by_team is None else by_team
        parts = ":".join(
            str(part)
            for part in (
                timezone.localdate().isoformat(),
                s.kind,
                ",".join(map(str, s.team_ids)),
                s.iro_id,
                self.start.isoformat(),
                self.end.isoformat(),
                self.as_of.isoformat(),
                int(by_team),
            )
        )
        # Hashed: a scope of many teams would make a key longer than the cache's column.
        return f"measures:{KEPT_FORMAT}:{hashlib.sha256(parts.encode()).hexdigest()}"

    def restore(self, *, stale_ok: bool = False) -> bool:
        """Take the counts and reports kept for this scope, period and day, when there are any
        at the current data version: nothing was written since they were worked out, so they
        are what counting again would give (and what the drill-downs list). One query.

        With `stale_ok`, figures kept at an earlier version are taken too while they are at
        most `DASHBOARD_FIGURES_MAX_AGE` seconds old: `stale` is then their time, for the page
        to say, and `refresh_after()` works them out again once the response has gone."""
        self.version = data_version.current()
        self.worked_out_at = timezone.now()  # counted from here, if nothing is taken kept
        if self.version is None:
            return False
        kept = caches[FIGURES_CACHE].get(self._key())
        if kept is None:
            return False
        if kept["version"] != self.version:
            max_age = settings.DASHBOARD_FIGURES_MAX_AGE
            if (
                not stale_ok
                or not max_age
                or timezone.now() - kept["at"] > timedelta(seconds=max_age)
            ):
                return False
            self.stale = kept["at"]
        self._counted.update(kept["counted"])
        for team, counts in kept["team_counts"].items():
            self.team_counts.setdefault(team, {}).update(counts)
        self._reports.update(kept["reports"])
        self.restored = True
        return True

    def keep(self) -> None:
        """Keep what was counted, for the next request at the same data version (after
        `restore()`; a version that moved meanwhile only means figures the next request takes
        as stale, or not at all). Figures taken stale are not kept again under the new
        version: `refresh_after()` keeps fresh ones."""
        if self.version is None or self.stale or read_state().lagging:
            return  # no version, not this version's, or read from a replica that is behind
        kept = {
            "version": self.version,
            "at": self.worked_out_at,
            "counted": self._counted,
            "team_counts": self.team_counts,
            "reports": self._reports,
        }
        entries = {self._key(): kept}
        if self.by_team:
            # The scope's own figures are the sums of the groups (`_aggregate`): kept for the
            # same scope and period asked for not by team too (the metrics JSON).
            entries[self._key(by_team=False)] = {**kept, "team_counts": {}}
        caches[FIGURES_CACHE].set_many(entries, KEEP_SECONDS)

    def again(self) -> "Measures":
        """A Measures for the same scope and period that will count everything afresh."""
        return Measures(self.scope, self.start, self.end, self.as_of, by_team=self.by_team)

    def refresh_after(self, response: HttpResponseBase, work_out: Callable[["Measures"], Any]):
        """When these figures were taken stale: once `response` has been sent (its close, by
        the server), work them out again with `work_out(measures)` (what the page shows) and
        keep them, so that the next request has them current. One refresh at a time per key
        (the others keep showing the stale figures meanwhile)."""
        if not self.stale:
            return
        lock = f"{self._key()}:refreshing"
        if not caches[FIGURES_CACHE].add(lock, self.version, REFRESH_LOCK_SECONDS):
            return

        def refresh() -> None:
            try:
                fresh = self.again()
                fresh.version = data_version.current()
                work_out(fresh)
                fresh.keep()
            except Exception:  # the response has gone: log it, never break the server's close
                logger.exception("Dashboard figures for %s not worked out again", self._key())
            finally:
                caches[FIGURES_CACHE].delete(lock)

        response._resource_closers.append(refresh)  # run by HttpResponse.close()

    def _report(self, name: str, make: Callable[[], Any]) -> Any:
        if name not in self._reports:
            self._reports[name] = make()
        return self._reports[name]

    def memo(self, key: Any, make: Callable[[], Any]) -> Any:
        """`make()`, once per Measures: populations and the rules behind them share their
        reads through it."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    @cached_property
    def start_at(self) -> datetime:
        """The period as aware datetimes (local midnights), so date ranges on datetime columns
        can use their indexes."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @cached_property
    def end_at(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    def population(self, name: str) -> QuerySet:
        """The records of a declared population (see dashboards.figures)."""

        def make() -> QuerySet:
            p = POPULATIONS[name]
            if p.query is not None:
                return p.query(self)
            if p.ids is not None:
                return p.model.objects.filter(pk__in=self._ids(name))
            where = p.where(self) if callable(p.where) else p.where
            return self.population(p.of).filter(where)

        return self.memo(("population", name), make)

    def _ids(self, name: str) -> list[int]:
        return self.memo(("ids", name), lambda: POPULATIONS[name].ids(self))

    def count(self, name: str) -> int:
        """The size of a population: from its root's grouped aggregate where one covers it
        (fewer queries), from its parts where Python decides. Each is counted once. A figure
        asked for on its own (before `summary()` or `count_all()`) is counted on its own, in
        one query of its own condition: not with every other population of its root."""
        if name not in self._counted:
            p = POPULATIONS[name]
            if p.count is not None:
                self._counted[name] = p.count(self)
            elif p.ids is not None:
                self._counted[name] = len(self._ids(name))
            elif self.by_team or ("counts", p.root.name) in self._memo:
                self._counted[name] = self._root_counts(p.root.name)[name]
            else:
                # Its records, as its drill-down lists them: the condition in the WHERE
                # clause, where the planner can use an index for it.
                self._counted[name] = self.population(name).aggregate(
                    n=Count(p.counts, distinct=p.counts != "pk")
                )["n"]
        return self._counted[name]

    def count_all(self) -> None:
        """Count every figure's populations, those of one root together in one grouped
        aggregate (what the dashboards and the JSON show), unless already counted or kept."""
        if self.restored:
            return  # everything shown was kept (a figure not shown is counted when asked)
        roots = dict.fromkeys(
            POPULATIONS[name].root.name
            for figure in FIGURES.values()
            for name in (figure.population, figure.of)
            if name and name not in self._counted and POPULATIONS[name].aggregated
        )
        for root in roots:
            self._root_counts(root)

    def _counted_as(self, p) -> Count:
        return Count(p.counts, filter=p.condition(self) or None, distinct=p.counts != "pk")

    def _root_counts(self, root: str) -> dict[str, int]:
        """Every aggregated population of one root, counted in one query."""

        def run() -> dict[str, int]:
            aggregates = {
                p.name: self._counted_as(p)
                for p in POPULATIONS.values()
                if p.aggregated and p.root.name == root
            }
            qs, team = self.population(root), None
            if self.by_team:
                qs, team = POPULATIONS[root].by_team(self, qs)
            return self._aggregate(qs, team, **aggregates)

        return self.memo(("counts", root), run)

    def _aggregate(self, qs: QuerySet, team, **aggregates) -> dict[str, int]:
        """qs.aggregate(**aggregates), or with by_team the same aggregates grouped by team
        (kept in team_counts) and summed. Every counted row belongs to exactly one group (a
        child has one allocated team or none), so the sums are the scope's counts, distinct
        counts of children included."""
        if not self.by_team:
            return qs.aggregate(**aggregates)
        totals = dict.fromkeys(aggregates, 0)
        for row in qs.values(_team=team).annotate(**aggregates).order_by():
            row_team = row.pop("_team")
            self.team_counts.setdefault(row_team, {}).update(row)
            for name, value in row.items():
                totals[name] += value
        return totals

    def figure(self, key: str) -> int | float | None:
        """What a figure's card shows: its share when it is one, else its count."""
        return FIGURES[key].value(self.count)

    # --- Records behind the reports that are not figures ---------------------------------------

    @cached_property
    def feedback(self) -> QuerySet[FeedbackResponse]:
        return FeedbackResponse.objects.filter(
            conference__in=self.population("conferences_held").values("pk")
        )

    @cached_property
    def service_referrals(self) -> QuerySet[ServiceReferral]:
        return ServiceReferral.objects.filter(
            self.scope.children("child__"),
            date_referred__gte=self.start,
            date_referred__lte=self.end,
        )

    # --- Figures ------------------------------------------------------------------------------

    def plan_trend(self) -> list[dict]:
        return self._report("plan_trend", self._plan_trend)

    def _plan_trend(self) -> list[dict]:
        """Children on a plan at the end of each month in the period (and at its end)."""
        points, day = [], self.start
        while True:
            month_end = (day.replace(day=1) + relativedelta(months=1)) - timedelta(days=1)
            point = min(month_end, self.end)
            points.append(point)
            if point >= self.end:
                break
            day = month_end + timedelta(days=1)
        base = ChildProtectionPlan.objects.filter(self.scope.children("child__"))
        counts = base.aggregate(
            **{
                f"d{i}": Count(
                    "child",
                    filter=Q(start_date__lte=p) & (Q(end_date__isnull=True) | Q(end_date__gt=p)),
                    distinct=True,
                )
                for i, p in enumerate(points)
            }
        )
        return [{"date": p, "children": counts[f"d{i}"]} for i, p in enumerate(points)]

    def waiting_times(self) -> list[dict]:
        return self._report("waiting_times", self._waiting_times)

    def _waiting_times(self) -> list[dict]:
        """Median and longest wait (calendar days) by service, for referrals in the period."""
        by_service: dict[str, list[int]] = {}
        labels = dict(ServiceReferral._meta.get_field("service").choices)
        for service, referred, started, declined in self.service_referrals.values_list(
            "service", "date_referred", "date_started", "date_declined"
        ):
            end = started or declined or self.as_of
            by_service.setdefault(service, []).append((end - referred).days)
        return [
            {
                "service": service,
                "label": labels.get(service, service),
                "referrals": len(waits),
                "median_days": statistics.median(waits),
                "longest_days": max(waits),
            }
            for service, waits in sorted(by_service.items())
        ]

    def feedback_scores(self) -> dict:
        return self._report("feedback_scores", self._feedback_scores)

    def _feedback_scores(self) -> dict:
        scores = self.feedback.aggregate(
            responses=Count("pk"),
            avg_listened_to=Avg("listened_to"),
            avg_understood=Avg("understood"),
            avg_prepared=Avg("prepared"),
            parents=Count("pk", filter=Q(respondent_type__in=["parent", "family"])),
            avg_parent_listened_to=Avg(
                "listened_to", filter=Q(respondent_type__in=["parent", "family"])
            ),
            professionals=Count("pk", filter=Q(respondent_type="professional")),
            avg_professional_listened_to=Avg(
                "listened_to", filter=Q(respondent_type="professional")
            ),
        )
        return {k: round(v, 2) if isinstance(v, float) else v for k, v in scores.items()}

    def caseloads(self) -> dict:
        return self._report("caseloads", self._caseloads)

    def _caseloads(self) -> dict:
        """Children per social worker (allocated) and per IRO (open plans and upcoming
        conferences they chair), counted from the children's side: one grouped scan each.
        Each scope lists its own people: a team its workers and the IROs chairing its
        children, counting its children; an IRO themself and the workers of the children on
        their caseload, counting those children; the authority everyone."""
        workers = User.objects.filter(groups__name="Social worker", is_active=True)
        iros = User.objects.filter(groups__name="IRO", is_active=True)
        children = Child.objects.filter(allocated_worker__isnull=False)
        listed_only_if_counted = {"workers": False, "iros": False}
        if self.scope.kind == "team":
            workers = workers.filter(team_id__in=self.scope.team_ids)
            chaired = iro_child_counts(Q(allocated_team_id__in=self.scope.team_ids))
            listed_only_if_counted["iros"] = True
        elif self.scope.kind == "iro":
            iros = iros.filter(pk=self.scope.iro_id)
            chaired = iro_child_counts()
            children = children.filter(pk__in=iro_caseload_ids(self.scope.iro_id))
            listed_only_if_counted["workers"] = True
        else:
            chaired = iro_child_counts()
        if self.scope.kind == "team":
            # A team's dashboard counts its own workers' children, not the whole authority's.
            children = children.filter(allocated_worker__in=workers.values("pk"))
        allocated = dict(
            children.values_list("allocated_worker_id").annotate(n=Count("pk")).order_by()
        )

        def rows(users, counts, only_counted: bool) -> list[dict]:
            if only_counted:
                users = users.filter(pk__in=list(counts))
            found = [
                {
                    "id": pk,
                    "name": f"{first} {last}".strip() or username,
                    "children": counts.get(pk, 0),
                }
                for pk, first, last, username in users.values_list(
                    "pk", "first_name", "last_name", "username"
                ).distinct()
            ]
            return sorted(found, key=lambda r: (-r["children"], r["name"]))[:200]

        return {
            "social_workers": rows(workers, allocated, listed_only_if_counted["workers"]),
            "iros": rows(iros, chaired, listed_only_if_counted["iros"]),
        }

    def alerts_breakdown(self) -> dict:
        return self._report("alerts_breakdown", self._alerts_breakdown)

    def _alerts_breakdown(self) -> dict:
        """Open alerts by rule, by team and by worker, from one grouped query."""
        by_rule: dict[str, int] = {}
        by_team: dict[int | None, int] = {}
        by_worker: dict[int | None, int] = {}
        for rule, team, worker, n in (
            self.population("open_alerts")
            .values_list("rule", "responsible_team_id", "responsible_worker_id")
            .annotate(n=Count("pk"))
            .order_by()
        ):
            by_rule[rule] = by_rule.get(rule, 0) + n
            by_team[team] = by_team.get(team, 0) + n
            by_worker[worker] = by_worker.get(worker, 0) + n
        teams = dict(
            Team.objects.filter(pk__in=[t for t in by_team if t]).values_list("pk", "name")
        )
        top_workers = sorted(by_worker.items(), key=lambda kv: -kv[1])[:50]
        names = {
            pk: (first, last)
            for pk, first, last in User.objects.filter(
                pk__in=[w for w, _ in top_workers if w]
            ).values_list("pk", "first_name", "last_name")
        }
        return {
            "by_rule": [
                {"rule": r, "title": rule_title(r), "n": n}
                for r, n in sorted(by_rule.items(), key=lambda kv: (-kv[1], kv[0]))
            ],
            "by_team": [
                {"responsible_team_id": t, "responsible_team__name": teams.get(t), "n": n}
                for t, n in sorted(by_team.items(), key=lambda kv: -kv[1])
            ],
            "by_worker": [
                {
                    "responsible_worker_id": w,
                    "responsible_worker__first_name": names.get(w, ("", ""))[0],
                    "responsible_worker__last_name": names.get(w, ("", ""))[1],
                    "n": n,
                }
                for w, n in top_workers
            ],
        }

    def summary(self) -> dict:
        """The headline figures, as the JSON endpoint and the management command return them:
        every declared figure's entries."""
        out: dict[str, Any] = {
            "scope": self.scope.label,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "as_of": self.as_of.isoformat(),
        }
        self.count_all()
        for figure in FIGURES.values():
            out.update(figure.values(self.count))
        return out


def shown(measures: Measures) -> dict:
    """Everything a dashboard shows that is worked out from the data (what is kept): for the
    page, again after a response that showed it stale (`Measures.refresh_after`), and ahead of
    anyone asking (`dashboards.services.keep_figures`)."""
    return {
        "summary": measures.summary(),
        "trend": measures.plan_trend(),
        "caseloads": measures.caseloads(),
        "alerts": measures.alerts_breakdown(),
        "waiting": measures.waiting_times(),
        "feedback": measures.feedback_scores(),
        # Teams side by side (the service dashboard) for the authority or chosen teams; an
        # IRO's figures are not by team.
        "teams": teams_side_by_side(measures)
        if measures.by_team and measures.scope.kind in ("authority", "team")
        else None,
    }


def team_columns() -> list[Figure]:
    """The figures of the teams side by side, in their order."""
    return sorted((f for f in FIGURES.values() if f.column), key=lambda f: f.column.position)


def teams_side_by_side(measures: Measures) -> list[dict]:
    """Every team's figures, from the groups of an authority's (or some teams') by-team
    measures (the service dashboard): no queries of their own but the list of teams. Each row
    has the JSON's entries of every figure counted by team, and `cells`, the team table's
    columns. Children allocated to no team have a row of their own when there are any, so
    that the rows add up to the scope's figures."""
    assert measures.by_team, "teams side by side needs Measures(..., by_team=True)"
    assert measures.scope.kind in ("authority", "team"), "teams side by side is by team"
    measures.summary()  # runs the grouped aggregates
    columns = team_columns()
    by_team = [f for f in FIGURES.values() if f.by_team]
    teams: list[Team | None] = list(Team.objects.order_by("name"))
    unallocated = measures.team_counts.get(None, {})
    if measures.scope.kind == "team":
        teams = [t for t in teams if t.pk in measures.scope.team_ids]
    elif any(name in unallocated for f in columns for name in (f.population, f.of) if name):
        teams.append(None)
    rows = []
    for team in teams:
        counts = measures.team_counts.get(team.pk if team else None, {})

        def count(name: str, counts=counts) -> int:
            return counts.get(name, 0)

        row: dict[str, Any] = {"team": team}
        for figure in by_team:
            row.update(figure.values(count))
        row["cells"] = [(figure, figure.value(count)) for figure in columns]
        rows.append(row)
    return rows
