"""The data officer's list of likely duplicates masks restricted records (issue 20 item 3:
"restricted records show only that a record exists and whom to ask"): a restricted child, and
people whose only links are to restricted children, appear as "Restricted record" with whom to
ask, never their names, dates of birth, addresses or the signals (which can carry a name), and
cannot be opened or merged from the list by someone not named on the record."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from cases.family_people import link_family
from people.models import Kind, Person, PersonAddress, PossibleSamePerson, Relationship
from people.tasks import find_possible_duplicates
from tests.cases.factories import ChildFactory

BORN = datetime.date(1985, 3, 14)


def _officer(user):
    user.user_permissions.add(Permission.objects.get(codename="review_duplicates"))
    return user


@pytest.fixture
def hidden_pair(world):
    """Two records of one mother, each linked only to a restricted child of Team B's."""
    restricted = ChildFactory(
        first_name="Rowan", last_name="Quill", allocated_team=world.other_team, is_restricted=True
    )
    restricted.restricted_to.add(world.other_manager)
    link_family(children=[restricted])
    restricted.refresh_from_db()
    mothers = []
    for first in ("Marianne", "Maryanne"):
        mother = Person.objects.create(first_name=first, last_name="Quill", date_of_birth=BORN)
        PersonAddress.objects.create(person=mother, address="9 Hidden Row", postcode="CH41 1ZZ")
        Relationship.objects.create(person=mother, relative=restricted.person, kind=Kind.MOTHER)
        mothers.append(mother)
    find_possible_duplicates.delay().get()
    pair = PossibleSamePerson.objects.between(*[m.pk for m in mothers]).get()
    return {"child": restricted, "mothers": mothers, "pair": pair}


def _row_of(page: str, marker: str) -> str:
    start = page.rindex("<tr", 0, page.index(marker))
    return page[start : page.index("</tr>", start)]


@pytest.mark.parametrize("persona", ["senior_manager", "business_support"])
def test_people_linked_only_to_a_restricted_child_are_masked_on_the_list(
    world, hidden_pair, login, persona
):
    officer = _officer(world.persona(persona))
    page = login(officer).get(reverse("people:duplicates")).content.decode()
    assert "Restricted record" in page
    for secret in ("Marianne", "Maryanne", "Quill", "14 Mar 1985", "Hidden Row", "CH41"):
        assert secret not in page, secret
    # Whom to ask: the person named on the restricted record, as "Known to us?" says.
    row = _row_of(page, "Restricted record")
    assert str(world.other_manager) in row
    assert "Same date of birth" not in row  # the signals can carry another name
    mothers = sorted(m.pk for m in hidden_pair["mothers"])
    assert reverse("people:merge", args=mothers) not in page
    assert reverse("people:person-detail", args=[mothers[0]]) not in page


def test_the_named_manager_sees_the_pair_and_may_merge_it(world, hidden_pair, login):
    officer = _officer(world.other_manager)
    page = login(officer).get(reverse("people:duplicates")).content.decode()
    assert "Marianne Quill" in page and "Maryanne Quill" in page
    a, b = sorted(m.pk for m in hidden_pair["mothers"])
    assert reverse("people:merge", args=[a, b]) in page
    assert login(officer).get(reverse("people:merge", args=[a, b])).status_code == 200


def test_an_unrestricted_pair_is_shown_in_full(world, hidden_pair, login):
    born = datetime.date(1990, 1, 2)
    open_child = ChildFactory(allocated_team=world.team)
    link_family(children=[open_child])
    open_child.refresh_from_db()
    for first in ("Dana", "Danna"):
        p = Person.objects.create(first_name=first, last_name="Voss", date_of_birth=born)
        Relationship.objects.create(person=p, relative=open_child.person, kind=Kind.FATHER)
    find_possible_duplicates.delay().get()
    page = login(_officer(world.senior_manager)).get(reverse("people:duplicates")).content
    assert "Dana Voss" in page.decode() and "2 Jan 1990" in page.decode()


def test_a_person_also_linked_to_an_open_child_is_not_masked(world, hidden_pair, login):
    open_child = ChildFactory(allocated_team=world.team)
    link_family(children=[open_child])
    open_child.refresh_from_db()
    first = hidden_pair["mothers"][0]
    Relationship.objects.create(person=first, relative=open_child.person, kind=Kind.MOTHER)
    page = login(_officer(world.senior_manager)).get(reverse("people:duplicates")).content
    assert "Marianne Quill" in page.decode()
    assert "Maryanne" not in page.decode()


@pytest.mark.parametrize("method", ["get", "post"])
def test_merge_page_refuses_people_seen_only_through_a_restricted_record(
    world, hidden_pair, login, method
):
    a, b = (m.pk for m in hidden_pair["mothers"])
    url = reverse("people:merge", args=[a, b])
    client = login(_officer(world.senior_manager))
    data = {"survivor": str(a), "reason": "Same mother.", "version": 1, "other_version": 1}
    response = client.get(url) if method == "get" else client.post(url, data)
    assert response.status_code == 404
    assert "Marianne" not in response.content.decode()
    assert Person.objects.filter(pk__in=[a, b]).count() == 2


def test_known_to_us_names_whom_to_ask_about_a_person_seen_only_through_one(
    world, hidden_pair, login
):
    # Team B's worker reaches the restricted child but is not named on it: the mother is a
    # restricted record for them, and "Known to us?" says whom to ask, by the same function.
    page = login(world.other_team_worker).get(
        reverse("people:search"), {"first_name": "Marianne", "last_name": "Quill"}
    )
    text = page.content.decode()
    assert "A restricted record matches" in text
    assert f"To know more, ask: {world.other_manager}." in text
    assert "Marianne" not in text.split("A restricted record matches")[1]


def test_the_list_costs_the_same_queries_whatever_its_masked_rows(world, hidden_pair, login):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = login(_officer(world.senior_manager))
    url = reverse("people:duplicates")

    def cost():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx)

    before = cost()
    for n in range(3):
        child = ChildFactory(allocated_team=world.other_team, is_restricted=True)
        link_family(children=[child])
        child.refresh_from_db()
        for first in ("Kay", "Kaye"):
            p = Person.objects.create(
                first_name=first, last_name=f"Lowe{n}", date_of_birth=datetime.date(1980, 1, n + 1)
            )
            Relationship.objects.create(person=p, relative=child.person, kind=Kind.FATHER)
    find_possible_duplicates.delay().get()
    assert PossibleSamePerson.objects.count() == 4
    assert cost() == before
