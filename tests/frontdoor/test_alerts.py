"""The front door's alerts: a contact's decision and the referrer's acknowledgement, due by the
dates stored on the contact, overdue the working day after, resolved when recorded; each with
its next step (My tasks links to the form)."""

import datetime

from django.urls import reverse

from frontdoor.services import contact_acknowledge, contact_decide
from monitoring.actions import next_step
from monitoring.models import Alert, AlertStatus
from monitoring.services import timescales_scan
from tests.frontdoor.helpers import contact_for
from tests.strategy.factories import london

D = datetime.date


def _alert(rule, contact):
    return (
        Alert.objects.filter(rule=rule, subject_key=f"contact:{contact.pk}")
        .exclude(status=AlertStatus.RESOLVED)
        .first()
    )


def test_decision_overdue_after_the_bank_holiday_weekend_and_resolved(world):
    # Friday 28 August 2026, 4pm; Monday 31 August a bank holiday: due Tuesday 1 September.
    contact = contact_for(world.child, world.social_worker, received_at=london(2026, 8, 28, 16))
    timescales_scan(as_of=D(2026, 9, 1))
    alert = _alert("CONTACT_DECISION", contact)
    assert alert.status == AlertStatus.DUE_SOON and alert.due_date == D(2026, 9, 1)
    timescales_scan(as_of=D(2026, 9, 2))
    alert = _alert("CONTACT_DECISION", contact)
    assert alert.status == AlertStatus.OPEN and alert.days_overdue_on(D(2026, 9, 2)) == 1
    step = next_step(alert.rule, alert.subject_key, alert.child_id, alert.due_date)
    assert step.url == reverse("frontdoor:contact-decide", args=[world.child.pk, contact.pk])
    assert step.sentence == "Decide on the contact by 1 Sep 2026"
    contact_decide(contact=contact, user=world.team_manager, decision="nfa", reason="x")
    timescales_scan(as_of=D(2026, 9, 2))
    assert _alert("CONTACT_DECISION", contact) is None


def test_acknowledgement_overdue_and_resolved(world):
    contact = contact_for(world.child, world.social_worker, received_at=london(2026, 11, 27, 16))
    timescales_scan(as_of=D(2026, 12, 1))
    alert = _alert("CONTACT_ACKNOWLEDGEMENT", contact)
    assert alert.status == AlertStatus.OPEN and alert.due_date == D(2026, 11, 30)
    assert "Ms Ada Teacher has not been acknowledged" in alert.evidence
    step = next_step(alert.rule, alert.subject_key, alert.child_id)
    assert step.url == reverse("frontdoor:contact-acknowledge", args=[world.child.pk, contact.pk])
    contact_acknowledge(
        contact=contact,
        user=world.social_worker,
        at=london(2026, 11, 30, 9),
        method="phone",
        to="Ms Ada Teacher",
        letter=False,
        expected_version=contact.version,
    )
    timescales_scan(as_of=D(2026, 12, 1))
    assert _alert("CONTACT_ACKNOWLEDGEMENT", contact) is None


def test_my_tasks_links_the_contact_to_its_form(world, login):
    contact = contact_for(world.child, world.social_worker, received_at=london(2026, 11, 27, 16))
    timescales_scan(as_of=D(2026, 12, 1))
    page = login(world.social_worker).get(reverse("monitoring:my-tasks")).content.decode()
    assert reverse("frontdoor:contact-acknowledge", args=[world.child.pk, contact.pk]) in page
