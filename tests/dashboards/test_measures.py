"""Each measure on a small data set whose answer is worked out by hand."""

import datetime
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from conferences.models import ConferenceParticipant, CoreGroupMeeting
from conferences.timeliness import refresh_timeliness
from dashboards.figures import FIGURES, POPULATIONS
from dashboards.measures import Measures, Scope
from tests.accounts.factories import UserFactory
from tests.cases.factories import ChildFactory, ReferralFactory, VisitFactory
from tests.conferences.factories import ConferenceFactory, PlanFactory
from tests.documents.helpers import share_report
from tests.strategy.factories import (
    ParticipantFactory,
    Section47Factory,
    StrategyDiscussionFactory,
    full_participation,
    london,
)

D = datetime.date
AUTHORITY = Scope("authority", "Whole authority")


def measures(start, end, scope=AUTHORITY):
    # Visits and core groups made by the factories: store their timeliness as recording them
    # through the pages does (the evaluation after the save commits).
    refresh_timeliness()
    return Measures(scope, start, end)


def _icpc(child, held):
    referral = ReferralFactory(child=child, received_at=london(2018, 8, 21))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2018, 8, 22, 14))
    enquiry = Section47Factory(strategy_discussion=discussion)
    return ConferenceFactory(section47=enquiry, status="held", held_on=held)


@pytest.fixture
def icpcs(world):
    # Strategy discussion Wed 22 Aug 2018; 27 Aug a bank holiday: target Thu 13 Sep, day 18 is
    # Tue 18 Sep.
    team_child = world.child
    return [
        _icpc(team_child, D(2018, 9, 13)),  # on the target date: in timescale
        _icpc(ChildFactory(allocated_team=world.team), D(2018, 9, 18)),  # late, by day 18
        _icpc(ChildFactory(allocated_team=world.other_team), D(2018, 9, 19)),  # late, after 18
    ]


def test_icpc_timeliness_by_hand(icpcs):
    summary = measures(D(2018, 9, 1), D(2018, 9, 30)).summary()
    assert summary["icpc_held"] == 3
    assert summary["icpc_in_timescale"] == 1
    assert summary["icpc_in_timescale_pct"] == 33.3
    assert summary["icpc_late_by_day_18"] == 1


def test_team_scope_counts_only_the_team(world, icpcs):
    team = Scope("team", "Team A", (world.team.pk,))
    summary = measures(D(2018, 9, 1), D(2018, 9, 30), team).summary()
    assert summary["icpc_held"] == 2
    assert summary["icpc_in_timescale_pct"] == 50.0


def test_icpc_police_and_health_who_knew_the_child(icpcs):
    first, second, third = icpcs
    ConferenceParticipant.objects.create(
        conference=first, kind="agency", agency="police", name="DC", status="sent_report"
    )
    ConferenceParticipant.objects.create(
        conference=first,
        kind="agency",
        agency="health",
        name="HV",
        status="attended",
        knows_child=True,
    )
    ConferenceParticipant.objects.create(
        conference=second,
        kind="agency",
        agency="health",
        name="GP",
        status="attended",
        knows_child=False,
    )
    summary = measures(D(2018, 9, 1), D(2018, 9, 30)).summary()
    assert summary["icpc_with_police_pct"] == 33.3
    assert summary["icpc_health_knew_child_pct"] == 50.0


def test_children_on_plan_at_the_boundaries(db):
    ends_on_start = PlanFactory(
        start_date=D(2018, 1, 1), end_date=D(2018, 9, 1), end_next_step="cin_plan"
    )
    starts_on_end = PlanFactory(start_date=D(2018, 9, 30))
    twice = ChildFactory()
    PlanFactory(
        child=twice, start_date=D(2018, 1, 1), end_date=D(2018, 6, 1), end_next_step="cin_plan"
    )
    PlanFactory(child=twice, start_date=D(2018, 6, 1))
    m = measures(D(2018, 9, 1), D(2018, 9, 30))
    summary = m.summary()
    # Open on 1 Sep: not the plan that ended that day; the second plan of `twice`.
    assert summary["children_on_plan_at_start"] == 1
    # Open on 30 Sep: the plan that started that day, and `twice`'s second plan.
    assert summary["children_on_plan_at_end"] == 2
    assert summary["plans_started"] == 1
    assert summary["plans_ended"] == 1
    assert set(m.population("plans_open_at_end").values_list("child_id", flat=True)) == {
        starts_on_end.child_id,
        twice.pk,
    }
    assert ends_on_start.child_id not in set(
        m.population("plans_open_at_start").values_list("child_id", flat=True)
    )
    trend = m.plan_trend()
    assert trend[-1] == {"date": D(2018, 9, 30), "children": 2}


