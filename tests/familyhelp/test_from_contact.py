"""A contact decided "Family Help" at the front door: the request waits for the Family Help
team, whose manager accepts it with a date; nobody else reaches it; no census referral.

Hand-worked dates. Team A (the front door) receives a contact from a school on Friday
27 November 2026 at 4pm: the decision is due by the end of Monday 30 November. Team A's
manager decides Family Help at 11am on Monday 30 November 2026 (in time), asking Team B.
Team B's manager cannot accept it on Sunday 29 November (before the decision), and accepts it
on Tuesday 1 December 2026: the child is Team B's from that day.
"""

import datetime
from unittest import mock

import pytest
from auditlog.models import LogEntry
from defusedxml import ElementTree as SafeET
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from cases.access import children_for_user
from cases.chronology import chronology_for
from cases.models import Allocation, Referral
from familyhelp import services
from familyhelp.models import FamilyHelpRequest
from frontdoor.services import contact_decide
from monitoring.selectors import decisions_waiting
from reporting.census_export import census_export
from tests.accounts.factories import TeamFactory, make_user
from tests.frontdoor.helpers import contact_for
from tests.strategy.factories import london

D = datetime.date


def _decide(world, contact, *, at=None):
    with mock.patch("django.utils.timezone.now", return_value=at or london(2026, 11, 30, 11)):
        return contact_decide(
            contact=contact,
            user=world.team_manager,
            decision="family_help",
            reason="Needs met by Family Help: routines and school attendance.",
            family_help_team=world.other_team,
        )


@pytest.fixture
def decided(world):
    contact = contact_for(world.child, world.social_worker, received_at=london(2026, 11, 27, 16))
    _decide(world, contact)
    return FamilyHelpRequest.objects.get(contact=contact)


def _accept_url(request):
    return reverse("familyhelp:request-accept", args=[request.child_id, request.pk])


def test_the_decision_asks_the_chosen_team_and_waits(world, decided):
    contact = decided.contact
    contact.refresh_from_db()
    assert contact.decision_due == D(2026, 11, 30)
    assert not contact.decision_late
    assert decided.child == world.child
    assert decided.to_team == world.other_team
    assert decided.requested_by == world.team_manager
    assert decided.requested_at == london(2026, 11, 30, 11)
    assert decided.reason == contact.decision_reason
    assert decided.is_pending
    # Not fired off: the child stays Team A's until Team B accepts.
    world.child.refresh_from_db()
    assert world.child.allocated_team == world.team
    # Audited as the manager who decided.
    entry = LogEntry.objects.get_for_object(decided).get()
    assert entry.actor == world.team_manager


def test_the_listener_is_idempotent(world, decided):
    again = services.request_from_contact(decided.contact, world.team_manager)
    assert again == decided
    assert FamilyHelpRequest.objects.count() == 1
    assert LogEntry.objects.get_for_object(decided).count() == 1


def test_a_family_help_decision_needs_the_team(world):
    contact = contact_for(world.child, world.social_worker)
    with pytest.raises(ValidationError) as error:
        contact_decide(contact=contact, user=world.team_manager, decision="family_help", reason="x")
    assert "family_help_team" in error.value.message_dict
    contact.refresh_from_db()
    assert contact.decision == ""
    assert not FamilyHelpRequest.objects.exists()


@pytest.mark.parametrize("decision", ["nfa", "advice"])
def test_other_decisions_make_no_request(world, decision):
    contact = contact_for(world.child, world.social_worker)
    contact_decide(
        contact=contact,
        user=world.team_manager,
        decision=decision,
        reason="x",
        family_help_team=world.other_team,
    )
    assert not FamilyHelpRequest.objects.exists()


def test_deciding_on_the_page_asks_for_the_team(world, login):
    contact = contact_for(world.child, world.social_worker)
    url = reverse("frontdoor:contact-decide", args=[world.child.pk, contact.pk])
    client = login(world.team_manager)
    response = client.post(
        url, {"version": contact.version, "decision": "family_help", "reason": "Family Help."}
    )
    assert response.status_code == 200
    assert "Choose the Family Help team asked to take the child on." in response.content.decode()
    assert not FamilyHelpRequest.objects.exists()
    response = client.post(
        url,
        {
            "version": contact.version,
            "decision": "family_help",
            "reason": "Family Help.",
            "family_help_team": world.other_team.pk,
        },
    )
    assert response.status_code == 302
    request = FamilyHelpRequest.objects.get(contact=contact)
    # The contact page says so and links to the Family Help record.
    page = client.get(
        reverse("frontdoor:contact-detail", args=[world.child.pk, contact.pk])
    ).content.decode()
    assert "Asked of Team B: waiting for the team to accept" in page
    assert reverse("familyhelp:child", args=[world.child.pk]) + f"#request-{request.pk}" in page


