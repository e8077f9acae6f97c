"""A team's figures count the records of the children allocated to it at the time of each
event (the allocation history), so they do not change when a child later moves team.

Hand-worked dates: the child is allocated to Team A from Monday 5 January 2026; a referral is
received on Monday 2 March 2026 and the ICPC held on Tuesday 3 March 2026; on Wednesday
1 April 2026 the child moves to Team B, where a statutory visit follows on Thursday 2 April.
"""

import datetime

from cases.models import Allocation
from cases.services import child_allocate
from conferences.timeliness import refresh_timeliness
from dashboards.measures import Measures, Scope, teams_side_by_side
from tests.cases.factories import ReferralFactory, VisitFactory
from tests.conferences.factories import ConferenceFactory, PlanFactory
from tests.strategy.factories import london

D = datetime.date


def _moved_child(world):
    child = world.child
    Allocation.objects.create(
        child=child, team=world.team, worker=world.social_worker, start_date=D(2026, 1, 5)
    )
    ReferralFactory(child=child, received_at=london(2026, 3, 2, 10))
    ConferenceFactory(
        section47=None,
        child=child,
        status="held",
        held_on=D(2026, 3, 3),
        target_date=D(2026, 3, 10),
    )
    child_allocate(
        child=child,
        user=world.other_manager,
        team=world.other_team,
        worker=world.other_team_worker,
        start_date=D(2026, 4, 1),
        expected_version=child.version,
    )
    # The ICPC made a plan: the visit is a statutory one (stored as the pages would).
    PlanFactory(child=child, start_date=D(2026, 3, 3))
    VisitFactory(child=child, visit_date=D(2026, 4, 2))
    refresh_timeliness([child.pk])
    child.refresh_from_db()
    assert child.allocated_team == world.other_team
    return child


def _team(team, start, end):
    return Measures(Scope("team", team.name, (team.pk,)), start, end)


def test_a_teams_figures_stay_with_the_team_of_the_time(world):
    _moved_child(world)
    march_a = _team(world.team, D(2026, 3, 1), D(2026, 3, 31))
    march_b = _team(world.other_team, D(2026, 3, 1), D(2026, 3, 31))
    assert march_a.count("icpcs_held") == 1 and march_b.count("icpcs_held") == 0
    assert march_a.count("referrals") == 1 and march_b.count("referrals") == 0
    # The drill-down lists exactly the records counted.
    assert march_a.population("icpcs_held").count() == 1
    assert march_a.population("referrals").count() == 1
    april_a = _team(world.team, D(2026, 4, 1), D(2026, 4, 30))
    april_b = _team(world.other_team, D(2026, 4, 1), D(2026, 4, 30))
    assert april_a.count("statutory_visits") == 0
    assert april_b.count("statutory_visits") == 1


def test_the_teams_side_by_side_agree(world):
    _moved_child(world)
    m = Measures(Scope("authority", "All"), D(2026, 3, 1), D(2026, 3, 31), by_team=True)
    rows = {row["team"]: row for row in teams_side_by_side(m)}
    assert rows[world.team]["icpc_held"] == 1
    assert rows[world.other_team]["icpc_held"] == 0
    assert m.count("icpcs_held") == 1


def test_a_child_with_no_allocation_history_counts_for_their_team_now(world):
    ConferenceFactory(
        section47=None,
        child=world.child,
        status="held",
        held_on=D(2026, 3, 3),
        target_date=D(2026, 3, 10),
    )
    assert _team(world.team, D(2026, 3, 1), D(2026, 3, 31)).count("icpcs_held") == 1


def test_a_missing_episode_counts_for_the_team_of_the_time(world):
    """Missing on Monday 2 March 2026 (Team A); after the move on 1 April it stays Team A's."""
    from cases.models import MissingEpisode

    child = _moved_child(world)
    MissingEpisode.objects.create(
        child=child,
        started_at=london(2026, 3, 2, 18),
        ended_at=london(2026, 3, 3, 9),
        reported_to_police=True,
        recorded_by=world.social_worker,
    )
    assert _team(world.team, D(2026, 3, 1), D(2026, 3, 31)).count("missing_episodes") == 1
    assert _team(world.other_team, D(2026, 3, 1), D(2026, 3, 31)).count("missing_episodes") == 0
    m = Measures(Scope("authority", "All"), D(2026, 3, 1), D(2026, 3, 31), by_team=True)
    rows = {row["team"]: row for row in teams_side_by_side(m)}
    assert rows[world.team]["missing_episodes"] == 1
    assert rows[world.other_team]["missing_episodes"] == 0


def test_every_teams_row_is_its_own_dashboard_in_an_authority_where_children_moved(db):
    """The teams side by side join each record to the allocation in force on its day; a
    team's own dashboard asks, for its records, which team that was: over a synthetic
    authority where one child in five moved team, they agree on every figure of every team,
    and the rows add up to the authority's."""
    from accounts.models import Team
    from demo.synthetic import generate_authority

    as_of = D(2026, 11, 20)
    generate_authority(children=150, seed=5, as_of=as_of)
    assert Allocation.objects.filter(in_force_from__isnull=False).count() >= 10
    period = (as_of - datetime.timedelta(days=365), as_of)
    grouped = Measures(Scope("authority", "All"), *period, by_team=True)
    authority = grouped.summary()
    rows = {row["team"]: row for row in teams_side_by_side(grouped)}
    assert set(rows) == set(Team.objects.all())
    keys = [k for k in next(iter(rows.values())) if k not in ("team", "cells")]
    counted = [k for k in keys if isinstance(authority.get(k), int)]
    assert {"icpc_held", "referrals", "strategy_discussions"} <= set(counted)
    for team, row in rows.items():
        own = Measures(Scope("team", team.name, (team.pk,)), *period).summary()
        for key in keys:
            assert row[key] == own[key], (team.name, key)
    for key in counted:
        assert sum(row[key] for row in rows.values()) == authority[key], key
