"""The inspector's questions as measures, for a scope (team, IRO, authority) and a period.

Every measure is a *population* (a queryset of records, or the ids of records that a rule picks
out) and its count, so the figure on a dashboard, the JSON and the drill-down list behind it are
the same rows by construction. Counting happens in the database; only rules that need the
working-day calendar (in timescale or not) walk the rows of the period in Python.

A plan is open on day d when it started on or before d and has not ended on or before d.
"""

import bisect
import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property

from dateutil.relativedelta import relativedelta
from django.db.models import (
    Avg,
    Case,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
    Window,
)
from django.db.models.functions import ExtractIsoWeekDay, Lag
from django.db.models.lookups import In
from django.utils import timezone

from accounts.models import Team, User
from cases.models import Child, Referral, ServiceReferral, Visit
from conferences.models import (
    INITIAL_TYPES,
    ChildProtectionPlan,
    Conference,
    ConferenceParticipant,
    ConferenceStatus,
    ConferenceType,
    CoreGroupMeeting,
    FeedbackResponse,
    PlanAction,
)
from monitoring.models import Alert
from monitoring.rules import RULES_BY_CODE
from strategy.models import S47Outcome, Section47, StrategyDiscussion
from timescales import rules as timescales
from timescales.calendar import longest_span, weekday_span
from timescales.models import LocalPolicy

TOOK_PART = ["attended", "sent_report"]


@dataclass(frozen=True)
class Scope:
    """Whose work: one or more teams, one IRO's conferences, or the whole authority."""

    kind: str  # "authority", "team" or "iro"
    label: str
    team_ids: tuple[int, ...] = ()
    iro_id: int | None = None

    def children(self, prefix: str = "") -> Q:
        if self.kind == "team":
            return Q(**{f"{prefix}allocated_team_id__in": self.team_ids})
        if self.kind == "iro":
            chaired = Conference.objects.filter(chair_id=self.iro_id).values("child_id")
            return Q(**{f"{prefix}pk__in": chaired})
        return Q()

    def conferences(self) -> Q:
        if self.kind == "iro":
            return Q(chair_id=self.iro_id)
        return self.children("child__")

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


