"""Registration warns of likely matches (issue 20 item 4): the same signals, scored; the
worker chooses an existing person or says why this child is someone else (recorded)."""

import datetime

import pytest
from django.urls import reverse

from cases.family_people import link_family
from cases.models import Child
from people.models import Person, PossibleSamePerson, Resolution
from tests.cases.factories import ChildFactory

BORN = datetime.date(2016, 2, 3)


def _form(**extra):
    data = {
        "first_name": "Jon",
        "last_name": "Smyth",
        "date_of_birth": BORN.isoformat(),
        "sex": "M",
        "ethnicity": "WBRI",
        "disabilities": ["NONE"],
        "upn_unknown_reason": "UN2",
        "first_language": "English",
        "postcode": "CH41 2BB",
    }
    data.update(extra)
    return data


@pytest.fixture
def known_child(world):
    child = ChildFactory(
        first_name="John",
        last_name="Smith",
        date_of_birth=BORN,
        allocated_team=world.other_team,
        allocated_worker=world.other_team_worker,
    )
    link_family(children=[child])
    return Child.objects.get(pk=child.pk)


def test_no_match_registers_at_once_with_a_person(world, login):
    client = login(world.social_worker)
    response = client.post(
        reverse("cases:child-create"), _form(first_name="Ada", last_name="Quill")
    )
    assert response.status_code == 302
    child = Child.objects.get(last_name="Quill")
    assert child.person is not None and child.person.last_name_key == "KL"
    assert child.person.addresses.get().postcode_key == "CH412BB"


def test_likely_match_is_shown_before_anything_is_made(world, login, known_child):
    client = login(world.social_worker)
    before = (Child.objects.count(), Person.objects.count())
    response = client.post(reverse("cases:child-create"), _form())
    assert response.status_code == 200
    page = response.content.decode()
    assert "This child may already be known" in page
    assert "John Smith" in page and "Team B" in page
    assert (Child.objects.count(), Person.objects.count()) == before


def test_saying_why_someone_else_registers_and_records_the_reason(world, login, known_child):
    client = login(world.social_worker)
    url = reverse("cases:child-create")
    page = client.post(url, _form())
    fingerprint = page.context["match_form"].initial["matches_shown"]
    # A reason is required.
    response = client.post(url, _form(match_decision="different", matches_shown=fingerprint))
    assert response.status_code == 200
    assert "Say why this child is someone else" in response.content.decode()
    assert not Child.objects.filter(last_name="Smyth").exists()
    response = client.post(
        url,
        _form(
            match_decision="different",
            different_reason="Different school and parents, checked with the school.",
            matches_shown=fingerprint,
        ),
    )
    assert response.status_code == 302
    new = Child.objects.get(last_name="Smyth")
    pair = PossibleSamePerson.objects.between(known_child.person_id, new.person_id).get()
    assert pair.resolution == Resolution.DIFFERENT
    assert pair.resolved_by == world.social_worker
    assert pair.resolution_reason == "Different school and parents, checked with the school."


def test_choosing_an_existing_person_links_the_child_to_them(world, login):
    # A brother's page recorded the child (an index entry without a child's record).
    person = Person.objects.create(first_name="John", last_name="Smith", date_of_birth=BORN)
    client = login(world.social_worker)
    url = reverse("cases:child-create")
    page = client.post(url, _form())
    form = page.context["match_form"]
    assert (str(person.pk), "John Smith") in form.fields["match_decision"].choices
    response = client.post(
        url,
        _form(match_decision=str(person.pk), matches_shown=form.initial["matches_shown"]),
    )
    assert response.status_code == 302
    child = Child.objects.get(person=person)
    person.refresh_from_db()
    assert (person.first_name, person.last_name) == ("Jon", "Smyth")  # the child's details
    assert Person.objects.filter(last_name__in=["Smith", "Smyth"]).count() == 1
    assert child.allocated_team == world.team


def test_a_person_with_a_child_record_cannot_be_chosen(world, login, known_child):
    client = login(world.social_worker)
    url = reverse("cases:child-create")
    page = client.post(url, _form())
    fingerprint = page.context["match_form"].initial["matches_shown"]
    response = client.post(
        url, _form(match_decision=str(known_child.person_id), matches_shown=fingerprint)
    )
    assert response.status_code == 200
    assert Child.objects.filter(person=known_child.person).count() == 1
    assert not Child.objects.filter(last_name="Smyth").exists()


def test_changed_details_show_the_new_matches_again(world, login, known_child):
    client = login(world.social_worker)
    response = client.post(
        reverse("cases:child-create"),
        _form(match_decision="different", different_reason="x" * 20, matches_shown="stale"),
    )
    assert response.status_code == 200
    assert not Child.objects.filter(last_name="Smyth").exists()