def test_strategy_discussions_with_health_and_police(db):
    for health, police in [
        ("attended", "attended"),
        ("information", None),
        ("attended", "attended"),
        (None, None),
    ]:
        discussion = StrategyDiscussionFactory(
            referral=ReferralFactory(received_at=london(2026, 10, 5)),
            held_at=london(2026, 10, 6),
        )
        full_participation(discussion, health=health, police=police)
    summary = measures(D(2026, 10, 1), D(2026, 10, 31)).summary()
    assert summary["strategy_discussions"] == 4
    # Health took part in two; in one it sent information only: reported apart.
    assert summary["strategy_with_health_pct"] == 50.0
    assert summary["strategy_health_information_only_pct"] == 25.0
    assert summary["strategy_with_police_pct"] == 50.0


def test_health_that_took_part_and_sent_information_counts_as_taking_part(db):
    discussion = StrategyDiscussionFactory(
        referral=ReferralFactory(received_at=london(2026, 10, 5)), held_at=london(2026, 10, 6)
    )
    full_participation(discussion, health="information")
    ParticipantFactory(discussion=discussion, agency="health", health_service="midwife")
    summary = measures(D(2026, 10, 1), D(2026, 10, 31)).summary()
    assert summary["strategy_with_health_pct"] == 100.0
    assert summary["strategy_health_information_only_pct"] == 0.0


def test_reviews_in_timescale(db):
    plan = PlanFactory(start_date=D(2026, 3, 2))
    for held in (D(2026, 6, 2), D(2026, 6, 3)):
        ConferenceFactory(
            child=plan.child,
            section47=None,
            plan=plan,
            conference_type="review",
            target_date=D(2026, 6, 2),
            status="held",
            held_on=held,
        )
    assert measures(D(2026, 6, 1), D(2026, 6, 30)).summary()["reviews_in_timescale_pct"] == 50.0


def test_core_groups_in_timescale_across_christmas(db):
    plan = PlanFactory(start_date=D(2026, 12, 17))  # first core group due Tue 5 Jan 2027
    user = UserFactory()
    for day in (D(2027, 1, 5), D(2027, 2, 20)):  # second is 4 days after the 6 weeks
        CoreGroupMeeting.objects.create(
            plan=plan, meeting_date=day, attendees="x", recorded_by=user
        )
    m = measures(D(2027, 1, 1), D(2027, 2, 28))
    assert m.summary()["core_groups_in_timescale_pct"] == 50.0
    assert list(
        m.population("core_groups_in_timescale").values_list("meeting_date", flat=True)
    ) == [D(2027, 1, 5)]


def test_statutory_visits_in_timescale_and_seen_alone(db):
    plan = PlanFactory(start_date=D(2026, 11, 2))
    VisitFactory(child=plan.child, visit_date=D(2026, 11, 16))  # 10th working day: in time
    VisitFactory(child=plan.child, visit_date=D(2026, 12, 4), seen_alone=False)  # late
    VisitFactory(child=plan.child, visit_date=D(2026, 12, 10))  # 4 working days later: in time
    summary = measures(D(2026, 11, 1), D(2026, 12, 31)).summary()
    assert summary["statutory_visits"] == 3
    assert summary["visits_in_timescale_pct"] == 66.7
    assert summary["visits_seen_alone_pct"] == 66.7


