"""Child protection plans: children on a plan, plans started and ended, actions owned and
timed, and core groups in timescale.

A plan is open on day d when it started on or before d and has not ended on or before d.
"""

from datetime import date, timedelta
from functools import cached_property

from django.db.models import DateField, Exists, ExpressionWrapper, F, OuterRef, Q, QuerySet, Window
from django.db.models.functions import Lag

from conferences.models import ChildProtectionPlan, CoreGroupMeeting, PlanAction
from timescales import rules as timescales
from timescales.calendar import longest_span
from timescales.models import LocalPolicy

from .base import Card, Column, figure, population


def open_on(day: str):
    """Plans open on the period's `start` or `end`."""

    def where(m) -> Q:
        d = getattr(m, day)
        return Q(start_date__lte=d) & (Q(end_date__isnull=True) | Q(end_date__gt=d))

    return where


population(
    "plans",
    kind="plan",
    # The children on a plan are counted for the team they were allocated to at the period's end.
    query=lambda m: ChildProtectionPlan.objects.filter(m.scope.children("child__", on=m.end)),
    on=lambda m: m.end,
)
population("plans_open_at_start", of="plans", where=open_on("start"))
population("plans_open_at_end", of="plans", where=open_on("end"))
population("children_on_plan_at_start", of="plans", where=open_on("start"), counts="child")
population("children_on_plan_at_end", of="plans", where=open_on("end"), counts="child")
population(
    "plans_started",
    of="plans",
    where=lambda m: Q(start_date__gte=m.start, start_date__lte=m.end),
)
population("plans_ended", of="plans", where=lambda m: Q(end_date__gte=m.start, end_date__lte=m.end))
# Open plans at the end of the period with at least one action, every one owned and timed.
population(
    "plans_fully_owned_and_timed",
    of="plans_open_at_end",
    where=Q(Exists(PlanAction.objects.filter(outcome__plan=OuterRef("pk"))))
    & ~Q(
        Exists(
            PlanAction.objects.filter(outcome__plan=OuterRef("pk")).filter(
                Q(owner="") | Q(timescale__isnull=True)
            )
        )
    ),
)

population(
    "core_groups",
    kind="core_group",
    query=lambda m: CoreGroupMeeting.objects.filter(
        m.scope.children("plan__child__", on="meeting_date"),
        meeting_date__gte=m.start,
        meeting_date__lte=m.end,
    ),
    team_key="plan__child__allocated_team_id",
    on="meeting_date",
)


class CoreGroupTimeliness:
    """Which core groups of the period were in timescale. Later ones are decided by the
    database (calendar weeks since the last); first ones (working days from the plan start)
    are checked against the working-day calendar here."""

    def __init__(self, m):
        self.m = m

    @cached_property
    def lagged(self) -> QuerySet[CoreGroupMeeting]:
        """Core groups up to the end of the period, and enough before it, each with the date of
        the one before it under the same plan. Filters on plain columns run before a window,
        so the period's own rows are picked out afterwards (by id, or in Python), never by a
        filter on this queryset: that would hide the meeting before the period. A meeting
        further back than the interval (or than a first core group can take) would make the
        next one late whichever it was, so older ones are not read."""
        m = self.m
        policy = LocalPolicy.current()
        reach = max(
            7 * policy.core_group_interval_weeks,
            longest_span(policy.first_core_group_working_days),
        )
        return CoreGroupMeeting.objects.filter(
            m.scope.children("plan__child__", on="meeting_date"),
            meeting_date__gte=m.start - timedelta(days=reach + 1),
            meeting_date__lte=m.end,
        ).annotate(
            previous=Window(
                Lag("meeting_date"),
                partition_by=[F("plan_id")],
                order_by=[F("meeting_date").asc(), F("pk").asc()],
            )
        )

    @cached_property
    def next_due(self) -> ExpressionWrapper:
        weeks = LocalPolicy.current().core_group_interval_weeks
        return ExpressionWrapper(F("previous") + timedelta(weeks=weeks), output_field=DateField())

    @property
    def sure(self) -> QuerySet[CoreGroupMeeting]:
        """Later core groups are in timescale when within 6 weeks (local) of the last one:
        calendar arithmetic the database can do."""
        return self.m.population("core_groups").filter(
            pk__in=self.lagged.filter(
                previous__isnull=False, meeting_date__lte=self.next_due
            ).values("pk")
        )

    @cached_property
    def undecided(self) -> list[tuple[int, date, date, date | None]]:
        """Core groups of the period not counted in timescale by the database: first ones
        (their timescale is in working days) and later ones after the interval (late)."""
        rows = (
            self.lagged.filter(
                # As for visits: the period's first day in both branches keeps it after the
                # window.
                Q(previous__isnull=True, meeting_date__gte=self.m.start)
                | Q(meeting_date__gt=self.next_due, meeting_date__gte=self.m.start)
            )
            .values_list("pk", "meeting_date", "plan__start_date", "previous")
            .order_by()
        )
        return list(rows)

    @cached_property
    def in_timescale_ids(self) -> list[int]:
        """First core groups: within 10 working days (local) of the plan start — the calendar
        of bank holidays lives in Python, so these few rows are checked here."""
        policy = LocalPolicy.current()
        return [
            pk
            for pk, held, plan_start, previous in self.undecided
            if previous is None and held <= timescales.first_core_group_due(plan_start, policy)
        ]

    def in_timescale(self) -> QuerySet[CoreGroupMeeting]:
        return CoreGroupMeeting.objects.filter(
            Q(pk__in=self.sure.values("pk")) | Q(pk__in=self.in_timescale_ids)
        )

    def count(self) -> int:
        """Every core group of the period but those the database left undecided, and of those
        the ones found in timescale here: no query over the ids."""
        decided = self.m.count("core_groups") - len(self.undecided)
        return decided + len(self.in_timescale_ids)


def _timeliness(m) -> CoreGroupTimeliness:
    return m.memo("core_group_timeliness", lambda: CoreGroupTimeliness(m))


population(
    "core_groups_in_timescale",
    kind="core_group",
    query=lambda m: _timeliness(m).in_timescale(),
    count=lambda m: _timeliness(m).count(),
)

figure(
    "children_on_plan_at_start",
    "Children on a plan at the start",
    "children_on_plan_at_start",
    drill="plans_open_at_start",
    card=Card("plans", 10, "On a plan at the start"),
)
figure(
    "children_on_plan_at_end",
    "Children on a plan at the end",
    "children_on_plan_at_end",
    drill="plans_open_at_end",
    card=Card("plans", 20, "On a plan at the end"),
    column=Column(30, "Children on a plan"),
)
figure("plans_started", "Plans started", "plans_started", card=Card("plans", 30, "Plans started"))
figure("plans_ended", "Plans ended", "plans_ended", card=Card("plans", 40, "Plans ended"))
figure(
    "plans_fully_owned_and_timed",
    "Plans with every action owned and timed",
    "plans_fully_owned_and_timed",
    of="plans_open_at_end",
    card=Card("plans", 50, "Plans with every action owned and timed"),
)
figure("core_groups", "Core groups held", "core_groups")
figure(
    "core_groups_in_timescale",
    "Core groups in timescale",
    "core_groups_in_timescale",
    of="core_groups",
    card=Card("multi", 50, "Core groups in timescale"),
)
