"""The chair's record of the conference (issue 23 item 9): dissent (who, from what, why), the
parents' views, the analysis of risk under the Signs of Safety headings; and the core group the
plan starts with."""

import pytest
from django.urls import reverse

from conferences.models import ChildProtectionPlan, ConferenceDissent, ConferenceParticipant
from people.models import Person
from tests.cases.factories import FamilyMemberFactory
from tests.conferences.diary_helpers import book, days_ago, held_day, icpc_for
from tests.conferences.test_chairing import _outcome_post


@pytest.fixture
def booked(world):
    conference = icpc_for(world.child, strategy_on=days_ago(1))
    return book(conference, chair=world.iro)


def outcome_url(conference) -> str:
    return reverse("conferences:outcome", args=[conference.pk])


def dissent_rows(*rows: dict, initial: int = 0) -> dict:
    data = {
        "dissent-TOTAL_FORMS": str(len(rows)),
        "dissent-INITIAL_FORMS": str(initial),
        "dissent-MIN_NUM_FORMS": "0",
        "dissent-MAX_NUM_FORMS": "1000",
    }
    for n, row in enumerate(rows):
        for key, value in row.items():
            data[f"dissent-{n}-{key}"] = value
    return data


RISK = {
    "parents_views": "Mum agrees there is a problem; Dad says the house is fine.",
    "worries": "Ruby has missed 20 school days and has lost weight.",
    "working_well": "Nan collects Ruby twice a week and cooks for her.",
    "needs_to_happen": "Ruby is in school every day and eats a hot meal each evening.",
}


def test_the_outcome_records_dissent_the_parents_views_and_the_analysis_of_risk(
    world, login, booked
):
    client = login(world.iro)
    page = client.get(outcome_url(booked)).content.decode()
    for label in (
        "The parents&#x27; views",
        "What are we worried about?",
        "What is working well?",
        "What needs to happen?",
        "Who dissented",
    ):
        assert label in page, label
    data = _outcome_post(booked, **RISK)
    data.update(
        dissent_rows(
            {"who": "Pat Teacher, school", "from_what": "category", "why": "She sees abuse."},
        )
    )
    response = client.post(outcome_url(booked), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    booked.refresh_from_db()
    assert booked.worries == RISK["worries"] and booked.parents_views == RISK["parents_views"]
    assert booked.working_well == RISK["working_well"]
    assert booked.needs_to_happen == RISK["needs_to_happen"]
    dissent = booked.dissents.get()
    assert (dissent.who, dissent.from_what, dissent.why) == (
        "Pat Teacher, school",
        "category",
        "She sees abuse.",
    )
    detail = client.get(reverse("conferences:detail", args=[booked.pk])).content.decode()
    assert "Pat Teacher, school</strong> disagreed with the category of abuse" in detail
    assert "Nan collects Ruby" in detail and "Dad says the house is fine" in detail


def test_an_empty_dissent_row_is_left_out(world, login, booked):
    data = _outcome_post(booked)
    data.update(dissent_rows({"who": "", "from_what": "", "why": ""}))
    response = login(world.iro).post(outcome_url(booked), data)
    assert response.status_code == 302
    assert not ConferenceDissent.objects.exists()


def test_a_half_written_dissent_is_refused_and_nothing_recorded(world, login, booked):
    data = _outcome_post(booked)
    data.update(dissent_rows({"who": "Pat Teacher", "from_what": "", "why": ""}))
    response = login(world.iro).post(outcome_url(booked), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Say what they disagreed with." in html
    assert "Say why they disagreed" in html
    assert "There is a problem" in html
    booked.refresh_from_db()
    assert booked.status == "scheduled" and not ConferenceDissent.objects.exists()
    assert not ChildProtectionPlan.objects.filter(child=booked.child).exists()


def test_the_plan_starts_with_its_core_group_from_the_invitation_list(world, login, booked):
    jade = Person.objects.create(first_name="Jade", last_name="Testwood")
    mother = FamilyMemberFactory(
        child=world.child,
        first_name="Jade",
        last_name="Testwood",
        relationship="mother",
        person=jade,
    )
    # The mother as chosen on the invitations form: the core group takes her person.
    ConferenceParticipant.objects.create(
        conference=booked, kind="parent", name="Jade  Testwood", status="attended", person=jade
    )
    ConferenceParticipant.objects.create(
        conference=booked,
        kind="agency",
        agency="health",
        name="Sam Visitor",
        role="Health visitor",
        status="attended",
    )
    ConferenceParticipant.objects.create(
        conference=booked, kind="advocate", name="An Advocate", status="attended"
    )
    response = login(world.iro).post(outcome_url(booked), _outcome_post(booked))
    assert response.status_code == 302
    plan = ChildProtectionPlan.objects.get(child=world.child)
    members = {m.name: m for m in plan.core_group_members.all()}
    assert set(members) == {"Jade  Testwood", "Sam Visitor", world.social_worker.get_full_name()}
    assert members["Jade  Testwood"].person == mother.person == jade
    assert members["Jade  Testwood"].label == "Jade  Testwood (Parent or carer)"
    assert members["Sam Visitor"].label == "Sam Visitor (Health visitor)"
    assert members[world.social_worker.get_full_name()].user == world.social_worker
    assert plan.start_date == held_day()  # the day the conference was held
