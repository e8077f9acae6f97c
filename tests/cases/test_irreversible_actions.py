"""Irreversible actions ask first, on a page of their own that needs no JavaScript (issue 23
item 4): closing an episode, approving minutes, requesting an ICPC (held by
tests/strategy/test_views.py::test_social_worker_path_referral_to_icpc_request)."""

from django.urls import reverse

from conferences.models import Conference
from tests.cases.factories import ReferralFactory
from tests.conferences.diary_helpers import days_ago, icpc_for
from tests.conferences.factories import hold
from tests.strategy.factories import london

CLOSE = {"closure_date": "2026-10-21", "closure_reason": "RC8", "primary_need": "N1"}


def _decided(world):
    return ReferralFactory(
        child=world.child,
        decision="nfa",
        decided_by=world.team_manager,
        decided_at=london(2026, 10, 1, 15, 0),
        received_at=london(2026, 10, 1, 9, 0),
    )


def test_closing_an_episode_asks_first_and_closes_only_when_confirmed(world, login):
    referral = _decided(world)
    client = login(world.social_worker)
    url = reverse("cases:referral-close", args=[world.child.pk, referral.pk])
    data = {**CLOSE, "version": referral.version}
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Close the episode?" in html and "Yes, close the episode" in html
    assert 'name="confirm" value="yes"' in html
    assert 'name="closure_reason" value="RC8"' in html  # carried to the confirmation
    referral.refresh_from_db()
    assert referral.closure_date is None
    response = client.post(url, {**data, "confirm": "yes"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert str(referral.closure_date) == "2026-10-21"


def test_a_closure_with_errors_is_not_asked_to_be_confirmed(world, login):
    referral = _decided(world)
    response = login(world.social_worker).post(
        reverse("cases:referral-close", args=[world.child.pk, referral.pk]),
        {**CLOSE, "closure_reason": "", "version": referral.version},
    )
    html = response.content.decode()
    assert "Close the episode?" not in html and "There is a problem" in html


def test_approving_minutes_asks_first(world, login):
    conference = icpc_for(world.child, strategy_on=days_ago(30))
    held = hold(conference, chair=world.iro, held_on=days_ago(2), minutes="Draft minutes.")
    client = login(world.iro)
    url = reverse("conferences:minutes-approve", args=[held.pk])
    response = client.post(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Approve the minutes?" in html and "Draft minutes." in html
    assert Conference.objects.get(pk=held.pk).minutes_approved_at is None
    assert client.post(url, {"confirm": "yes"}).status_code == 302
    assert Conference.objects.get(pk=held.pk).minutes_approved_by == world.iro
