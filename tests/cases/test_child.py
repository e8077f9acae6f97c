"""Registering and editing a child: national data items validated on entry; fixed query counts."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Allocation, Child
from cases.validators import nhs_number_is_valid, upn_is_valid
from tests.cases.factories import (
    CaseNoteFactory,
    ChildFactory,
    ReferralFactory,
    VisitFactory,
)


def _child_post(**overrides):
    data = {
        "first_name": "Ivy",
        "last_name": "Examplefield",
        "date_of_birth": "2019-04-02",
        "sex": "F",
        "ethnicity": "WBRI",
        "disabilities": ["NONE"],
        "upn_unknown_reason": "UN2",
        "first_language": "English",
    }
    data.update(overrides)
    return data


def test_social_worker_registers_a_child_allocated_to_them(world, login):
    response = login(world.social_worker).post(reverse("cases:child-create"), _child_post())
    child = Child.objects.get(last_name="Examplefield")
    assert response.status_code == 302
    assert child.allocated_worker == world.social_worker
    assert child.allocated_team == world.team
    assert len(child.la_child_id) <= 20 and child.la_child_id.isalnum()
    assert Allocation.objects.get(child=child).worker == world.social_worker


@pytest.mark.parametrize(
    "overrides, field_message",
    [
        ({"date_of_birth": "2099-01-01"}, "The date of birth cannot be in the future."),
        ({"disabilities": ["NONE", "MOB"]}, "cannot be chosen together with a disability"),
        ({"nhs_number": "1234567890"}, "This is not a valid NHS number"),
        ({"upn": "G801200100001", "upn_unknown_reason": ""}, "not a valid unique pupil number"),
        ({"date_of_birth": "", "expected_date_of_birth": ""}, "Give the date of birth"),
        ({"date_of_death": "2018-01-01"}, "The date of death cannot be before the date of birth."),
    ],
)
def test_invalid_child_details_are_refused_with_a_clear_message(
    world, login, overrides, field_message
):
    response = login(world.social_worker).post(
        reverse("cases:child-create"), _child_post(**overrides)
    )
    assert response.status_code == 200
    assert field_message in response.content.decode()
    assert not Child.objects.filter(last_name="Examplefield").exists()


def test_nhs_number_and_upn_check_digits():
    assert nhs_number_is_valid("9434765919")  # the NHS's published example number
    assert not nhs_number_is_valid("9434765918")
    # Check letter: characters 2-13 weighted 2..13, summed, mod 23, mapped to A-Z less I O S.
    assert upn_is_valid("F801200100001")
    assert not upn_is_valid("G801200100001")


def test_edit_is_audited_and_a_stale_edit_refused(world, login):
    from auditlog.models import LogEntry

    child = world.child
    client = login(world.social_worker)
    url = reverse("cases:child-edit", args=[child.pk])
    data = _child_post(
        first_name=child.first_name,
        last_name=child.last_name,
        date_of_birth=child.date_of_birth.isoformat(),
        version=child.version,
        known_as="Bee",
    )
    assert client.post(url, data).status_code == 302
    child.refresh_from_db()
    assert child.known_as == "Bee"
    entry = LogEntry.objects.get_for_object(child).filter(action=LogEntry.Action.UPDATE).latest()
    assert entry.actor == world.social_worker
    assert "known_as" in entry.changes_dict
    stale = client.post(url, {**data, "known_as": "Bumble"})  # still the old version
    assert "Someone else saved this record" in stale.content.decode()
    child.refresh_from_db()
    assert child.known_as == "Bee"


def _many_records(child, n):
    for i in range(n):
        VisitFactory(child=child, visit_date=datetime.date(2026, 10, 1) + datetime.timedelta(i))
        CaseNoteFactory(child=child, author=child.allocated_worker, is_significant=True)
    ReferralFactory(child=child)


def _summary_queries(client, child):
    """The queries the child's summary runs, and the response."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("cases:child-detail", args=[child.pk]))
    return len(queries), response


def test_child_page_runs_a_fixed_number_of_queries(world, login):
    client = login(world.social_worker)
    small = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    _many_records(small, 1)
    _many_records(world.child, 30)
    few, _ = _summary_queries(client, small)
    many, response = _summary_queries(client, world.child)
    assert response.status_code == 200
    assert many == few


def test_child_list_runs_a_fixed_number_of_queries(world, login):
    client = login(world.team_manager)
    ChildFactory(allocated_team=world.team)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("cases:child-list"))
    for _ in range(40):
        ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("cases:child-list"))
    assert response.status_code == 200
    assert len(many) == len(few)


def _plans_and_conferences(child, n):
    """A current plan, `n` ended ones and `n` conferences, each from its own s47."""
    from tests.conferences.factories import ConferenceFactory, PlanFactory
    from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory

    PlanFactory(child=child, start_date=datetime.date(2026, 6, 1))
    for i in range(n):
        PlanFactory(
            child=child,
            start_date=datetime.date(2010 + i, 1, 1),
            end_date=datetime.date(2010 + i, 6, 1),
            end_next_step="nfi",
        )
        referral = ReferralFactory(child=child)
        s47 = Section47Factory(
            strategy_discussion=StrategyDiscussionFactory(child=child, referral=referral),
            completion_date=datetime.date(2010 + i, 1, 1),
        )
        ConferenceFactory(section47=s47)


def test_child_page_queries_do_not_grow_with_plans_and_conferences(world, login):
    client = login(world.social_worker)
    small = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    _plans_and_conferences(small, 1)
    _plans_and_conferences(world.child, 12)
    client.get(reverse("cases:child-detail", args=[small.pk]))  # warm the session and caches
    few, _ = _summary_queries(client, small)
    many, response = _summary_queries(client, world.child)
    assert response.status_code == 200
    assert response.context["summary"]["plan"] is not None
    assert many == few