def test_the_receiving_team_sees_it_and_its_manager_accepts_with_a_date(world, decided, login):
    # Team B reaches the child while it decides, and lists the request.
    assert world.child in children_for_user(world.other_team_worker)
    page = login(world.other_team_worker).get(reverse("familyhelp:waiting")).content.decode()
    assert "Requests from the front door to accept" in page
    assert world.child.full_name in page
    assert "Waiting for the team manager" in page
    groups = {g["title"]: g for g in decisions_waiting(world.other_manager)}
    rows = groups["Contacts decided Family Help to accept"]["rows"]
    assert [r["url"] for r in rows] == [_accept_url(decided)]
    page = login(world.other_manager).get(reverse("familyhelp:waiting")).content.decode()
    assert _accept_url(decided) in page

    # Team B's worker sees the child, but accepting is the manager's.
    assert login(world.other_team_worker).get(_accept_url(decided)).status_code == 404
    client = login(world.other_manager)
    response = client.post(
        _accept_url(decided), {"version": decided.version, "accepted_on": "2026-11-29"}
    )
    assert response.status_code == 200
    assert (
        "cannot be accepted before the front door decided on the contact (30 Nov 2026)"
        in response.content.decode()
    )
    response = client.post(
        _accept_url(decided), {"version": decided.version, "accepted_on": "2026-12-01"}
    )
    assert response.status_code == 302
    decided.refresh_from_db()
    assert decided.accepted_on == D(2026, 12, 1)
    assert decided.accepted_by == world.other_manager
    world.child.refresh_from_db()
    assert world.child.allocated_team == world.other_team
    allocation = Allocation.objects.get(child=world.child, end_date__isnull=True)
    assert allocation.start_date == D(2026, 12, 1)
    assert LogEntry.objects.get_for_object(decided).filter(actor=world.other_manager).exists()
    # Accepted once: the list is empty and the page refuses a second time.
    assert not FamilyHelpRequest.objects.filter(accepted_on__isnull=True).exists()
    assert client.get(_accept_url(decided)).status_code == 404
    with pytest.raises(ValidationError, match="already accepted on 1 Dec 2026"):
        services.request_accept(
            request=decided, user=world.other_manager, accepted_on=D(2026, 12, 1)
        )
    # The child's Family Help page and the contact page both show the acceptance.
    fh_page = client.get(reverse("familyhelp:child", args=[world.child.pk])).content.decode()
    assert "1 Dec 2026 by" in fh_page
    contact_page = client.get(
        reverse("frontdoor:contact-detail", args=[world.child.pk, decided.contact_id])
    ).content.decode()
    assert "accepted 1 Dec 2026" in contact_page
    # On the child's chronology, on the day it was accepted.
    events = [
        e for e in chronology_for(world.child) if e.key == f"fh_request:{decided.pk}:accepted"
    ]
    assert [(e.date, e.description) for e in events] == [
        (D(2026, 12, 1), "Family Help from a front-door contact accepted by Team B")
    ]


def test_nobody_else_reaches_or_accepts_it(world, decided, login):
    stranger_team = TeamFactory(name="Team C")
    stranger = make_user(Role.SOCIAL_WORKER, team=stranger_team, username="sw_c")
    stranger_manager = make_user(
        Role.TEAM_MANAGER, team=stranger_team, manages=[stranger_team], username="tm_c"
    )
    for persona in (stranger, stranger_manager):
        assert world.child not in children_for_user(persona)
        client = login(persona)
        assert client.get(_accept_url(decided)).status_code == 404
        response = client.post(
            _accept_url(decided), {"version": decided.version, "accepted_on": "2026-12-01"}
        )
        assert response.status_code == 404
        assert (
            world.child.full_name not in client.get(reverse("familyhelp:waiting")).content.decode()
        )
    # The manager who decided (Team A) does not accept for Team B.
    assert login(world.team_manager).get(_accept_url(decided)).status_code == 404
    decided.refresh_from_db()
    assert decided.is_pending


def test_no_census_referral_comes_of_it(world, decided):
    services.request_accept(request=decided, user=world.other_manager, accepted_on=D(2026, 12, 1))
    assert not Referral.objects.filter(child=world.child).exists()
    decided.contact.refresh_from_db()
    assert decided.contact.referral is None
    _census, xml = census_export(year=2027)
    root = SafeET.fromstring(xml)
    ids = {c.findtext("ChildIdentifiers/LAchildID") for c in root.iter("Child")}
    assert world.child.la_child_id not in ids