def test_a_fortnight_after_a_weekend_visit_is_late(db):
    """From Sunday 1 Nov 2026, the 10th working day is Friday 13 Nov: a visit on Sunday 15 Nov,
    a fortnight later, is out of timescale."""
    plan = PlanFactory(start_date=D(2026, 10, 1))
    VisitFactory(child=plan.child, visit_date=D(2026, 11, 1))
    VisitFactory(child=plan.child, visit_date=D(2026, 11, 15))
    m = measures(D(2026, 11, 2), D(2026, 11, 30))
    assert m.summary()["visits_in_timescale_pct"] == 0.0
    assert not m.population("visits_in_timescale").exists()


def test_visits_over_christmas_get_the_bank_holidays(db):
    """From Friday 22 Dec 2023 (25 and 26 Dec, 1 Jan bank holidays) the 10th working day is
    Wednesday 10 Jan 2024: a visit on Tuesday 9 Jan is in time, one on Thursday 11 Jan is not."""
    for later in (D(2024, 1, 9), D(2024, 1, 11)):
        plan = PlanFactory(start_date=D(2023, 12, 1))
        VisitFactory(child=plan.child, visit_date=D(2023, 12, 22))
        VisitFactory(child=plan.child, visit_date=later)
    m = measures(D(2024, 1, 1), D(2024, 1, 31))
    assert m.summary()["visits_in_timescale_pct"] == 50.0
    assert list(m.population("visits_in_timescale").values_list("visit_date", flat=True)) == [
        D(2024, 1, 9)
    ]


def test_visit_timeliness_follows_a_local_policy_of_five_working_days(db):
    from timescales.models import LocalPolicy

    policy = LocalPolicy.current()
    policy.statutory_visit_working_days = 5
    policy.save()
    plan = PlanFactory(start_date=D(2026, 10, 1))
    for day in (D(2026, 11, 2), D(2026, 11, 9), D(2026, 11, 18)):  # Mon, Mon (5th), Wed (7th)
        VisitFactory(child=plan.child, visit_date=day)
    m = measures(D(2026, 11, 3), D(2026, 11, 30))
    assert m.summary()["visits_in_timescale_pct"] == 50.0
    assert list(m.population("visits_in_timescale").values_list("visit_date", flat=True)) == [
        D(2026, 11, 9)
    ]


def test_timeliness_at_the_start_of_the_period_counts_from_the_visit_before_it(db):
    """The first visit and core group of a period are measured from the last one before the
    period began, not from the start of the plan."""
    plan = PlanFactory(start_date=D(2026, 6, 1))
    VisitFactory(child=plan.child, visit_date=D(2026, 10, 26))  # before the period
    VisitFactory(child=plan.child, visit_date=D(2026, 11, 3))  # 6 working days later: in time
    VisitFactory(child=plan.child, visit_date=D(2026, 11, 30))  # 19 working days later: late
    user = UserFactory()
    for day in (D(2026, 10, 1), D(2026, 11, 5), D(2026, 12, 31)):  # 5 weeks, then 8 weeks
        CoreGroupMeeting.objects.create(
            plan=plan, meeting_date=day, attendees="x", recorded_by=user
        )
    m = measures(D(2026, 11, 1), D(2026, 12, 31))
    summary = m.summary()
    assert summary["statutory_visits"] == 2
    assert summary["visits_in_timescale_pct"] == 50.0
    assert list(m.population("visits_in_timescale").values_list("visit_date", flat=True)) == [
        D(2026, 11, 3)
    ]
    assert summary["core_groups"] == 2
    assert summary["core_groups_in_timescale_pct"] == 50.0
    assert list(
        m.population("core_groups_in_timescale").values_list("meeting_date", flat=True)
    ) == [D(2026, 11, 5)]


