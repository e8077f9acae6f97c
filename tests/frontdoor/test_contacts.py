"""Contacts at the front door: each decision path from contact to outcome, the timescales on
hand-worked dates, the acknowledgement and the outcome told, and the child's record."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import Role
from cases.chronology import chronology_for
from cases.models import Referral
from documents.models import Document
from frontdoor.models import Contact
from frontdoor.services import contact_acknowledge, contact_decide, contact_notify_outcome
from tests.accounts.factories import TeamFactory, make_user
from tests.cases.factories import ReferralFactory
from tests.frontdoor.helpers import contact_for
from tests.strategy.factories import london

D = datetime.date


@pytest.mark.parametrize(
    "received, due",
    [
        # Friday 27 November 2026, 4pm: by the end of Monday 30 November.
        (london(2026, 11, 27, 16), D(2026, 11, 30)),
        # Friday 28 August 2026: Monday 31 August is the summer bank holiday.
        (london(2026, 8, 28, 16), D(2026, 9, 1)),
        # Thursday 2 April 2026: Good Friday and Easter Monday, so Tuesday 7 April.
        (london(2026, 4, 2, 16), D(2026, 4, 7)),
        # Late on a Tuesday evening (UK time): the next day, Wednesday.
        (london(2026, 11, 24, 23, 30), D(2026, 11, 25)),
    ],
)
def test_decision_and_acknowledgement_due_stored_when_recorded(world, received, due):
    contact = contact_for(world.child, world.social_worker, received_at=received)
    contact.refresh_from_db()
    assert contact.decision_due == due
    assert contact.acknowledgement_due == due


@pytest.mark.parametrize("decision", ["nfa", "advice", "family_help"])
def test_decisions_that_are_not_referrals_open_no_episode(world, decision):
    contact = contact_for(world.child, world.social_worker)
    contact_decide(
        contact=contact,
        user=world.team_manager,
        decision=decision,
        reason="Weighed up.",
        family_help_team=world.other_team,
    )
    contact.refresh_from_db()
    assert contact.decision == decision
    # The team is kept only for a Family Help decision.
    assert contact.family_help_team == (world.other_team if decision == "family_help" else None)
    assert contact.decided_by == world.team_manager
    assert contact.referral is None
    assert not Referral.objects.filter(child=world.child).exists()


@pytest.mark.parametrize(
    "decision, threshold", [("referral", "assessment"), ("strategy", "strategy")]
)
def test_referral_and_strategy_open_the_census_referral(world, decision, threshold):
    contact = contact_for(world.child, world.social_worker, source="2A")
    contact_decide(
        contact=contact,
        user=world.team_manager,
        decision=decision,
        reason="Reasonable cause.",
        primary_need="N1",
    )
    contact.refresh_from_db()
    referral = Referral.objects.get(child=world.child)
    assert contact.referral == referral
    assert referral.received_at == contact.received_at
    assert referral.source == "2A"
    assert referral.primary_need == "N1"
    assert referral.decision == threshold
    assert referral.decided_by == world.team_manager
    assert referral.reason == contact.reported


def test_a_referral_needs_a_primary_need(world):
    contact = contact_for(world.child, world.social_worker)
    with pytest.raises(ValidationError) as error:
        contact_decide(contact=contact, user=world.team_manager, decision="referral", reason="x")
    assert "primary_need" in error.value.message_dict
    assert not Referral.objects.exists()


def test_a_referral_is_refused_while_another_episode_is_open(world):
    ReferralFactory(child=world.child, received_at=london(2026, 10, 1))
    contact = contact_for(world.child, world.social_worker)
    with pytest.raises(ValidationError):
        contact_decide(
            contact=contact,
            user=world.team_manager,
            decision="referral",
            reason="x",
            primary_need="N1",
        )
    contact.refresh_from_db()
    assert contact.decision == ""
    assert Referral.objects.filter(child=world.child).count() == 1


def test_a_contact_is_decided_once(world):
    contact = contact_for(world.child, world.social_worker)
    contact_decide(contact=contact, user=world.team_manager, decision="nfa", reason="x")
    again = Contact.objects.get(pk=contact.pk)
    with pytest.raises(ValidationError, match="already recorded"):
        contact_decide(contact=again, user=world.team_manager, decision="advice", reason="y")


def test_a_decision_needs_a_reason(world):
    contact = contact_for(world.child, world.social_worker)
    with pytest.raises(ValidationError) as error:
        contact_decide(contact=contact, user=world.team_manager, decision="nfa", reason=" ")
    assert "decision_reason" in error.value.message_dict


def test_acknowledgement_and_outcome_letters_are_documents_of_the_child(world):
    contact = contact_for(world.child, world.social_worker)
    contact_acknowledge(
        contact=contact,
        user=world.social_worker,
        at=london(2026, 11, 30, 9),
        method="email",
        to="Ms Ada Teacher",
        letter=True,
        expected_version=contact.version,
    )
    with pytest.raises(ValidationError, match="decision"):
        contact_notify_outcome(
            contact=contact,
            user=world.social_worker,
            at=london(2026, 11, 30, 11),
            method="email",
            to="Ms Ada Teacher",
            letter=True,
            expected_version=contact.version,
        )
    contact_decide(contact=contact, user=world.team_manager, decision="advice", reason="x")
    contact_notify_outcome(
        contact=contact,
        user=world.social_worker,
        at=london(2026, 12, 1, 9),
        method="post",
        to="Ms Ada Teacher",
        letter=True,
        expected_version=contact.version,
    )
    contact.refresh_from_db()
    assert contact.acknowledged_to == "Ms Ada Teacher"
    assert contact.acknowledgement_method == "email"
    assert contact.outcome_method == "post"
    letters = Document.objects.filter(child=world.child, document_type="letter")
    assert set(letters.values_list("pk", flat=True)) == {
        contact.acknowledgement_letter_id,
        contact.outcome_letter_id,
    }
    assert contact.outcome_letter.title == "Outcome of a contact, to the referrer: Ms Ada Teacher"
    assert contact.outcome_letter.versions.get().original_name.endswith(".pdf")


def test_acknowledged_before_the_contact_arrived_is_refused(world):
    contact = contact_for(world.child, world.social_worker)
    with pytest.raises(ValidationError):
        contact_acknowledge(
            contact=contact,
            user=world.social_worker,
            at=london(2026, 11, 26, 9),
            method="email",
            to="x",
            letter=False,
            expected_version=contact.version,
        )


def test_contacts_are_on_the_chronology_and_the_summary(world, login):
    contact = contact_for(world.child, world.social_worker)
    contact_decide(contact=contact, user=world.team_manager, decision="nfa", reason="x")
    keys = [e.key for e in chronology_for(world.child)]
    assert f"contact:{contact.pk}:received" in keys
    assert f"contact:{contact.pk}:decided" in keys
    page = login(world.social_worker).get(reverse("cases:child-detail", args=[world.child.pk]))
    text = page.content.decode()
    assert "Ms Ada Teacher, Synthetic Primary School: No further action" in text
    chronology = login(world.social_worker).get(reverse("cases:chronology", args=[world.child.pk]))
    assert "Contact decision: No further action" in chronology.content.decode()


# --- the pages ---------------------------------------------------------------------------


def _post_contact(client, child):
    return client.post(
        reverse("frontdoor:contact-add", args=[child.pk]),
        {
            "received_at": "2026-11-27T16:00",
            "source": "2A",
            "referrer_name": "Ms Ada Teacher",
            "referrer_agency": "Synthetic Primary School",
            "reported": "Bruise on the arm.",
            "consent": "given",
        },
    )


def test_the_worker_records_a_contact_and_the_manager_decides_referral(world, login):
    client = login(world.social_worker)
    response = _post_contact(client, world.child)
    contact = Contact.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "frontdoor:contact-detail", args=[world.child.pk, contact.pk]
    )
    assert contact.decision_due == D(2026, 11, 30)
    assert contact.recorded_by == world.social_worker
    decide = reverse("frontdoor:contact-decide", args=[world.child.pk, contact.pk])
    # A social worker outside the front door does not decide.
    assert client.get(decide).status_code == 404
    manager = login(world.team_manager)
    response = manager.post(
        decide,
        {"decision": "referral", "reason": "Threshold met.", "version": contact.version},
    )
    assert response.status_code == 200
    assert "Give the primary need" in response.content.decode()
    response = manager.post(
        decide,
        {
            "decision": "referral",
            "reason": "Threshold met.",
            "primary_need": "N1",
            "version": contact.version,
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.referral.decision == "assessment"
    page = manager.get(response["Location"]).content.decode()
    assert "Referral to children&#x27;s social care" in page


def test_a_strategy_decision_leads_to_the_strategy_discussion(world, login):
    contact = contact_for(world.child, world.social_worker)
    response = login(world.team_manager).post(
        reverse("frontdoor:contact-decide", args=[world.child.pk, contact.pk]),
        {
            "decision": "strategy",
            "reason": "Immediate risk.",
            "primary_need": "N1",
            "version": contact.version,
        },
    )
    assert response["Location"] == reverse("strategy:discussion-add", args=[world.child.pk])


def test_a_front_door_worker_decides(world, login):
    front_door = TeamFactory(name="MASH", front_door=True)
    worker = make_user(Role.SOCIAL_WORKER, team=front_door, username="mash_sw")
    world.child.allocated_team = front_door
    world.child.save()
    contact = contact_for(world.child, worker)
    decide = reverse("frontdoor:contact-decide", args=[world.child.pk, contact.pk])
    response = login(worker).post(
        decide, {"decision": "advice", "reason": "Advice given.", "version": contact.version}
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.decided_by == worker


def test_a_stale_decision_is_refused(world, login):
    contact = contact_for(world.child, world.social_worker)
    response = login(world.team_manager).post(
        reverse("frontdoor:contact-decide", args=[world.child.pk, contact.pk]),
        {"decision": "nfa", "reason": "x", "version": contact.version - 1},
    )
    assert response.status_code == 200
    contact.refresh_from_db()
    assert contact.decision == ""


def test_acknowledge_page_makes_the_letter(world, login):
    contact = contact_for(world.child, world.social_worker)
    response = login(world.social_worker).post(
        reverse("frontdoor:contact-acknowledge", args=[world.child.pk, contact.pk]),
        {
            "at": "2026-11-30T09:00",
            "method": "email",
            "to": "Ms Ada Teacher",
            "letter": "on",
            "version": contact.version,
        },
    )
    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.acknowledgement_letter.child == world.child


def test_the_front_door_list_is_paged_and_filtered(world, login):
    waiting = contact_for(world.child, world.social_worker)
    decided = contact_for(world.child, world.social_worker, received_at=london(2026, 11, 20))
    contact_decide(contact=decided, user=world.team_manager, decision="nfa", reason="x")
    client = login(world.social_worker)
    page = client.get(reverse("frontdoor:contact-list")).content.decode()
    assert reverse("frontdoor:contact-detail", args=[world.child.pk, waiting.pk]) in page
    assert reverse("frontdoor:contact-detail", args=[world.child.pk, decided.pk]) not in page
    every = client.get(reverse("frontdoor:contact-list"), {"show": "all", "page": "x"})
    assert reverse("frontdoor:contact-detail", args=[world.child.pk, decided.pk]) in (
        every.content.decode()
    )


def test_the_start_page_finds_the_child_by_la_child_id(world, login):
    client = login(world.social_worker)
    response = client.get(
        reverse("frontdoor:contact-start"), {"la_child_id": world.child.la_child_id}
    )
    assert response["Location"] == reverse("frontdoor:contact-add", args=[world.child.pk])
    other = login(world.other_team_worker).get(
        reverse("frontdoor:contact-start"), {"la_child_id": world.child.la_child_id}
    )
    assert other.status_code == 200
    assert "No child you can record a contact for" in other.content.decode()


def test_the_start_page_runs_known_to_us_before_a_contact(
    world, login, django_assert_max_num_queries
):
    """Search by name: the child of the worker's own work links to a
    new contact; a child of another team shows only that it is known, the team and whether on a
    plan, never a link to record on it or its identifiers."""
    from cases.family_people import link_family
    from tests.cases.factories import ChildFactory

    brother = ChildFactory(
        first_name="Leo", last_name=world.child.last_name, allocated_team=world.other_team
    )
    link_family(children=[world.child, brother])
    client = login(world.social_worker)
    # (Spelling variants are the search's own tests: tests/people/test_known_to_us.py.)
    with django_assert_max_num_queries(40):
        page = client.get(reverse("frontdoor:contact-start"), {"last_name": brother.last_name})
    html = page.content.decode()
    assert page.status_code == 200
    assert reverse("frontdoor:contact-add", args=[world.child.pk]) in html
    assert reverse("frontdoor:contact-add", args=[brother.pk]) not in html
    assert f"{brother.first_name} {brother.last_name}</strong>: known to children" in html
    assert brother.la_child_id not in html
