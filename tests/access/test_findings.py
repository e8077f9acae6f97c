"""The leaks found by the "one door" review, each reproduced: a record the user may not see is
absent from every channel, and a restricted record is masked for everyone not named on it."""

import datetime

import pytest
from django.core import mail
from django.urls import reverse

from cases.models import Child
from cases.services import child_restrict
from conferences.models import Conference
from monitoring.models import Alert
from monitoring.notifications import digests_send
from monitoring.services import timescales_scan
from tests.cases.factories import ChildFactory, ReferralFactory
from tests.conferences.factories import ActionFactory, ConferenceFactory, PlanFactory, hold
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london

D = datetime.date
# A surname no generated person can have: pages also name the signed-in user.
HIDDEN = "Quillfeatherstone"


@pytest.fixture
def restricted(world):
    Child.objects.filter(pk=world.child.pk).update(last_name=HIDDEN)
    world.child.refresh_from_db()
    child_restrict(
        child=world.child, user=world.team_manager, restricted=True, people=[world.social_worker]
    )
    return world.child


def test_digest_does_not_carry_a_restricted_childs_alert_text(world, restricted):
    """A same-team worker not named on the restriction gets no case content by email."""
    plan = PlanFactory(child=restricted, start_date=D(2026, 6, 1))
    ActionFactory(
        outcome__plan=plan, action="Secret action wording Zanzibar", timescale=D(2026, 7, 1)
    )
    world.same_team_worker.email = "sw2@example.invalid"
    world.same_team_worker.save()
    timescales_scan(as_of=D(2026, 11, 10))
    assert Alert.objects.filter(child=restricted).exists()
    digests_send(day=D(2026, 11, 10))
    bodies = [m.body for m in mail.outbox if m.to == ["sw2@example.invalid"]]
    for body in bodies:
        assert "Zanzibar" not in body
        assert restricted.la_child_id not in body
        assert "Restricted record" in body


@pytest.fixture
def other_teams_icpc(world):
    """A child of the other team whose ICPC `iro` chaired."""
    child = ChildFactory(
        allocated_team=world.other_team, allocated_worker=world.other_team_worker, last_name=HIDDEN
    )
    referral = ReferralFactory(child=child, received_at=london(2018, 8, 21))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2018, 8, 22, 14))
    conference = ConferenceFactory(section47=Section47Factory(strategy_discussion=discussion))
    hold(conference, chair=world.iro, held_on=D(2018, 9, 13))
    return child


def test_a_manager_cannot_list_another_teams_children_through_an_iros_drill_down(
    world, other_teams_icpc, login
):
    client = login(world.team_manager)
    params = {"from": "2018-09-01", "to": "2018-09-30", "iro": world.iro.pk}
    url = reverse("dashboards:drill", args=["icpc_held"])
    page = client.get(url, params)
    assert page.status_code == 404
    assert HIDDEN not in page.content.decode()
    csv = client.get(url, {**params, "format": "csv"})
    assert csv.status_code == 404
    assert other_teams_icpc.la_child_id not in csv.getvalue().decode()
    # The IRO and senior managers still see the IRO's figures.
    assert login(world.iro).get(url, params).status_code == 200
    assert login(world.senior_manager).get(url, params).status_code == 200


@pytest.fixture
def restricted_conference(world, restricted):
    referral = ReferralFactory(child=restricted, received_at=london(2026, 10, 1))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2026, 10, 2, 14))
    conference = ConferenceFactory(section47=Section47Factory(strategy_discussion=discussion))
    Conference.objects.filter(pk=conference.pk).update(chair=world.iro)
    conference.refresh_from_db()
    return conference


CONFERENCE_PAGES = [
    "conferences:detail",
    "conferences:schedule",
    "conferences:participants",
    "conferences:reports-shared",
    "conferences:outcome",
    "conferences:feedback",
]


@pytest.mark.parametrize("name", CONFERENCE_PAGES)
@pytest.mark.parametrize("persona", ["business_support", "senior_manager", "iro"])
def test_a_restricted_childs_conference_pages_are_closed_to_those_not_named(
    world, restricted_conference, login, persona, name
):
    response = login(world.persona(persona)).get(reverse(name, args=[restricted_conference.pk]))
    assert response.status_code == 404
    content = response.content.decode()
    assert HIDDEN not in content
    assert restricted_conference.child.date_of_birth.strftime("%-d %b %Y") not in content


def test_the_chair_not_named_cannot_save_minutes(world, restricted_conference, login):
    client = login(world.iro)
    url = reverse("conferences:minutes-approve", args=[restricted_conference.pk])
    assert client.post(url).status_code == 404
    restricted_conference.refresh_from_db()
    assert restricted_conference.minutes_approved_at is None


def test_iro_caseload_page_does_not_name_a_restricted_child(world, restricted_conference, login):
    content = login(world.iro).get(reverse("conferences:iro-caseload")).content.decode()
    assert HIDDEN not in content
    assert "Restricted record" in content


def test_statutory_returns_count_restricted_children(world, restricted, login):
    from cases.access import children_for_returns
    from reporting.annex_a import annex_a_build

    ReferralFactory(child=restricted, received_at=london(2026, 10, 1, 9))
    lists = annex_a_build(
        as_of=D(2026, 11, 20), children=children_for_returns(world.senior_manager)
    )
    assert restricted.la_child_id in repr(lists)
    xlsx = login(world.senior_manager).get(
        reverse("reporting:annex-a-download"), {"as_of": "2026-11-20"}
    )
    assert xlsx.status_code == 200
    # Nobody else produces a return.
    for persona in ("team_manager", "social_worker", "administrator", "iro"):
        assert (
            login(world.persona(persona))
            .get(reverse("reporting:annex-a-download"), {"as_of": "2026-11-20"})
            .status_code
            == 404
        )
