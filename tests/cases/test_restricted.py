"""Restricted records: only the people named may open them; others see only that one exists."""

import datetime

import pytest
from django.urls import reverse

from cases.access import children_for_user
from cases.models import Child
from cases.services import child_restrict
from monitoring.services import timescales_scan
from tests.cases.factories import ReferralFactory
from tests.conferences.factories import ConferenceFactory
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london


@pytest.fixture
def restricted(world):
    child_restrict(
        child=world.child,
        user=world.team_manager,
        restricted=True,
        people=[world.social_worker],
    )
    return world.child


def test_only_named_people_see_a_restricted_record(world, restricted):
    assert restricted in children_for_user(world.social_worker)
    for persona in ("same_team_worker", "team_manager", "senior_manager", "other_team_worker"):
        assert restricted not in children_for_user(world.persona(persona)), persona


def test_team_members_are_told_whom_to_ask(world, restricted, login):
    response = login(world.same_team_worker).get(
        reverse("cases:child-detail", args=[restricted.pk])
    )
    assert response.status_code == 404
    content = response.content.decode()
    assert "This record is restricted. To see it, ask:" in content
    assert str(world.social_worker) in content
    assert restricted.last_name not in content
    manager = login(world.team_manager).get(reverse("cases:chronology", args=[restricted.pk]))
    assert manager.status_code == 404
    assert "restricted" in manager.content.decode()


def test_others_get_a_plain_404(world, restricted, login):
    response = login(world.other_team_worker).get(
        reverse("cases:child-detail", args=[restricted.pk])
    )
    assert response.status_code == 404
    assert "restricted" not in response.content.decode().lower()


def test_hidden_from_lists_and_search_but_counted(world, restricted, login):
    client = login(world.same_team_worker)
    listing = client.get(reverse("cases:child-list")).content.decode()
    assert restricted.last_name not in listing
    assert "1 restricted record in your work is not shown" in listing
    search = client.get(reverse("cases:child-list"), {"q": restricted.la_child_id})
    assert f"<td>{restricted.la_child_id}</td>" not in search.content.decode()
    named = login(world.social_worker).get(reverse("cases:child-list")).content.decode()
    assert restricted.last_name in named


@pytest.fixture
def icpc(world, restricted):
    referral = ReferralFactory(child=restricted, received_at=london(2018, 8, 21))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2018, 8, 22, 14))
    return ConferenceFactory(
        section47=Section47Factory(strategy_discussion=discussion),
        status="held",
        held_on=datetime.date(2018, 9, 13),
    )


def test_dashboard_drill_down_counts_but_does_not_name(world, icpc, login):
    params = {"from": "2018-09-01", "to": "2018-09-30"}
    url = reverse("dashboards:drill", args=["icpc_held"])
    content = login(world.team_manager).get(url, params).content.decode()
    assert "1 record" in content
    assert "Restricted record" in content
    assert world.child.last_name not in content
    assert world.child.la_child_id not in content
    csv = login(world.senior_manager).get(url, {**params, "format": "csv"}).getvalue().decode()
    assert world.child.la_child_id not in csv and "Restricted record" in csv


def test_my_tasks_does_not_name_a_restricted_child(world, restricted, login):
    ReferralFactory(child=restricted, received_at=london(2026, 11, 2, 9))
    timescales_scan(as_of=datetime.date(2026, 11, 10))
    content = login(world.team_manager).get(reverse("monitoring:my-tasks")).content.decode()
    assert "Referral decision" in content
    assert "Restricted record" in content
    assert restricted.last_name not in content


def test_returns_count_restricted_records_but_user_lists_do_not(world, restricted):
    """A statutory return counts every child; a user's own lists leave restricted ones out."""
    from cases.access import children_for_returns
    from reporting.annex_a import annex_a_build

    ReferralFactory(child=restricted, received_at=london(2026, 10, 1, 9))
    lists = annex_a_build(
        as_of=datetime.date(2026, 11, 20), children=children_for_returns(world.senior_manager)
    )
    assert restricted.la_child_id in repr(lists)
    assert restricted not in children_for_user(world.senior_manager)


def test_manager_restricts_and_must_name_someone(world, login):
    client = login(world.team_manager)
    url = reverse("cases:child-restriction", args=[world.child.pk])
    response = client.post(url, {"is_restricted": "on"})
    assert "Name at least one person" in response.content.decode()
    world.child.refresh_from_db()
    assert not world.child.is_restricted
    client.post(url, {"is_restricted": "on", "restricted_to": [world.team_manager.pk]})
    world.child.refresh_from_db()
    assert world.child.is_restricted
    assert list(world.child.restricted_to.all()) == [world.team_manager]
    assert (
        login(world.social_worker)
        .get(reverse("cases:child-detail", args=[world.child.pk]))
        .status_code
        == 404
    )


def test_conference_diary_does_not_name_a_restricted_child(world, icpc, login):
    # A name no generated user can have: the page also shows the signed-in user's name.
    Child.objects.filter(pk=world.child.pk).update(last_name="Quillfeatherstone")
    world.child.refresh_from_db()
    for persona in ("business_support", "senior_manager"):
        content = (
            login(world.persona(persona))
            .get(reverse("conferences:diary"), {"status": "held"})
            .content.decode()
        )
        assert "Restricted record" in content, persona
        assert world.child.last_name not in content, persona
