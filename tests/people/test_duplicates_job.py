"""The nightly job lists likely duplicate person records across the authority for a data
officer (issue 20 item 4); the list is theirs alone."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cases.family_people import link_family
from people.models import Person, PersonAddress, PossibleSamePerson, Resolution
from people.tasks import find_possible_duplicates
from tests.cases.factories import ChildFactory
from wirral_cp.celery import app

BORN = datetime.date(2014, 9, 9)


@pytest.fixture
def people(world):
    north = ChildFactory(
        first_name="John", last_name="Smith", date_of_birth=BORN, allocated_team=world.other_team
    )
    south = ChildFactory(
        first_name="Jon", last_name="Smyth", date_of_birth=BORN, allocated_team=world.team
    )
    link_family(children=[north, south])
    same_nhs_a = Person.objects.create(first_name="Amy", last_name="Jones", nhs_number="9434765919")
    same_nhs_b = Person.objects.create(
        first_name="Aimee", last_name="Jonas", nhs_number="9434765919"
    )
    at_a = Person.objects.create(first_name="Lee", last_name="Parr")
    at_b = Person.objects.create(first_name="Leigh", last_name="Parr")
    for p in (at_a, at_b):
        PersonAddress.objects.create(person=p, address="3 Test Close", postcode="CH43 9ZZ")
    # Different people: same last name, different dates of birth and first names.
    Person.objects.create(first_name="Zara", last_name="Smith", date_of_birth=BORN)
    Person.objects.create(
        first_name="Tom", last_name="Smith", date_of_birth=datetime.date(1980, 1, 1)
    )
    north.refresh_from_db()
    south.refresh_from_db()
    return {
        "names_and_birth": {north.person_id, south.person_id},
        "nhs": {same_nhs_a.pk, same_nhs_b.pk},
        "postcode": {at_a.pk, at_b.pk},
    }


def test_beat_runs_the_duplicates_job_nightly():
    entry = app.conf.beat_schedule["people-possible-duplicates"]
    assert entry["task"] == "people.tasks.find_possible_duplicates"


def test_nightly_job_lists_likely_duplicates_scored(people):
    made = find_possible_duplicates.delay().get()
    pairs = {frozenset((p.first_id, p.second_id)): p for p in PossibleSamePerson.objects.all()}
    for key in ("names_and_birth", "nhs", "postcode"):
        assert frozenset(people[key]) in pairs, key
    assert made["found"] == len(pairs) == 3
    strongest = pairs[frozenset(people["names_and_birth"])]
    assert strongest.score >= 55 and "Same date of birth" in strongest.reason
    # Run again: nothing new, nothing duplicated.
    assert find_possible_duplicates.delay().get()["found"] == 0
    assert PossibleSamePerson.objects.count() == 3


def test_a_decided_pair_stays_decided(people):
    a, b = sorted(people["nhs"])
    PossibleSamePerson.objects.create(
        first_id=a,
        second_id=b,
        reason="x",
        resolution=Resolution.DIFFERENT,
        resolved_at=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    find_possible_duplicates.delay().get()
    pair = PossibleSamePerson.objects.between(a, b).get()
    assert pair.resolution == Resolution.DIFFERENT


def test_the_data_officer_sees_the_list_most_likely_first(world, people, login):
    find_possible_duplicates.delay().get()
    officer = world.senior_manager
    url = reverse("people:duplicates")
    assert login(officer).get(url).status_code == 404
    officer.user_permissions.add(Permission.objects.get(codename="review_duplicates"))
    page = login(officer).get(url).content.decode()
    # The same NHS number and names alike (76), names and date of birth (56), postcode (47).
    assert page.index("Amy Jones") < page.index("John Smith") < page.index("Lee Parr")
    assert "Same date of birth" in page
    assert reverse("people:merge", args=sorted(people["names_and_birth"])) in page


@pytest.mark.parametrize("persona", ["social_worker", "team_manager", "administrator"])
def test_others_do_not_see_the_authority_list(world, login, persona):
    assert login(world.persona(persona)).get(reverse("people:duplicates")).status_code == 404
