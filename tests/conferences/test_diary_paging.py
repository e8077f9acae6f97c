"""The diary is paged and filtered (issue 17): business support arrange every conference in
the authority, so each list comes a page at a time, in the same few queries for sixty
conferences or six hundred, and can be narrowed by date, type, chair and status."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Child
from cases.services import child_restrict
from conferences.models import Conference
from tests.accounts.factories import make_user
from tests.cases.factories import ChildFactory
from tests.conferences.diary_helpers import days_ago, today
from tests.conferences.factories import ConferenceFactory
from tests.strategy.factories import london

DIARY = reverse("conferences:diary")


def _conferences(world, n: int, *, chair=None, start: int = 0, **fields) -> list[Conference]:
    """n conferences of world.team's children, one a child, made in bulk; every third held
    three working days ago, the others booked for a target ten days ahead."""
    children = Child.objects.bulk_create(
        ChildFactory.build(
            allocated_team=world.team,
            allocated_worker=world.social_worker,
            la_child_id=f"DIARY{start + i:05d}",
        )
        for i in range(n)
    )
    chair = chair or world.iro
    booked_for = today() + datetime.timedelta(days=8)

    def one(i: int, child: Child) -> Conference:
        values = {
            "section47": None,
            "child": child,
            "conference_type": "review",
            "target_date": today() + datetime.timedelta(days=10),
            "chair": chair,
            "venue": "Room 1",
            "scheduled_for": london(booked_for.year, booked_for.month, booked_for.day, 10),
            **(
                {"status": "held", "held_on": days_ago(3)}
                if i % 3 == 0
                else {"status": "scheduled"}
            ),
            **fields,
        }
        return ConferenceFactory.build(**values)

    return Conference.objects.bulk_create(one(i, child) for i, child in enumerate(children))


def _listed(response) -> list[int]:
    return [c.pk for table in response.context["tables"] for c, *_ in table["rows"]]


def test_each_list_of_the_diary_is_paged_on_its_own(world, login):
    made = _conferences(world, 180)  # 120 upcoming, 60 held
    client = login(world.business_support)
    response = client.get(DIARY)
    upcoming, held = response.context["tables"]
    assert (len(upcoming["rows"]), upcoming["page"].paginator.count) == (50, 120)
    assert (len(held["rows"]), held["page"].paginator.count) == (50, 60)
    content = response.content.decode()
    assert '<nav class="no-print" aria-label="Pagination: upcoming conferences">' in content
    assert 'aria-label="Pagination: conferences held in the last three months"' in content
    assert 'href="?upcoming_page=2"' in content and 'href="?held_page=2"' in content
    # The second page of one list leaves the other where it was.
    second = client.get(DIARY, {"upcoming_page": 3, "held_page": 2}).context["tables"]
    assert (second[0]["page"].number, len(second[0]["rows"])) == (3, 20)
    assert (second[1]["page"].number, len(second[1]["rows"])) == (2, 10)
    seen = {
        pk
        for page in (1, 2, 3)
        for pk in _listed(client.get(DIARY, {"upcoming_page": page, "held_page": page}))
    }
    assert seen == {c.pk for c in made}


@pytest.mark.parametrize("persona", ["business_support", "social_worker", "iro"])
def test_a_diary_page_costs_the_same_queries_for_60_or_600_conferences(
    world, login, persona, django_assert_max_num_queries
):
    client = login(world.persona(persona))
    _conferences(world, 60)
    with CaptureQueriesContext(connection) as sixty:
        assert len(_listed(client.get(DIARY, {"show": "all"}))) == 60
    _conferences(world, 540, start=60)
    with django_assert_max_num_queries(len(sixty)):
        response = client.get(DIARY, {"show": "all", "upcoming_page": 5, "held_page": 2})
    assert [t["page"].paginator.count for t in response.context["tables"]] == [400, 200]
    assert len(_listed(response)) == 100


def test_a_filtered_page_keeps_its_filters_in_the_page_links(world, login):
    _conferences(world, 90)
    response = login(world.business_support).get(DIARY, {"status": "scheduled"})
    (table,) = response.context["tables"]
    assert table["page"].paginator.count == 60
    assert 'href="?status=scheduled&amp;page=2"' in response.content.decode()


def test_the_diary_filters_by_chair_and_date(world, login):
    theirs = _conferences(world, 3, chair=world.other_iro)
    mine = _conferences(world, 3, start=3)
    early = ConferenceFactory(
        section47=None,
        child=ChildFactory(allocated_team=world.team),
        conference_type="review",
        target_date=today() + datetime.timedelta(days=40),
    )
    client = login(world.business_support)
    by_chair = _listed(client.get(DIARY, {"chair": world.other_iro.pk}))
    assert sorted(by_chair) == sorted(c.pk for c in theirs)
    # The date range: held on, booked for, or (not yet booked) the target date.
    week = {"date_from": days_ago(5).isoformat(), "date_to": today().isoformat()}
    held = {c.pk for c in theirs + mine if c.status == "held"}
    assert set(_listed(client.get(DIARY, week))) == held
    later = today() + datetime.timedelta(days=8)
    booked = _listed(client.get(DIARY, {"date_from": later.isoformat(), "date_to": later}))
    assert set(booked) == {c.pk for c in theirs + mine if c.status == "scheduled"}
    unbooked = today() + datetime.timedelta(days=40)
    assert _listed(client.get(DIARY, {"date_from": unbooked, "date_to": unbooked})) == [early.pk]
    # Held long ago: found by a date range, though not among the recent ones.
    old = _conferences(world, 1, start=9, held_on=days_ago(200), status="held")[0]
    assert old.pk not in _listed(client.get(DIARY))
    assert old.pk in _listed(client.get(DIARY, {"date_from": days_ago(201).isoformat()}))


@pytest.mark.parametrize(
    "params, message",
    [
        ({"date_from": "31/02/2026"}, "Enter a valid date."),
        ({"date_from": "2026-03-02", "date_to": "2026-03-01"}, "must not be before its start"),
        ({"chair": "999999"}, "Select a valid choice."),
        ({"upcoming_page": "-1", "held_page": "abc"}, None),
    ],
)
def test_a_bad_filter_is_said_on_the_form_and_left_out(world, login, params, message):
    _conferences(world, 3, conference_type="initial")
    response = login(world.business_support).get(DIARY, {**params, "conference_type": "initial"})
    assert response.status_code == 200
    content = response.content.decode()
    if message:
        assert message in content and "There is a problem with a filter" in content
    # The other filters still apply.
    assert len(_listed(response)) == 3


def test_a_restricted_childs_conference_is_listed_masked_on_every_page(world, login):
    made = _conferences(world, 75)
    secret = made[-1].child  # upcoming, on the second page of the upcoming list
    Child.objects.filter(pk=secret.pk).update(last_name="Quorndon-Secret")
    secret.refresh_from_db()
    child_restrict(child=secret, user=world.team_manager, restricted=True, people=[world.iro])
    client = login(world.business_support)
    content = client.get(DIARY, {"upcoming_page": 2}).content.decode()
    assert "Restricted record" in content
    assert secret.last_name not in content and secret.la_child_id not in content
    assert reverse("conferences:detail", args=[made[-1].pk]) not in content


def test_a_conference_out_of_reach_is_on_no_page(world, login):
    stranger = ChildFactory(allocated_team=world.other_team)
    hidden = ConferenceFactory(
        section47=None, child=stranger, target_date=today() + datetime.timedelta(days=5)
    )
    _conferences(world, 150)  # 100 upcoming, 50 held
    worker = login(make_user("Social worker", team=world.team, username="sw_extra"))
    pages = [worker.get(DIARY, {"upcoming_page": n}) for n in (1, 2)]
    assert all(hidden.pk not in _listed(page) for page in pages)
    assert [t["page"].paginator.count for t in pages[0].context["tables"]] == [100, 50]