def test_re_referrals_within_12_months(db):
    """Referrals in October 2026. Child A: referred Mon 1 Sep 2025, stepped down Mon 3 Nov 2025,
    referred again Mon 12 Oct 2026: more than 12 months after the referral (not a DfE
    re-referral) but within 12 months of the step-down (the local measure). Child B: referred
    Wed 15 Oct 2025, closed Fri 31 Oct 2025, again Thu 15 Oct 2026 (the same date a year on:
    within 12 months of the referral, a DfE re-referral; and of the closure). Child C: a first
    referral."""
    child = ChildFactory()
    ReferralFactory(
        child=child,
        received_at=london(2025, 9, 1),
        decision="assessment",
        closure_date=D(2025, 11, 3),
        closure_reason="RC9",
        stepped_down_to_early_help=True,
    )
    ReferralFactory(child=child, received_at=london(2026, 10, 12))
    other = ChildFactory()
    ReferralFactory(
        child=other,
        received_at=london(2025, 10, 15),
        decision="nfa",
        closure_date=D(2025, 10, 31),
        closure_reason="RC8",
    )
    again = ReferralFactory(child=other, received_at=london(2026, 10, 15))
    ReferralFactory(received_at=london(2026, 10, 14))
    m = measures(D(2026, 10, 1), D(2026, 10, 31))
    summary = m.summary()
    assert summary["referrals"] == 3
    assert summary["rereferrals_within_12_months"] == 1
    assert summary["rereferrals_within_12_months_pct"] == 33.3
    assert list(m.population("rereferrals_within_12_months").values_list("pk", flat=True)) == [
        again.pk
    ]
    assert summary["rereferrals_after_closure"] == 2
    assert summary["rereferrals_after_closure_pct"] == 66.7
    assert summary["re_referrals_after_step_down"] == 1


def test_a_referral_a_day_more_than_12_months_after_the_last_is_not_a_rereferral(db):
    child = ChildFactory()
    ReferralFactory(child=child, received_at=london(2025, 10, 14), closure_date=D(2025, 10, 20))
    ReferralFactory(child=child, received_at=london(2026, 10, 15))
    summary = measures(D(2026, 10, 1), D(2026, 10, 31)).summary()
    assert summary["rereferrals_within_12_months"] == 0
    assert summary["rereferrals_after_closure"] == 1


def test_a_percentage_with_nothing_to_count_is_null(db):
    summary = measures(D(2026, 1, 1), D(2026, 1, 31)).summary()
    for key in (
        "icpc_in_timescale_pct",
        "strategy_with_health_pct",
        "icpc_with_police_pct",
        "reviews_in_timescale_pct",
        "core_groups_in_timescale_pct",
        "visits_in_timescale_pct",
        "rereferrals_within_12_months_pct",
        "rereferrals_after_closure_pct",
    ):
        assert summary[key] is None, key
    assert summary["icpc_held"] == 0


REQUIRED_KEYS = {
    "icpc_held",
    "icpc_in_timescale",
    "icpc_in_timescale_pct",
    "icpc_late_by_day_18",
    "children_on_plan_at_start",
    "children_on_plan_at_end",
    "strategy_discussions",
    "strategy_with_health_pct",
    "icpc_with_police_pct",
    "reviews_in_timescale_pct",
    "core_groups_in_timescale_pct",
    "visits_in_timescale_pct",
    "rereferrals_within_12_months_pct",
    "rereferrals_after_closure_pct",
    "open_alerts",
}


def test_json_command_and_dashboard_agree(world, icpcs, login):
    out = StringIO()
    call_command("cp_metrics", "--from", "2018-09-01", "--to", "2018-09-30", "--json", stdout=out)
    from_command = json.loads(out.getvalue())
    assert set(from_command) >= REQUIRED_KEYS
    client = login(world.senior_manager)
    from_endpoint = client.get(
        reverse("dashboards:metrics-json"), {"from": "2018-09-01", "to": "2018-09-30"}
    ).json()
    assert from_endpoint == {**from_command, "scope": from_endpoint["scope"]}
    page = client.get(
        reverse("dashboards:service"), {"from": "2018-09-01", "to": "2018-09-30"}
    ).content.decode()
    assert "33.3%" in page
    assert f'?from=2018-09-01&amp;to=2018-09-30">{from_command["icpc_held"]}</a>' in page


