"""The one door on the front door's pages: a contact of a child the user may not open is a 404
and is absent from the front door's list; a restricted record's contacts too."""

import pytest
from django.urls import reverse

from cases.services import child_restrict
from tests.frontdoor.helpers import check_for, contact_for
from tests.personas import STAFF

SEES = {"social_worker", "same_team_worker", "team_manager", "senior_manager"}


@pytest.fixture
def contact(world):
    contact = contact_for(world.child, world.social_worker)
    check_for(contact, world.social_worker)
    return contact


@pytest.mark.parametrize("persona", STAFF)
def test_the_list_shows_a_contact_only_to_those_who_may_open_the_child(
    world, contact, login, persona
):
    client = login(world.persona(persona))
    detail = reverse("frontdoor:contact-detail", args=[world.child.pk, contact.pk])
    listed = client.get(reverse("frontdoor:contact-list"), {"show": "all"})
    assert listed.status_code == 200
    assert (detail in listed.content.decode()) == (persona in SEES)
    assert (world.child.full_name in listed.content.decode()) == (persona in SEES)


@pytest.mark.parametrize("persona", ["other_team_worker", "other_manager", "business_support",
                                     "administrator", "other_iro"])  # fmt: skip
def test_every_contact_page_is_a_404_outside_the_reach(world, contact, login, persona):
    client = login(world.persona(persona))
    check = contact.checks.get()
    args = [world.child.pk, contact.pk]
    for url in [
        reverse("frontdoor:child-contacts", args=[world.child.pk]),
        reverse("frontdoor:contact-add", args=[world.child.pk]),
        reverse("frontdoor:contact-detail", args=args),
        reverse("frontdoor:contact-decide", args=args),
        reverse("frontdoor:contact-acknowledge", args=args),
        reverse("frontdoor:check-add", args=args),
        reverse("frontdoor:check-respond", args=[world.child.pk, check.pk]),
    ]:
        assert client.get(url).status_code == 404, url
        if "/contacts/new/" in url or url.count("/") > 5:  # the forms
            assert client.post(url, {}).status_code == 404, url


def test_another_childs_contact_is_a_404_under_this_child(world, contact, login):
    from tests.cases.factories import ChildFactory

    other = ChildFactory(allocated_team=world.team)
    client = login(world.social_worker)
    url = reverse("frontdoor:contact-detail", args=[other.pk, contact.pk])
    assert client.get(url).status_code == 404


def test_a_restricted_childs_contacts_are_hidden_from_those_not_named(world, contact, login):
    child_restrict(
        child=world.child, user=world.team_manager, restricted=True, people=[world.social_worker]
    )
    named = login(world.social_worker)
    detail = reverse("frontdoor:contact-detail", args=[world.child.pk, contact.pk])
    assert named.get(detail).status_code == 200
    for persona in ("same_team_worker", "team_manager", "senior_manager"):
        client = login(world.persona(persona))
        response = client.get(detail)
        assert response.status_code == 404
        assert "This record is restricted" in response.content.decode()
        listed = client.get(reverse("frontdoor:contact-list"), {"show": "all"}).content.decode()
        assert detail not in listed
        assert world.child.full_name not in listed
