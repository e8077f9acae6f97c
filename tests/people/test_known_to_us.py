""" "Known to us?" (issue 20 item 3): any worker searches the whole authority's person index;
a child outside their work shows only that the child is known, the team and how to contact
it, and whether the child is on a plan; opening it needs a recorded reason (audited); a
restricted record shows only that it exists and whom to ask."""

import datetime

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.http import Http404
from django.urls import reverse

from cases.access import Seen, get_child_for_user
from cases.family_people import link_family
from cases.models import OpenedWithReason
from cases.selectors import known_to_us_search
from people.models import Person, PersonName
from people.search_keys import name_key
from people.selectors import Criteria, person_matches
from tests.cases.factories import CaseNoteFactory, ChildFactory, ReferralFactory
from tests.conferences.factories import PlanFactory

BORN = datetime.date(2015, 6, 1)
NHS = "9434765919"  # a valid check digit (synthetic)


@pytest.fixture
def north_child(world):
    """John Smith, on a plan, held by the other team, with case content a stranger must not see."""
    world.other_team.contact_phone = "0151 606 2000"
    world.other_team.contact_email = "team-b@example.org"
    world.other_team.save()
    child = ChildFactory(
        first_name="John",
        last_name="Smith",
        date_of_birth=BORN,
        nhs_number=NHS,
        postcode="CH41 1AA",
        address_line_1="1 Synthetic Street",
        la_child_id="WCP000000077",
        allocated_team=world.other_team,
        allocated_worker=world.other_team_worker,
    )
    link_family(children=[child])
    child.refresh_from_db()
    ReferralFactory(child=child, reason="Neighbour heard shouting (synthetic secret referral).")
    CaseNoteFactory(child=child, subject="Home visit", text="Secret case note text (synthetic).")
    PlanFactory(child=child, start_date=datetime.date(2026, 6, 1), latest_category="EMO")
    return child


def test_phonetic_keys_make_jon_smyth_john_smith():
    assert name_key("Jon") == name_key("John")
    assert name_key("Smyth") == name_key("Smith")


def test_keys_are_stored_when_a_person_or_other_name_is_written(db):
    person = Person.objects.create(first_name="Kathryn", last_name="Smyth")
    assert (person.first_name_key, person.last_name_key) == (name_key("Catherine"), "SM0")
    other = PersonName.objects.create(person=person, first_name="Kate", last_name="Jones")
    assert other.last_name_key == name_key("Jones")


def test_search_finds_jon_smyth_for_john_smith(world, north_child):
    Person.objects.create(first_name="Jane", last_name="Brown")
    matches = person_matches(Criteria(first_name="Jon", last_name="Smyth"))
    assert [m.person.pk for m in matches][:1] == [north_child.person_id]
    assert "sounds the same" in matches[0].signals[0]


def test_similar_names_rank_closest_first(world, north_child):
    Person.objects.create(first_name="Joan", last_name="Smith")
    Person.objects.create(first_name="John", last_name="Smithson")
    matches = person_matches(Criteria(first_name="John", last_name="Smith"))
    assert matches[0].person.pk == north_child.person_id
    assert len(matches) >= 2


def test_another_name_is_searched(world, north_child):
    PersonName.objects.create(person=north_child.person, first_name="Johnny", last_name="Carter")
    matches = person_matches(Criteria(first_name="Johnny", last_name="Karter"))
    assert matches and matches[0].person.pk == north_child.person_id


@pytest.mark.parametrize(
    "criteria",
    [
        Criteria(nhs_number="943 476 5919"),
        Criteria(date_of_birth=BORN),
        Criteria(postcode="ch411aa"),
        Criteria(address="synthetic street"),
        Criteria(la_child_id="wcp 000 000 077"),
    ],
    ids=["nhs", "dob", "postcode", "address", "la-child-id"],
)
def test_search_by_each_signal(world, north_child, criteria):
    from people.models import PersonAddress

    # The child's address became the person's when the child became a person.
    assert PersonAddress.objects.get(person=north_child.person).postcode_key == "CH411AA"
    assert north_child.person_id in [m.person.pk for m in person_matches(criteria)]