@pytest.mark.parametrize("key", sorted(FIGURES))
def test_every_drill_down_lists_exactly_the_records_counted(world, icpcs, login, key):
    m = measures(D(2018, 9, 1), D(2018, 9, 30))
    attribute = FIGURES[key].listed
    expected = sorted(m.population(attribute).values_list("pk", flat=True))
    response = login(world.senior_manager).get(
        reverse("dashboards:drill", args=[key]),
        {"from": "2018-09-01", "to": "2018-09-30", "format": "csv"},
    )
    assert response.status_code == 200
    lines = response.getvalue().decode().strip().splitlines()
    assert len(lines) - 1 == len(expected) == m.count(attribute)


def test_drill_down_names_the_children(world, icpcs, login):
    content = (
        login(world.senior_manager)
        .get(
            reverse("dashboards:drill", args=["icpc_in_timescale"]),
            {"from": "2018-09-01", "to": "2018-09-30"},
        )
        .content.decode()
    )
    assert world.child.la_child_id in content
    assert "1 record" in content


def test_every_count_agrees_with_its_population(world, icpcs):
    """The grouped aggregates behind the headline figures count the same rows as the drill-downs."""
    plan = PlanFactory(child=world.child, start_date=D(2018, 9, 14))
    VisitFactory(child=world.child, visit_date=D(2018, 9, 20))
    review = ConferenceFactory(
        child=world.child,
        section47=None,
        plan=plan,
        conference_type="review",
        target_date=D(2018, 9, 20),
        status="held",
        held_on=D(2018, 9, 21),
    )
    share_report(review, D(2018, 9, 19))
    m = measures(D(2018, 9, 1), D(2018, 9, 30))
    names = {f.listed for f in FIGURES.values()} | {
        "icpcs_with_health_attendee",
        "plans_open_at_start",
    }
    # Every declared population, the drill-downs' and the rest (denominators, children).
    assert names <= set(POPULATIONS)
    for name, population in sorted(POPULATIONS.items()):
        fresh = measures(D(2018, 9, 1), D(2018, 9, 30)).population(name)
        if population.counts != "pk":
            fresh = fresh.values(population.counts).distinct()
        assert m.count(name) == fresh.count(), name


def test_teams_side_by_side_agree_with_each_team_and_sum_to_the_authority(world, icpcs, login):
    """The service dashboard's team rows come from the authority's queries grouped by team:
    each row is what that team's own dashboard says, and the groups (with children allocated
    to no team) add up to the authority's figures."""
    from dashboards.measures import teams_side_by_side

    unallocated = ChildFactory(allocated_team=None)
    _icpc(unallocated, D(2018, 9, 12))
    plan = PlanFactory(child=world.child, start_date=D(2018, 9, 14))
    PlanFactory(child=unallocated, start_date=D(2018, 9, 14))
    ConferenceFactory(
        child=world.child,
        section47=None,
        plan=plan,
        conference_type="review",
        target_date=D(2018, 9, 20),
        status="held",
        held_on=D(2018, 9, 21),
    )
    period = (D(2018, 9, 1), D(2018, 9, 30))
    plain = Measures(AUTHORITY, *period).summary()
    grouped = Measures(AUTHORITY, *period, by_team=True)
    assert grouped.summary() == plain
    assert plain["icpc_held"] == 4  # three in the fixture (two teams) and the unallocated one
    rows = {row["team"].pk if row["team"] else None: row for row in teams_side_by_side(grouped)}
    assert rows.pop(None)["icpc_held"] == 1  # the unallocated child's row
    assert rows[world.team.pk]["icpc_held"] == 2
    assert rows[world.team.pk]["icpc_in_timescale_pct"] == 50.0
    assert rows[world.other_team.pk]["icpc_held"] == 1
    assert rows[world.other_team.pk]["icpc_in_timescale_pct"] == 0.0
    assert rows[world.team.pk]["children_on_plan_at_end"] == 1
    assert rows[world.team.pk]["reviews_in_timescale_pct"] == 0.0
    for team_id, row in rows.items():
        team = Measures(Scope("team", "", (team_id,)), *period).summary()
        for key in (
            "icpc_held",
            "icpc_in_timescale_pct",
            "children_on_plan_at_end",
            "strategy_discussions",
            "strategy_with_health_pct",
            "strategy_with_police_pct",
            "reviews_in_timescale_pct",
            "open_alerts",
        ):
            assert row[key] == team[key], (team_id, key)
    assert sum(row["icpc_held"] for row in rows.values()) + 1 == plain["icpc_held"]
    page = login(world.senior_manager).get(
        reverse("dashboards:service"), {"from": "2018-09-01", "to": "2018-09-30"}
    )
    assert page.context["summary"] == plain
    assert '<th scope="row">No allocated team</th>' in page.content.decode()
    by_iro = login(world.senior_manager).get(
        reverse("dashboards:service"),
        {"from": "2018-09-01", "to": "2018-09-30", "iro": world.iro.pk},
    )
    assert by_iro.status_code == 200 and by_iro.context["teams"] is None  # not by team


