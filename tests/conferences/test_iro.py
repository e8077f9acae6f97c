"""IRO caseloads: an IRO's own children, diary and reviews due; every IRO's caseload for
managers."""

import datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conferences.models import Conference
from tests.cases.factories import ChildFactory
from tests.conferences.diary_helpers import book, days_ago, expected, icpc_for, today
from tests.conferences.factories import ConferenceFactory, hold
from tests.personas import PERSONAS
from timescales.models import LocalPolicy

CASELOAD_READERS = {"iro", "other_iro", "team_manager", "other_manager", "senior_manager"}


@pytest.fixture
def policy(db):
    """The local policy, changed per test; the cached copy is dropped afterwards."""
    cache.delete(LocalPolicy.CACHE_KEY)
    yield LocalPolicy.current()
    cache.delete(LocalPolicy.CACHE_KEY)


@pytest.fixture
def booked(world):
    return book(icpc_for(world.child, strategy_on=days_ago(1)), chair=world.iro)


def _chaired_child(world, chair, *, with_plan=False):
    """A child with a requested conference chaired by `chair`, or (with_plan) whose initial
    conference `chair` held, making a plan."""
    child = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    conference = ConferenceFactory(
        section47=None,
        child=child,
        target_date=today() + datetime.timedelta(days=10),
        chair=chair,
        status="requested",
    )
    if with_plan:
        hold(conference, chair=chair, held_on=days_ago(1))
    return conference


@pytest.mark.parametrize("persona", PERSONAS)
def test_iro_caseload_permission_matrix(world, booked, login, persona):
    response = login(world.persona(persona)).get(reverse("conferences:iro-caseload"))
    assert response.status_code == expected(persona, CASELOAD_READERS)
    if response.status_code == 200:
        shows_child = world.child.full_name in response.content.decode()
        assert shows_child == (persona == "iro")


def test_an_iro_sees_their_children_and_upcoming_conferences(world, booked, login, policy):
    response = login(world.iro).get(reverse("conferences:iro-caseload"))
    assert response.context["children"] == [world.child]
    assert [c for c, _ in response.context["upcoming"]] == [booked]
    content = response.content.decode()
    assert "You chair conferences for 1 child (local limit 70)" in content
    assert reverse("conferences:detail", args=[booked.pk]) in content
    assert "Warning" not in content
    assert "caseloads" not in response.context  # not a manager


def test_an_iro_above_the_limit_is_warned(world, booked, login, policy):
    policy.iro_caseload_warning = 2
    policy.save()
    client = login(world.iro)
    _chaired_child(world, world.iro)
    assert (
        "Warning: your caseload is above the limit"
        not in client.get(reverse("conferences:iro-caseload")).content.decode()
    )  # 2 children: at the limit, not above it
    _chaired_child(world, world.iro)
    content = client.get(reverse("conferences:iro-caseload")).content.decode()
    assert "Warning: your caseload is above the limit" in content
    assert "You chair conferences for 3 children; the local warning level is 2" in content


def test_reviews_due_in_the_next_30_days_are_listed(world, login, policy):
    soon = icpc_for(world.child, strategy_on=days_ago(100))
    hold(soon, chair=world.iro, held_on=days_ago(80))  # first review due in about 10 days
    review_soon = Conference.objects.get(child=world.child, conference_type="review")
    later_child = ChildFactory(allocated_team=world.team)
    hold(icpc_for(later_child, strategy_on=days_ago(30)), chair=world.iro, held_on=days_ago(20))
    review_later = Conference.objects.get(child=later_child, conference_type="review")
    assert review_later.target_date > today() + datetime.timedelta(days=30)
    response = login(world.iro).get(reverse("conferences:iro-caseload"))
    reviews = [c for c, _ in response.context["reviews"]]
    assert reviews == [review_soon]
    assert "(no chair yet)" in response.content.decode()
    assert set(response.context["children"]) == {world.child, later_child}


def test_managers_see_every_iros_caseload_with_the_warning(world, booked, login, policy):
    policy.iro_caseload_warning = 1
    policy.save()
    _chaired_child(world, world.iro)
    response = login(world.team_manager).get(reverse("conferences:iro-caseload"))
    loads = {str(u): u.children for u in response.context["caseloads"]}
    assert loads == {str(world.iro): 2, str(world.other_iro): 0}
    content = response.content.decode()
    assert "Above the limit: 1 more than 1" in content
    assert "Within the limit" in content
    assert world.child.full_name not in content  # the table counts children, it does not list them


def test_caseload_page_runs_a_fixed_number_of_queries(
    world, login, policy, django_assert_max_num_queries
):
    for persona in ("iro", "senior_manager"):
        client = login(world.persona(persona))
        _chaired_child(world, world.iro)
        with CaptureQueriesContext(connection) as one:
            client.get(reverse("conferences:iro-caseload"))
        for i in range(29):
            _chaired_child(world, world.iro, with_plan=i % 2 == 0)
        with django_assert_max_num_queries(len(one)):
            response = client.get(reverse("conferences:iro-caseload"))
        assert response.status_code == 200
    assert len(response.context["caseloads"]) == 2
