"""Responses a browser must not keep, and bad input that must not become a server error."""

import datetime

import pytest
from django.urls import reverse

from tests.cases.factories import ReferralFactory
from tests.conferences.factories import ConferenceFactory
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london

# --- Cache-Control ----------------------------------------------------------------------------


def _assert_not_stored(response):
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Pragma"] == "no-cache"


def test_a_childs_page_is_not_stored_by_the_browser(world, login):
    response = login(world.social_worker).get(reverse("cases:child-detail", args=[world.child.pk]))
    _assert_not_stored(response)


def test_the_child_list_is_not_stored_by_the_browser(world, login):
    _assert_not_stored(login(world.social_worker).get(reverse("cases:child-list")))


def test_a_drill_down_csv_is_not_stored_by_the_browser(world, login):
    referral = ReferralFactory(child=world.child, received_at=london(2018, 8, 21))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2018, 8, 22, 14))
    ConferenceFactory(
        section47=Section47Factory(strategy_discussion=discussion),
        status="held",
        held_on=datetime.date(2018, 9, 13),
    )
    response = login(world.senior_manager).get(
        reverse("dashboards:drill", args=["icpc_held"]),
        {"from": "2018-09-01", "to": "2018-09-30", "format": "csv"},
    )
    assert response["Content-Type"].startswith("text/csv")
    _assert_not_stored(response)


def test_the_annex_a_export_is_not_stored_by_the_browser(world, login):
    response = login(world.senior_manager).get(
        reverse("reporting:annex-a-download"), {"as_of": "2026-03-31"}
    )
    _assert_not_stored(response)


def test_the_login_page_is_not_stored_by_the_browser(client, db):
    _assert_not_stored(client.get(reverse("accounts:login")))


def test_a_static_file_stays_cacheable(world, login):
    response = login(world.social_worker).get("/static/css/site.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")
    assert "Pragma" not in response


# --- Bad input: 400 or a form message, never 500 ----------------------------------------------


@pytest.mark.parametrize(
    "path, query",
    [
        ("/children/", {"q": "\x00"}),
        ("/tasks/", {"rule": "\x00"}),
        ("/children/", {"q\x00": "x"}),
    ],
    ids=["child search", "task rule", "parameter name"],
)
def test_a_nul_byte_in_the_query_string_is_a_bad_request(world, login, path, query):
    response = login(world.team_manager).get(path, query)
    assert response.status_code == 400


def test_a_nul_byte_in_the_public_feedback_link_is_a_bad_request(client, db):
    response = client.get("/feedback/%00/")
    assert response.status_code == 400


def test_a_strategy_discussion_following_no_number_is_a_bad_request(world, login):
    ReferralFactory(child=world.child)
    url = reverse("strategy:discussion-add", args=[world.child.pk])
    response = login(world.social_worker).get(url, {"enquiry": "x"})
    assert response.status_code == 400


def test_an_overlong_username_on_the_admin_login_is_a_form_message(client, db):
    response = client.post(reverse("admin:login"), {"username": "a" * 300, "password": "whatever"})
    assert response.status_code == 200
    assert "Ensure this value has at most 150 characters" in response.content.decode()