def test_other_team_child_by_nhs_number_shows_team_contact_and_plan_only(world, north_child, login):
    client = login(world.social_worker)
    response = client.get(reverse("people:search"), {"nhs_number": NHS})
    assert response.status_code == 200
    page = response.content.decode()
    assert "John Smith" in page
    assert "known to children" in page
    assert "Team B" in page and "0151 606 2000" in page and "team-b@example.org" in page
    assert "On a child protection plan." in page
    # Nothing of the case: no referral, note, category, address, identifiers, date of birth.
    for secret in (
        "Neighbour heard shouting",
        "Secret case note",
        "Emotional",
        "Synthetic Street",
        "CH41",
        north_child.la_child_id,
        "2015",
        "WCP000000077",
        reverse("cases:child-detail", args=[north_child.pk]) + '"',
    ):
        assert secret not in page, secret
    assert reverse("cases:open-with-reason", args=[north_child.pk]) in page


def test_own_child_is_shown_with_a_link(world, login):
    link_family(children=[world.child])
    result = known_to_us_search(
        world.social_worker,
        Criteria(first_name=world.child.first_name, last_name=world.child.last_name),
    )
    assert result[0].seen == Seen.OPEN and result[0].child_id == world.child.pk


def test_restricted_record_shows_only_that_it_exists_and_whom_to_ask(world, north_child, login):
    north_child.is_restricted = True
    north_child.save()
    north_child.restricted_to.add(world.other_manager)
    client = login(world.social_worker)
    page = client.get(reverse("people:search"), {"first_name": "Jon", "last_name": "Smyth"})
    text = page.content.decode()
    assert "A restricted record matches" in text
    assert str(world.other_manager) in text
    assert (
        "John Smith" not in text
        and "Team B" not in text
        and "plan" not in text.split("A restricted record matches")[1][:200]
    )
    assert reverse("cases:open-with-reason", args=[north_child.pk]) not in text
    # And it cannot be opened with a reason.
    response = client.get(reverse("cases:open-with-reason", args=[north_child.pk]))
    assert response.status_code == 404
    assert not OpenedWithReason.objects.exists()


def test_opening_needs_a_reason_and_is_audited(world, north_child, login):
    client = login(world.social_worker)
    detail = reverse("cases:child-detail", args=[north_child.pk])
    assert client.get(detail).status_code == 404
    url = reverse("cases:open-with-reason", args=[north_child.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not OpenedWithReason.objects.exists()
    response = client.post(url, {"reason": "A school contact about John received today."})
    assert response.status_code == 302 and response["Location"] == detail
    opened = OpenedWithReason.objects.get()
    assert (opened.user, opened.child, opened.reason) == (
        world.social_worker,
        north_child,
        "A school contact about John received today.",
    )
    entry = LogEntry.objects.get(
        content_type=ContentType.objects.get_for_model(OpenedWithReason), object_pk=str(opened.pk)
    )
    assert entry.actor == world.social_worker
    assert client.get(detail).status_code == 200
    # Read-only: the record cannot be changed through the opened door.
    assert client.get(reverse("cases:child-edit", args=[north_child.pk])).status_code == 404
    with pytest.raises(Http404):
        get_child_for_user(world.social_worker, north_child.pk, write=True)


def test_opened_record_closes_after_its_hours(world, north_child, settings):
    from django.utils import timezone

    OpenedWithReason.objects.create(
        user=world.social_worker,
        child=north_child,
        reason="An old reason",
        expires_at=timezone.now() - datetime.timedelta(minutes=1),
    )
    with pytest.raises(Http404):
        get_child_for_user(world.social_worker, north_child.pk)


@pytest.mark.parametrize("persona", ["business_support", "administrator"])
def test_search_is_for_workers(world, login, persona):
    assert login(world.persona(persona)).get(reverse("people:search")).status_code == 404


def test_empty_search_says_what_to_give(world, login):
    page = login(world.social_worker).get(reverse("people:search"), {"first_name": ""})
    assert "Give a name, a date of birth" in page.content.decode()


def test_search_page_queries_do_not_grow_with_matches(world, login, django_assert_max_num_queries):
    client = login(world.social_worker)
    url = reverse("people:search")

    def make(n, team):
        children = [
            ChildFactory(
                first_name="John",
                last_name="Smith",
                allocated_team=team,
                allocated_worker=None,
            )
            for _ in range(n)
        ]
        link_family(children=children)

    make(2, world.other_team)
    make(1, world.team)
    client.get(url, {"first_name": "Jon", "last_name": "Smyth"})  # warm caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(url, {"first_name": "Jon", "last_name": "Smyth"})
    make(12, world.other_team)
    make(5, world.team)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url, {"first_name": "Jon", "last_name": "Smyth"})
    assert response.content.decode().count("John Smith") >= 20