def test_service_dashboard_filtered_to_a_team_shows_that_team_alone(world, icpcs, login):
    page = login(world.senior_manager).get(
        reverse("dashboards:service"),
        {"from": "2018-09-01", "to": "2018-09-30", "team": world.other_team.pk},
    )
    rows = page.context["teams"]
    assert [row["team"].pk for row in rows] == [world.other_team.pk]
    assert rows[0]["icpc_held"] == 1 == page.context["summary"]["icpc_held"]


def _alert(child, rule, worker, team, n):
    from monitoring.models import Alert

    return Alert.objects.create(
        rule=rule,
        subject_key=f"test:{rule}:{n}",
        child=child,
        status="open",
        responsible_worker=worker,
        responsible_team=team,
        first_found_at=london(2026, 11, 2),
        last_found_at=london(2026, 11, 2),
    )


def test_alert_breakdowns_name_the_rule_and_link_to_exactly_their_alerts(world, login):
    """By rule and by worker, each count links to the open alerts it counts; the rule is named
    as social workers know it, not by its code."""
    from monitoring.rules import RULES_BY_CODE

    for n in range(3):
        _alert(world.child, "STATUTORY_VISIT", world.social_worker, world.team, n)
    _alert(world.child, "PLAN_ACTION", None, world.team, 9)
    client = login(world.senior_manager)
    period = {"from": "2026-11-01", "to": "2026-11-30"}
    page = client.get(reverse("dashboards:service"), period).content.decode()
    title = RULES_BY_CODE["STATUTORY_VISIT"].title
    assert f'<th scope="row">{title}</th>' in page
    assert "STATUTORY_VISIT</th>" not in page
    assert "rule=STATUTORY_VISIT" in page and "worker=none" in page
    drill = reverse("dashboards:drill", args=["open_alerts"])

    def listed(**extra):
        response = client.get(drill, {**period, **extra, "format": "csv"})
        assert response.status_code == 200
        return response.getvalue().decode().strip().splitlines()[1:]

    by_rule = listed(rule="STATUTORY_VISIT")
    assert len(by_rule) == 3 and all(title in line for line in by_rule)
    assert len(listed(worker=world.social_worker.pk)) == 3
    assert len(listed(worker="none")) == 1
    assert len(listed(rule="PLAN_ACTION", worker=world.social_worker.pk)) == 0
    assert len(listed(team=world.team.pk)) == 4
    assert len(listed(team=world.other_team.pk)) == 0
    html = client.get(drill, {**period, "rule": "STATUTORY_VISIT"}).content.decode()
    assert f"Open alerts: {title}" in html
    assert "rule=STATUTORY_VISIT" in html  # the CSV link keeps the narrowing
    assert client.get(drill, {**period, "rule": "NO_SUCH_RULE"}).status_code == 404
    assert client.get(drill, {**period, "worker": "someone"}).status_code == 404


def test_team_rows_link_to_the_records_they_count(world, icpcs, login):
    client = login(world.senior_manager)
    period = {"from": "2018-09-01", "to": "2018-09-30"}
    page = client.get(reverse("dashboards:service"), period)
    for row in page.context["teams"]:
        link = row["query"].replace("&", "&amp;")
        assert f'?{link}">{row["icpc_held"]}</a>' in page.content.decode()
        response = client.get(
            reverse("dashboards:drill", args=["icpc_held"]), {**period, "team": row["team"].pk}
        )
        assert len(response.context["rows"]) == row["icpc_held"]