def pct(numerator: int, denominator: int) -> float | None:
    """A percentage to one decimal place; None when there is nothing to count."""
    return round(100 * numerator / denominator, 1) if denominator else None


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
        # With by_team, each grouped aggregate runs once grouped by the child's allocated team
        # and the scope's figure is the sum of the groups: the service dashboard's teams side
        # by side come from the same queries as the authority's figures, not extra ones.
        self.by_team = by_team
        self.team_counts: dict[int | None, dict[str, int]] = {}
        self._counted: dict[str, int] = {}

    def _aggregate(self, qs: QuerySet, team_key: str, **aggregates) -> dict[str, int]:
        """qs.aggregate(**aggregates), or with by_team the same aggregates grouped by team
        (kept in team_counts) and summed. Every counted row belongs to exactly one group (a
        child has one allocated team or none), so the sums are the scope's counts, distinct
        counts of children included."""
        if not self.by_team:
            return qs.aggregate(**aggregates)
        totals = dict.fromkeys(aggregates, 0)
        for row in qs.values(team_key).annotate(**aggregates).order_by():
            team = row.pop(team_key)
            self.team_counts.setdefault(team, {}).update(row)
            for name, value in row.items():
                totals[name] += value
        return totals

    # Populations decided partly in Python (working-day rules) are counted from their parts,
    # without building a query over their ids.
    _COUNTS = {
        "icpcs_late_by_day_18": lambda m: len(m._icpcs_late_by_day_18_ids),
        # Rows the database decides are in timescale are every row of the period but those it
        # left undecided; of those, the ones Python finds in timescale are added back.
        "core_groups_in_timescale": lambda m: (
            m.count("core_groups")
            - len(m._core_group_undecided)
            + len(m._core_groups_in_timescale_ids)
        ),
        "visits_in_timescale": lambda m: (
            m.count("statutory_visits") - len(m._visit_undecided) + len(m._visits_in_timescale_ids)
        ),
        "re_referrals": lambda m: len(m._re_referral_ids[0]),
        "re_referrals_after_step_down": lambda m: len(m._re_referral_ids[1]),
    }

    def count(self, name: str) -> int:
        """The size of a population: from a grouped aggregate where one covers it (fewer
        queries), from its parts where Python decides, else a COUNT of its queryset. Each
        is counted once."""
        if name not in self._counted:
            self._counted[name] = self._count(name)
        return self._counted[name]

    def _count(self, name: str) -> int:
        if name in self._COUNTS:
            return self._COUNTS[name](self)
        for group in (
            "_icpc_counts",
            "_strategy_counts",
            "_plan_counts",
            "_conference_counts",
            "_visit_counts",
        ):
            if name in GROUPED[group]:
                return getattr(self, group)[name]
        return getattr(self, name).count()

    @cached_property
    def _icpc_counts(self) -> dict[str, int]:
        police = ConferenceParticipant.objects.filter(
            conference=OuterRef("pk"), agency="police", status__in=TOOK_PART
        )
        health = ConferenceParticipant.objects.filter(
            conference=OuterRef("pk"), agency="health", status="attended"
        )
        return self._aggregate(
            self.icpcs_held,
            "child__allocated_team_id",
            icpcs_held=Count("pk"),
            icpcs_in_timescale=Count("pk", filter=Q(held_on__lte=F("target_date"))),
            icpcs_with_police=Count("pk", filter=Q(Exists(police))),
            icpcs_with_health_attendee=Count("pk", filter=Q(Exists(health))),
            icpcs_health_knew_child=Count("pk", filter=Q(Exists(health.filter(knows_child=True)))),
        )

    @cached_property
    def _strategy_counts(self) -> dict[str, int]:
        return self._aggregate(
            self.strategy_discussions,
            "child__allocated_team_id",
            strategy_discussions=Count("pk"),
            strategy_with_health=Count("pk", filter=Q(has_health=True)),
            strategy_with_police=Count("pk", filter=Q(has_police=True)),
        )

    @cached_property
    def _plan_counts(self) -> dict[str, int]:
        def open_on(day: date) -> Q:
            return Q(start_date__lte=day) & (Q(end_date__isnull=True) | Q(end_date__gt=day))

        return self._aggregate(
            ChildProtectionPlan.objects.filter(self.scope.children("child__")),
            "child__allocated_team_id",
            plans_open_at_start=Count("pk", filter=open_on(self.start)),
            plans_open_at_end=Count("pk", filter=open_on(self.end)),
            children_on_plan_at_start=Count("child", filter=open_on(self.start), distinct=True),
            children_on_plan_at_end=Count("child", filter=open_on(self.end), distinct=True),
            plans_started=Count(
                "pk", filter=Q(start_date__gte=self.start, start_date__lte=self.end)
            ),
            plans_ended=Count("pk", filter=Q(end_date__gte=self.start, end_date__lte=self.end)),
        )

    @cached_property
    def _conference_counts(self) -> dict[str, int]:
        return self._aggregate(
            self.conferences_held,
            "child__allocated_team_id",
            conferences_held=Count("pk"),
            reports_shared_in_advance=Count("pk", filter=Q(reports_shared_on__lt=F("held_on"))),
            reviews_held=Count("pk", filter=Q(conference_type=ConferenceType.REVIEW)),
            reviews_in_timescale=Count(
                "pk",
                filter=Q(conference_type=ConferenceType.REVIEW, held_on__lte=F("target_date")),
            ),
        )

    @cached_property
    def _visit_counts(self) -> dict[str, int]:
        return self.statutory_visits.aggregate(
            statutory_visits=Count("pk"), visits_seen_alone=Count("pk", filter=Q(seen_alone=True))
        )

    @cached_property
    def _start_at(self):
        """The period as aware datetimes (local midnights), so date ranges on datetime columns
        can use their indexes."""
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @cached_property
    def _end_at(self):
        return timezone.make_aware(datetime.combine(self.end + timedelta(days=1), time.min))

    # --- Populations ------------------------------------------------------------------------

    @cached_property
    def icpcs_held(self) -> QuerySet[Conference]:
        return Conference.objects.filter(
            self.scope.conferences(),
            conference_type__in=INITIAL_TYPES,
            status=ConferenceStatus.HELD,
            held_on__gte=self.start,
            held_on__lte=self.end,
        )

    @cached_property
    def icpcs_in_timescale(self) -> QuerySet[Conference]:
        return self.icpcs_held.filter(held_on__lte=F("target_date"))

    @cached_property
    def icpcs_late(self) -> QuerySet[Conference]:
        return self.icpcs_held.filter(held_on__gt=F("target_date"))

    @property
    def icpcs_late_by_day_18(self) -> QuerySet[Conference]:
        return Conference.objects.filter(pk__in=self._icpcs_late_by_day_18_ids)

    @cached_property
    def _icpcs_late_by_day_18_ids(self) -> list[int]:
        ids = [
            pk
            for pk, held, target in self.icpcs_late.values_list("pk", "held_on", "target_date")
            if held <= timescales.icpc_day_18(target)
        ]
        return ids

    def plans_open_on(self, day: date) -> QuerySet[ChildProtectionPlan]:
        return ChildProtectionPlan.objects.filter(self.scope.children("child__")).open_on(day)

    @cached_property
    def plans_open_at_start(self) -> QuerySet[ChildProtectionPlan]:
        return self.plans_open_on(self.start)

    @cached_property
    def plans_open_at_end(self) -> QuerySet[ChildProtectionPlan]:
        return self.plans_open_on(self.end)

    @cached_property
    def plans_started(self) -> QuerySet[ChildProtectionPlan]:
        return ChildProtectionPlan.objects.filter(
            self.scope.children("child__"), start_date__gte=self.start, start_date__lte=self.end
        )

    @cached_property
    def plans_ended(self) -> QuerySet[ChildProtectionPlan]:
        return ChildProtectionPlan.objects.filter(
            self.scope.children("child__"), end_date__gte=self.start, end_date__lte=self.end
        )

    @cached_property
    def strategy_discussions(self) -> QuerySet[StrategyDiscussion]:
        return StrategyDiscussion.objects.with_participation().filter(
            self.scope.children("child__"),
            held_at__gte=self._start_at,
            held_at__lt=self._end_at,
        )

    @cached_property
    def strategy_with_health(self) -> QuerySet[StrategyDiscussion]:
        return self.strategy_discussions.filter(has_health=True)

    @cached_property
    def strategy_with_police(self) -> QuerySet[StrategyDiscussion]:
        return self.strategy_discussions.filter(has_police=True)

    def _with_participant(self, qs, **filters):
        return qs.filter(
            Exists(ConferenceParticipant.objects.filter(conference=OuterRef("pk"), **filters))
        )

    @cached_property
    def icpcs_with_police(self) -> QuerySet[Conference]:
        return self._with_participant(self.icpcs_held, agency="police", status__in=TOOK_PART)

    @cached_property
    def icpcs_with_health_attendee(self) -> QuerySet[Conference]:
        return self._with_participant(self.icpcs_held, agency="health", status="attended")

    @cached_property
    def icpcs_health_knew_child(self) -> QuerySet[Conference]:
        return self._with_participant(
            self.icpcs_held, agency="health", status="attended", knows_child=True
        )

    @cached_property
    def reviews_held(self) -> QuerySet[Conference]:
        return Conference.objects.filter(
            self.scope.conferences(),
            conference_type=ConferenceType.REVIEW,
            status=ConferenceStatus.HELD,
            held_on__gte=self.start,
            held_on__lte=self.end,
        )

    @cached_property
    def reviews_in_timescale(self) -> QuerySet[Conference]:
        return self.reviews_held.filter(held_on__lte=F("target_date"))

    @cached_property
    def core_groups(self) -> QuerySet[CoreGroupMeeting]:
        return CoreGroupMeeting.objects.filter(
            self.scope.children("plan__child__"),
            meeting_date__gte=self.start,
            meeting_date__lte=self.end,
        )

    @property
    def core_groups_in_timescale(self) -> QuerySet[CoreGroupMeeting]:
        return CoreGroupMeeting.objects.filter(
            Q(pk__in=self._core_groups_in_timescale_sure.values("pk"))
            | Q(pk__in=self._core_groups_in_timescale_ids)
        )

    @cached_property
    def _core_group_lagged(self) -> QuerySet[CoreGroupMeeting]:
        """Core groups up to the end of the period, and enough before it, each with the date of
        the one before it under the same plan. Filters on plain columns run before a window,
        so the period's own rows are picked out afterwards (by id, or in Python), never by a
        filter on this queryset: that would hide the meeting before the period. A meeting
        further back than the interval (or than a first core group can take) would make the
        next one late whichever it was, so older ones are not read."""
        policy = LocalPolicy.current()
        reach = max(
            7 * policy.core_group_interval_weeks,
            longest_span(policy.first_core_group_working_days),
        )
        return CoreGroupMeeting.objects.filter(
            self.scope.children("plan__child__"),
            meeting_date__gte=self.start - timedelta(days=reach + 1),
            meeting_date__lte=self.end,
        ).annotate(
            previous=Window(
                Lag("meeting_date"),
                partition_by=[F("plan_id")],
                order_by=[F("meeting_date").asc(), F("pk").asc()],
            )
        )

    @cached_property
    def _core_group_next_due(self) -> ExpressionWrapper:
        weeks = LocalPolicy.current().core_group_interval_weeks
        return ExpressionWrapper(F("previous") + timedelta(weeks=weeks), output_field=DateField())

    @property
    def _core_groups_in_timescale_sure(self) -> QuerySet[CoreGroupMeeting]:
        """Later core groups are in timescale when within 6 weeks (local) of the last one:
        calendar arithmetic the database can do."""
        return self.core_groups.filter(
            pk__in=self._core_group_lagged.filter(
                previous__isnull=False, meeting_date__lte=self._core_group_next_due
            ).values("pk")
        )

    @cached_property
    def _core_group_undecided(self) -> list[tuple[int, date, date, date | None]]:
        """Core groups of the period not counted in timescale by the database: first ones
        (their timescale is in working days) and later ones after the interval (late)."""
        rows = (
            self._core_group_lagged.filter(
                # As for visits: the period's first day in both branches keeps it after the
                # window.
                Q(previous__isnull=True, meeting_date__gte=self.start)
                | Q(meeting_date__gt=self._core_group_next_due, meeting_date__gte=self.start)
            )
            .values_list("pk", "meeting_date", "plan__start_date", "previous")
            .order_by()
        )
        return list(rows)

    @cached_property
    def _core_groups_in_timescale_ids(self) -> list[int]:
        """First core groups: within 10 working days (local) of the plan start — the calendar
        of bank holidays lives in Python, so these few rows are checked here."""
        policy = LocalPolicy.current()
        return [
            pk
            for pk, held, plan_start, previous in self._core_group_undecided
            if previous is None and held <= timescales.first_core_group_due(plan_start, policy)
        ]

    @cached_property
    def statutory_visits(self) -> QuerySet[Visit]:
        return Visit.objects.filter(
            self.scope.children("child__"),
            visit_type="statutory_cp",
            child_seen=True,
            visit_date__gte=self.start,
            visit_date__lte=self.end,
        )

    @property
    def visits_in_timescale(self) -> QuerySet[Visit]:
        return Visit.objects.filter(
            Q(pk__in=self._visits_in_timescale_sure.values("pk"))
            | Q(pk__in=self._visits_in_timescale_ids)
        )

    @cached_property
    def _visit_lagged(self) -> QuerySet[Visit]:
        """Statutory visits up to the end of the period, and enough before it, each with the
        date of the child's visit before it. As with core groups, the period's own rows are
        picked out afterwards. A visit further back than the local timescale can ever stretch
        would make the next one late whichever it was, so older ones are not read."""
        reach = longest_span(LocalPolicy.current().statutory_visit_working_days)
        return Visit.objects.filter(
            self.scope.children("child__"),
            visit_type="statutory_cp",
            child_seen=True,
            visit_date__gte=self.start - timedelta(days=reach + 1),
            visit_date__lte=self.end,
        ).annotate(
            previous=Window(
                Lag("visit_date"),
                partition_by=[F("child_id")],
                order_by=[F("visit_date").asc(), F("pk").asc()],
            )
        )

    @cached_property
    def _visit_sure_gap(self) -> ExpressionWrapper:
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
    def _visits_in_timescale_sure(self) -> QuerySet[Visit]:
        """Statutory visits at most 10 working days (local) apart: those the database can
        decide from the weekday alone (see _visit_sure_gap)."""
        return self.statutory_visits.filter(
            pk__in=self._visit_lagged.filter(
                previous__isnull=False, visit_date__lte=self._visit_sure_gap
            ).values("pk")
        )

    @cached_property
    def _visit_undecided(self) -> list[tuple[int, int, date, date | None]]:
        """The visits of the period the database could not decide: first visits, and later
        ones past the weekday-only due date (in timescale only if bank holidays or a new plan
        gave more time), checked against the working-day calendar in Python."""
        rows = (
            self._visit_lagged.filter(
                # Both branches name the period's first day, so the whole condition refers to
                # the window and Django applies it after the window is computed (QUALIFY):
                # `Q(visit_date__gte=...) & (...)` would put the date in WHERE, before it.
                Q(previous__isnull=True, visit_date__gte=self.start)
                | Q(visit_date__gt=self._visit_sure_gap, visit_date__gte=self.start)
            )
            .values_list("pk", "child_id", "visit_date", "previous")
            .order_by()
        )
        return list(rows)

    @cached_property
    def _visits_in_timescale_ids(self) -> list[int]:
        """Of the undecided visits, those in timescale: measured from the later of the last
        visit and the start of the plan the child was on."""
        policy = LocalPolicy.current()
        rows = self._visit_undecided
        plan_starts: dict[int, list[date]] = {}
        for child_id, started in (
            ChildProtectionPlan.objects.filter(self.scope.children("child__"))
            .filter(start_date__lte=self.end)
            .order_by("start_date")
            .values_list("child_id", "start_date")
        ):
            plan_starts.setdefault(child_id, []).append(started)
        due_after: dict[date, date] = {}  # the calendar walk, once per distinct date
        ids = []
        for pk, child_id, visited, previous in rows:
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

    @cached_property
    def visits_seen_alone(self) -> QuerySet[Visit]:
        return self.statutory_visits.filter(seen_alone=True)

    @cached_property
    def children_seen_alone(self) -> QuerySet[Child]:
        return Child.objects.filter(pk__in=self.visits_seen_alone.values("child_id"))

    @cached_property
    def s47s_ended_without_icpc(self) -> QuerySet[Section47]:
        return Section47.objects.filter(
            self.scope.children("child__"),
            outcome__in=[S47Outcome.ICPC_NOT_REQUIRED, S47Outcome.NOT_SUBSTANTIATED],
            completion_date__gte=self.start,
            completion_date__lte=self.end,
        )

    @cached_property
    def referrals(self) -> QuerySet[Referral]:
        return Referral.objects.filter(
            self.scope.children("child__"),
            received_at__gte=self._start_at,
            received_at__lt=self._end_at,
        )

    @cached_property
    def _re_referral_ids(self) -> tuple[list[int], list[int]]:
        rows = list(self.referrals.values_list("pk", "child_id", "received_at"))
        closures: dict[int, list[tuple[date, bool]]] = {}
        for child_id, closed, stepped in Referral.objects.filter(
            child_id__in=self.referrals.values("child_id"),
            closure_date__gte=timescales.re_referral_window_start(self.start),
            closure_date__lte=self.end,
        ).values_list("child_id", "closure_date", "stepped_down_to_early_help"):
            closures.setdefault(child_id, []).append((closed, stepped))
        any_ids, step_down_ids = [], []
        zone = timezone.get_current_timezone()
        for pk, child_id, received in rows:
            received_on = received.astimezone(zone).date()
            window = timescales.re_referral_window_start(received_on)
            earlier = [c for c in closures.get(child_id, []) if window <= c[0] <= received_on]
            if earlier:
                any_ids.append(pk)
                if any(stepped for _, stepped in earlier):
                    step_down_ids.append(pk)
        return any_ids, step_down_ids

    @property
    def re_referrals(self) -> QuerySet[Referral]:
        return Referral.objects.filter(pk__in=self._re_referral_ids[0])

    @property
    def re_referrals_after_step_down(self) -> QuerySet[Referral]:
        return Referral.objects.filter(pk__in=self._re_referral_ids[1])

    @cached_property
    def plans_fully_owned_and_timed(self) -> QuerySet[ChildProtectionPlan]:
        """Open plans at the end of the period with at least one action, every one owned and
        timed."""
        untimed = PlanAction.objects.filter(outcome__plan=OuterRef("pk")).filter(
            Q(owner="") | Q(timescale__isnull=True)
        )
        any_action = PlanAction.objects.filter(outcome__plan=OuterRef("pk"))
        return self.plans_open_at_end.filter(Exists(any_action)).exclude(Exists(untimed))

    @cached_property
    def conferences_held(self) -> QuerySet[Conference]:
        return Conference.objects.filter(
            self.scope.conferences(),
            status=ConferenceStatus.HELD,
            held_on__gte=self.start,
            held_on__lte=self.end,
        )

    @cached_property
    def reports_shared_in_advance(self) -> QuerySet[Conference]:
        return self.conferences_held.filter(reports_shared_on__lt=F("held_on"))

    @cached_property
    def feedback(self) -> QuerySet[FeedbackResponse]:
        return FeedbackResponse.objects.filter(conference__in=self.conferences_held.values("pk"))

    @cached_property
    def open_alerts(self) -> QuerySet[Alert]:
        qs = Alert.objects.active().filter(status__in=["open", "acknowledged"])
        if self.scope.kind == "team":
            return qs.filter(responsible_team_id__in=self.scope.team_ids)
        if self.scope.kind == "iro":
            return qs.filter(responsible_iro_id=self.scope.iro_id)
        return qs

    @cached_property
    def service_referrals(self) -> QuerySet[ServiceReferral]:
        return ServiceReferral.objects.filter(
            self.scope.children("child__"),
            date_referred__gte=self.start,
            date_referred__lte=self.end,
        )

    # --- Figures ------------------------------------------------------------------------------

    def plan_trend(self) -> list[dict]:
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
        """Children per social worker (allocated) and per IRO (open plans and upcoming
        conferences they chair), counted from the children's side: one grouped scan each."""
        workers = User.objects.filter(groups__name="Social worker", is_active=True)
        if self.scope.kind == "team":
            workers = workers.filter(team_id__in=self.scope.team_ids)
        iros = User.objects.filter(groups__name="IRO", is_active=True)
        if self.scope.kind == "iro":
            iros = iros.filter(pk=self.scope.iro_id)
        allocated = dict(
            Child.objects.filter(allocated_worker__isnull=False)
            .values_list("allocated_worker_id")
            .annotate(n=Count("pk"))
        )
        chaired = dict(
            Conference.objects.filter(chair__isnull=False)
            .filter(
                Q(plan__end_date__isnull=True)
                & (Q(plan__isnull=False) | Q(status__in=["requested", "scheduled"]))
            )
            .values_list("chair_id")
            .annotate(n=Count("child", distinct=True))
        )

        def rows(users, counts) -> list[dict]:
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

        return {"social_workers": rows(workers, allocated), "iros": rows(iros, chaired)}

    def alerts_breakdown(self) -> dict:
        return self._alerts_breakdown

    @cached_property
    def _alerts_breakdown(self) -> dict:
        """Open alerts by rule, by team and by worker, from one grouped query."""
        by_rule: dict[str, int] = {}
        by_team: dict[int | None, int] = {}
        by_worker: dict[int | None, int] = {}
        for rule, team, worker, n in (
            self.open_alerts.values_list("rule", "responsible_team_id", "responsible_worker_id")
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
        """The headline figures, as the JSON endpoint and the management command return them."""
        c = self.count
        icpc_held = c("icpcs_held")
        strategy = c("strategy_discussions")
        reviews = c("reviews_held")
        core_groups = c("core_groups")
        visits = c("statutory_visits")
        referrals = c("referrals")
        conferences = c("conferences_held")
        return {
            "scope": self.scope.label,
            "from": self.start.isoformat(),
            "to": self.end.isoformat(),
            "as_of": self.as_of.isoformat(),
            "icpc_held": icpc_held,
            "icpc_in_timescale": c("icpcs_in_timescale"),
            "icpc_in_timescale_pct": pct(c("icpcs_in_timescale"), icpc_held),
            "icpc_late_by_day_18": c("icpcs_late_by_day_18"),
            "children_on_plan_at_start": c("children_on_plan_at_start"),
            "children_on_plan_at_end": c("children_on_plan_at_end"),
            "plans_started": c("plans_started"),
            "plans_ended": c("plans_ended"),
            "strategy_discussions": strategy,
            "strategy_with_health_pct": pct(c("strategy_with_health"), strategy),
            "strategy_with_police_pct": pct(c("strategy_with_police"), strategy),
            "icpc_with_police_pct": pct(c("icpcs_with_police"), icpc_held),
            "icpc_health_knew_child_pct": pct(
                c("icpcs_health_knew_child"), c("icpcs_with_health_attendee")
            ),
            "reviews_held": reviews,
            "reviews_in_timescale_pct": pct(c("reviews_in_timescale"), reviews),
            "core_groups": core_groups,
            "core_groups_in_timescale_pct": pct(c("core_groups_in_timescale"), core_groups),
            "statutory_visits": visits,
            "visits_in_timescale_pct": pct(c("visits_in_timescale"), visits),
            "visits_seen_alone_pct": pct(c("visits_seen_alone"), visits),
            "s47_ended_without_icpc": c("s47s_ended_without_icpc"),
            "referrals": referrals,
            "re_referrals_12m": c("re_referrals"),
            "re_referrals_12m_pct": pct(c("re_referrals"), referrals),
            "re_referrals_after_step_down": c("re_referrals_after_step_down"),
            "plans_fully_owned_and_timed_pct": pct(
                c("plans_fully_owned_and_timed"), c("plans_open_at_end")
            ),
            "conferences_held": conferences,
            "reports_shared_in_advance_pct": pct(c("reports_shared_in_advance"), conferences),
            "open_alerts": c("open_alerts"),
        }


# Which grouped aggregate counts which population (see Measures.count).
GROUPED = {
    "_icpc_counts": {
        "icpcs_held",
        "icpcs_in_timescale",
        "icpcs_with_police",
        "icpcs_with_health_attendee",
        "icpcs_health_knew_child",
    },
    "_strategy_counts": {"strategy_discussions", "strategy_with_health", "strategy_with_police"},
    "_plan_counts": {
        "plans_open_at_start",
        "plans_open_at_end",
        "children_on_plan_at_start",
        "children_on_plan_at_end",
        "plans_started",
        "plans_ended",
    },
    "_conference_counts": {
        "conferences_held",
        "reports_shared_in_advance",
        "reviews_held",
        "reviews_in_timescale",
    },
    "_visit_counts": {"statutory_visits", "visits_seen_alone"},
}

# Drill-downs: the population behind each figure, and how to show its rows.
DRILLS = {
    "icpc_held": ("icpcs_held", "conference", "Initial conferences held"),
    "icpc_in_timescale": ("icpcs_in_timescale", "conference", "ICPCs within 15 working days"),
    "icpc_late": ("icpcs_late", "conference", "ICPCs after 15 working days"),
    "icpc_late_by_day_18": ("icpcs_late_by_day_18", "conference", "Late ICPCs held by day 18"),
    "children_on_plan_at_start": ("plans_open_at_start", "plan", "Children on a plan at the start"),
    "children_on_plan_at_end": ("plans_open_at_end", "plan", "Children on a plan at the end"),
    "plans_started": ("plans_started", "plan", "Plans started"),
    "plans_ended": ("plans_ended", "plan", "Plans ended"),
    "strategy_discussions": ("strategy_discussions", "strategy", "Strategy discussions"),
    "strategy_with_health": (
        "strategy_with_health",
        "strategy",
        "Strategy discussions with health",
    ),
    "strategy_with_police": (
        "strategy_with_police",
        "strategy",
        "Strategy discussions with police",
    ),
    "icpc_with_police": ("icpcs_with_police", "conference", "ICPCs with police"),
    "icpc_health_knew_child": (
        "icpcs_health_knew_child",
        "conference",
        "ICPCs where the health attendee knew the child",
    ),
    "reviews_held": ("reviews_held", "conference", "Review conferences held"),
    "reviews_in_timescale": ("reviews_in_timescale", "conference", "Reviews in timescale"),
    "core_groups": ("core_groups", "core_group", "Core groups held"),
    "core_groups_in_timescale": (
        "core_groups_in_timescale",
        "core_group",
        "Core groups in timescale",
    ),
    "statutory_visits": ("statutory_visits", "visit", "Statutory visits (child seen)"),
    "visits_in_timescale": ("visits_in_timescale", "visit", "Statutory visits in timescale"),
    "visits_seen_alone": ("visits_seen_alone", "visit", "Statutory visits, child seen alone"),
    "s47_ended_without_icpc": (
        "s47s_ended_without_icpc",
        "section47",
        "Section 47 enquiries ended without an ICPC",
    ),
    "referrals": ("referrals", "referral", "Referrals received"),
    "re_referrals_12m": ("re_referrals", "referral", "Re-referrals within 12 months"),
    "re_referrals_after_step_down": (
        "re_referrals_after_step_down",
        "referral",
        "Re-referrals after a step-down to early help",
    ),
    "plans_fully_owned_and_timed": (
        "plans_fully_owned_and_timed",
        "plan",
        "Plans with every action owned and timed",
    ),
    "conferences_held": ("conferences_held", "conference", "Conferences held"),
    "reports_shared_in_advance": (
        "reports_shared_in_advance",
        "conference",
        "Conferences with reports shared in advance",
    ),
    "open_alerts": ("open_alerts", "alert", "Open alerts"),
}


def teams_side_by_side(measures: Measures) -> list[dict]:
    """Key figures for every team, from the groups of an authority's (or some teams') by-team
    measures (the service dashboard): no queries of their own but the list of teams. Children
    allocated to no team have a row of their own when there are any, so that the rows add up
    to the scope's figures."""
    assert measures.by_team, "teams side by side needs Measures(..., by_team=True)"
    assert measures.scope.kind in ("authority", "team"), "teams side by side is by team"
    measures.summary()  # runs the grouped aggregates
    alerts = {
        row["responsible_team_id"]: row["n"] for row in measures.alerts_breakdown()["by_team"]
    }
    teams: list[Team | None] = list(Team.objects.order_by("name"))
    if measures.scope.kind == "team":
        teams = [t for t in teams if t.pk in measures.scope.team_ids]
    elif None in measures.team_counts or None in alerts:
        teams.append(None)
    rows = []
    for team in teams:
        key = team.pk if team else None
        n = measures.team_counts.get(key, {}).get
        rows.append(
            {
                "team": team,
                "icpc_held": n("icpcs_held", 0),
                "icpc_in_timescale_pct": pct(n("icpcs_in_timescale", 0), n("icpcs_held", 0)),
                "children_on_plan_at_end": n("children_on_plan_at_end", 0),
                "strategy_discussions": n("strategy_discussions", 0),
                "strategy_with_health_pct": pct(
                    n("strategy_with_health", 0), n("strategy_discussions", 0)
                ),
                "strategy_with_police_pct": pct(
                    n("strategy_with_police", 0), n("strategy_discussions", 0)
                ),
                "reviews_in_timescale_pct": pct(n("reviews_in_timescale", 0), n("reviews_held", 0)),
                "open_alerts": alerts.get(key, 0),
            }
        )
    return rows
