"""Child protection plans: children on a plan, plans started and ended, actions owned and
timed, and core groups in timescale.

A plan is open on day d when it started on or before d and has not ended on or before d.
"""

from django.db.models import Exists, OuterRef, Q

from conferences.models import ChildProtectionPlan, CoreGroupMeeting, PlanAction

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


# Each core group's timeliness is stored when it is recorded (conferences.timeliness).
population("core_groups_in_timescale", of="core_groups", where=Q(in_timescale=True))

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
