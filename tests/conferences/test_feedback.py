"""Feedback: paper forms, one-time links that reveal nothing, and the summary."""

import datetime

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conferences.models import FeedbackInvitation, FeedbackResponse
from tests.cases.factories import ChildFactory, FamilyMemberFactory
from tests.conferences.diary_helpers import book, days_ago, expected, icpc_for
from tests.conferences.factories import hold
from tests.personas import PERSONAS

STAFF = {"social_worker", "same_team_worker", "team_manager", "iro", "business_support"}
SUMMARY_READERS = {"iro", "other_iro", "team_manager", "other_manager", "senior_manager"}


@pytest.fixture
def held(world):
    conference = icpc_for(world.child, strategy_on=days_ago(30))
    conference.venue = "Room 9, Civic Centre"
    return hold(conference, chair=world.iro, held_on=days_ago(2))


def _paper(**overrides):
    data = {
        "action": "paper",
        "paper-respondent_type": "parent",
        "paper-listened_to": "4",
        "paper-understood": "3",
        "paper-prepared": "2",
        "paper-comments": "The chair explained things clearly.",
    }
    data.update(overrides)
    return data


def _link_for(world, conference, login, respondent_type="parent") -> str:
    client = login(world.social_worker)
    url = reverse("conferences:feedback", args=[conference.pk])
    response = client.post(
        url, {"action": "invite", "invite-respondent_type": respondent_type}, follow=True
    )
    return response.context["link"]["url"]


# --- Permissions -------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", PERSONAS)
def test_feedback_page_permission_matrix(world, held, login, persona):
    response = login(world.persona(persona)).get(reverse("conferences:feedback", args=[held.pk]))
    assert response.status_code == expected(persona, STAFF)


@pytest.mark.parametrize("persona", PERSONAS)
def test_paper_feedback_post_permission_matrix(world, held, login, persona):
    response = login(world.persona(persona)).post(
        reverse("conferences:feedback", args=[held.pk]), _paper()
    )
    assert response.status_code == expected(persona, STAFF, ok=302)
    assert FeedbackResponse.objects.filter(conference=held).exists() == (persona in STAFF)


@pytest.mark.parametrize("persona", PERSONAS)
def test_feedback_link_post_permission_matrix(world, held, login, persona):
    response = login(world.persona(persona)).post(
        reverse("conferences:feedback", args=[held.pk]),
        {"action": "invite", "invite-respondent_type": "professional"},
    )
    assert response.status_code == expected(persona, STAFF, ok=302)
    assert FeedbackInvitation.objects.filter(conference=held).exists() == (persona in STAFF)


@pytest.mark.parametrize("persona", PERSONAS)
def test_feedback_summary_permission_matrix(world, login, persona):
    response = login(world.persona(persona)).get(reverse("conferences:feedback-summary"))
    assert response.status_code == expected(persona, SUMMARY_READERS)


# --- Recording feedback ------------------------------------------------------------------------


def test_paper_feedback_is_recorded_with_its_scores(world, held, login):
    response = login(world.business_support).post(
        reverse("conferences:feedback", args=[held.pk]), _paper()
    )
    assert response.status_code == 302
    saved = FeedbackResponse.objects.get(conference=held)
    assert (saved.listened_to, saved.understood, saved.prepared) == (4, 3, 2)
    assert saved.via == "paper"
    assert saved.respondent_type == "parent"


def test_scores_must_be_between_one_and_five(world, held, login):
    response = login(world.business_support).post(
        reverse("conferences:feedback", args=[held.pk]), _paper(**{"paper-prepared": "6"})
    )
    assert response.status_code == 200
    assert "prepared" in response.context["paper"].errors
    assert not FeedbackResponse.objects.exists()


def test_feedback_is_asked_for_only_after_the_conference(world, login):
    conference = book(icpc_for(world.child, strategy_on=days_ago(1)), chair=world.iro)
    client = login(world.social_worker)
    url = reverse("conferences:feedback", args=[conference.pk])
    assert "after the conference has been held" in client.get(url).content.decode()
    client.post(url, {"action": "invite", "invite-respondent_type": "parent"})
    client.post(url, _paper())
    assert not FeedbackInvitation.objects.exists()
    assert not FeedbackResponse.objects.exists()


def test_a_feedback_link_is_shown_once_as_an_absolute_url(world, held, login):
    client = login(world.social_worker)
    url = reverse("conferences:feedback", args=[held.pk])
    response = client.post(
        url, {"action": "invite", "invite-respondent_type": "parent"}, follow=True
    )
    invitation = FeedbackInvitation.objects.get(conference=held)
    link = f"http://testserver/feedback/{invitation.token}/"
    assert response.context["link"]["url"] == link
    assert link in response.content.decode()
    assert invitation.created_by == world.social_worker
    assert invitation.respondent_type == "parent"
    again = client.get(url).content.decode()
    assert invitation.token not in again
    assert "Waiting for a reply" in again


# --- The public page ---------------------------------------------------------------------------


def test_the_public_page_reveals_no_case_data(world, held, login):
    mother = FamilyMemberFactory(child=world.child, first_name="Marigold")
    link = _link_for(world, held, login)
    anonymous = Client()
    response = anonymous.get(link)
    assert response.status_code == 200
    content = response.content.decode()
    assert "a recent child protection conference" in content
    when = held.held_on
    secrets = [
        world.child.first_name,
        world.child.last_name,
        world.child.la_child_id,
        mother.first_name,
        str(world.iro),
        world.iro.last_name,
        world.social_worker.last_name,
        "Civic Centre",
        f"{when:%-d %b %Y}",
        f"{when:%d/%m/%Y}",
        when.isoformat(),
        f"{held.target_date:%-d %b %Y}",
    ]
    for secret in secrets:
        assert secret not in content, secret
    assert "Cache-Control" in response.headers and "no-store" in response.headers["Cache-Control"]


def test_a_feedback_link_works_once(world, held, login):
    link = _link_for(world, held, login, respondent_type="professional")
    anonymous = Client()
    answers = {"listened_to": "5", "understood": "4", "prepared": "3", "comments": "Helpful."}
    response = anonymous.post(link, answers)
    assert response.status_code == 200
    assert "Thank you for your feedback" in response.content.decode()
    saved = FeedbackResponse.objects.get(conference=held)
    assert (saved.listened_to, saved.understood, saved.prepared) == (5, 4, 3)
    assert saved.via == "link" and saved.respondent_type == "professional"
    assert FeedbackInvitation.objects.get(conference=held).used_at is not None

    for method in (anonymous.get, lambda url: anonymous.post(url, answers)):
        again = method(link)
        assert again.status_code == 410
        assert "This link has expired or has already been used" in again.content.decode()
    assert FeedbackResponse.objects.count() == 1


def test_an_expired_link_is_refused(world, held, login):
    link = _link_for(world, held, login)
    FeedbackInvitation.objects.update(expires_at=timezone.now() - datetime.timedelta(minutes=1))
    anonymous = Client()
    response = anonymous.get(link)
    assert response.status_code == 410
    content = response.content.decode()
    assert "This link has expired or has already been used" in content
    assert world.child.last_name not in content
    response = anonymous.post(link, {"listened_to": "5", "understood": "5", "prepared": "5"})
    assert response.status_code == 410
    assert not FeedbackResponse.objects.exists()


def test_an_unknown_link_is_not_found_and_says_the_same(db):
    response = Client().get(reverse("conferences:feedback-public", args=["not-a-real-token"]))
    assert response.status_code == 404
    assert "This link has expired or has already been used" in response.content.decode()


def test_the_public_form_needs_all_three_scores(world, held, login):
    link = _link_for(world, held, login)
    response = Client().post(link, {"listened_to": "5", "understood": "4"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert not FeedbackResponse.objects.exists()
    assert FeedbackInvitation.objects.get().used_at is None


# --- The summary -------------------------------------------------------------------------------


@pytest.fixture
def scored(world, held):
    """A hand-made set: three responses on world.iro's conference, one on other_iro's."""
    other = hold(
        icpc_for(ChildFactory(allocated_team=world.other_team), strategy_on=days_ago(30)),
        chair=world.other_iro,
        held_on=days_ago(2),
    )
    for conference, kind, scores in [
        (held, "parent", (5, 4, 3)),
        (held, "parent", (3, 4, 1)),
        (held, "professional", (4, 4, 4)),
        (other, "parent", (1, 2, 3)),
    ]:
        FeedbackResponse.objects.create(
            conference=conference,
            respondent_type=kind,
            via="paper",
            listened_to=scores[0],
            understood=scores[1],
            prepared=scores[2],
        )
    return held, other


def _scores(row):
    return (row.count, row.avg_listened_to, row.avg_understood, row.avg_prepared)


def test_summary_averages_overall_per_iro_and_by_respondent_type(world, scored, login):
    response = login(world.senior_manager).get(reverse("conferences:feedback-summary"))
    overall = response.context["overall"]
    assert _scores(overall.by_type["parent"]) == (3, 3.0, 3.33, 2.33)
    assert _scores(overall.by_type["professional"]) == (1, 4.0, 4.0, 4.0)
    assert _scores(overall.total) == (4, 3.25, 3.5, 2.75)
    per_chair = {t.title: t for t in response.context["per_chair"]}
    assert set(per_chair) == {str(world.iro), str(world.other_iro)}
    mine = per_chair[str(world.iro)]
    assert _scores(mine.by_type["parent"]) == (2, 4.0, 4.0, 2.0)
    assert _scores(mine.total) == (3, 4.0, 4.0, 2.67)
    assert _scores(per_chair[str(world.other_iro)].total) == (1, 1.0, 2.0, 3.0)
    content = response.content.decode()
    assert "3.25" in content and "2.75" in content and "2.67" in content


def test_an_iro_sees_only_their_own_feedback(world, scored, login):
    response = login(world.iro).get(reverse("conferences:feedback-summary"))
    assert _scores(response.context["overall"].total) == (3, 4.0, 4.0, 2.67)
    assert str(world.other_iro) not in response.content.decode()


def test_summary_is_one_aggregate_query(world, scored, login):
    client = login(world.team_manager)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("conferences:feedback-summary"))
    assert response.status_code == 200
    feedback_queries = [q for q in queries if "conferences_feedbackresponse" in q["sql"]]
    assert len(feedback_queries) == 1
    assert "GROUP BY" in feedback_queries[0]["sql"]
