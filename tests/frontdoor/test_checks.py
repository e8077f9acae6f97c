"""Multi-agency checks: the due time stored from the local target for its urgency (clock hours,
the clocks' change and weekends counted as they fall), late responses, the alert and the
dashboard figure by agency (the figure equals its drill-down)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dashboards.measures import Measures
from frontdoor.models import AgencyCheck
from frontdoor.services import check_respond
from monitoring.actions import next_step
from monitoring.models import Alert, AlertStatus
from monitoring.services import timescales_scan
from tests.dashboards.test_measures import AUTHORITY
from tests.frontdoor.helpers import check_for, contact_for
from tests.strategy.factories import london
from timescales.models import LocalPolicy

D = datetime.date


@pytest.fixture
def contact(world):
    return contact_for(world.child, world.social_worker, received_at=london(2026, 10, 23, 9))


@pytest.mark.parametrize(
    "urgency, sent, due",
    [
        # Red: 4 hours.
        ("red", london(2026, 11, 30, 10), london(2026, 11, 30, 14)),
        # Amber: 24 hours, the weekend counts: Friday 5pm to Saturday 5pm.
        ("amber", london(2026, 11, 27, 17), london(2026, 11, 28, 17)),
        # Green: 72 hours across the end of British Summer Time (Sunday 25 October 2026):
        # Friday noon BST to Monday 11:00 GMT, 72 real hours.
        ("green", london(2026, 10, 23, 12), london(2026, 10, 26, 11)),
    ],
)
def test_due_time_stored_from_the_urgency(world, contact, urgency, sent, due):
    check = check_for(contact, world.social_worker, urgency=urgency, sent_at=sent)
    check.refresh_from_db()
    assert check.due_at == due
    assert check.child == world.child


def test_the_local_targets_are_configurable(world, contact):
    policy = LocalPolicy.current()
    policy.check_red_hours = 2
    policy.save()
    check = check_for(contact, world.social_worker, urgency="red", sent_at=london(2026, 11, 30, 10))
    assert check.due_at == london(2026, 11, 30, 12)


def _respond(check, user, at, **kwargs):
    values = {"response": "", "nothing_known": False, **kwargs}
    return check_respond(
        check=check, user=user, responded_at=at, expected_version=check.version, **values
    )


def test_a_late_response_is_late_and_an_early_one_in_time(world, contact):
    late = check_for(contact, world.social_worker, urgency="red", sent_at=london(2026, 11, 30, 10))
    _respond(late, world.social_worker, london(2026, 11, 30, 14, 30), nothing_known=True)
    prompt = check_for(contact, world.social_worker, agency="health", urgency="red",
                       sent_at=london(2026, 11, 30, 10))  # fmt: skip
    _respond(prompt, world.social_worker, london(2026, 11, 30, 14), response="Known to the GP.")
    assert late.is_late() and late.answered_in_time is False
    assert not prompt.is_late() and prompt.answered_in_time is True
    assert set(AgencyCheck.objects.in_time()) == {prompt}


def test_a_response_needs_content_or_nothing_known_and_cannot_precede_the_check(world, contact):
    check = check_for(contact, world.social_worker)
    with pytest.raises(ValidationError) as error:
        _respond(check, world.social_worker, london(2026, 11, 30, 11))
    assert "response" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _respond(check, world.social_worker, london(2026, 11, 30, 9), nothing_known=True)
    assert "responded_at" in error.value.message_dict


def test_an_unanswered_check_past_its_time_is_an_alert_until_answered(world, contact):
    check = check_for(contact, world.social_worker, urgency="red", sent_at=london(2026, 11, 30, 10))
    key = f"check:{check.pk}"
    timescales_scan(as_of=D(2026, 12, 1))
    alert = Alert.objects.get(rule="AGENCY_CHECK_LATE", subject_key=key)
    assert alert.status == AlertStatus.OPEN
    assert alert.child == world.child
    assert "police check (red) was due by 30 Nov 2026, 14:00" in alert.evidence
    step = next_step(alert.rule, alert.subject_key, alert.child_id)
    assert step.url == reverse("frontdoor:check-respond", args=[world.child.pk, check.pk])
    _respond(check, world.social_worker, london(2026, 12, 1, 9), nothing_known=True)
    timescales_scan(as_of=D(2026, 12, 1))
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED


def test_the_figure_by_agency_equals_its_drill_down(world, contact, login):
    police = [
        check_for(contact, world.social_worker, urgency="red", sent_at=london(2026, 11, 2, 10)),
        check_for(contact, world.social_worker, urgency="red", sent_at=london(2026, 11, 3, 10)),
        check_for(contact, world.social_worker, urgency="red", sent_at=london(2026, 11, 4, 10)),
    ]
    _respond(police[0], world.social_worker, london(2026, 11, 2, 13), nothing_known=True)
    _respond(police[1], world.social_worker, london(2026, 11, 3, 15), nothing_known=True)
    health = check_for(contact, world.social_worker, agency="health", urgency="green",
                       sent_at=london(2026, 11, 5, 10))  # fmt: skip
    _respond(health, world.social_worker, london(2026, 11, 6, 10), response="Seen by the GP.")
    m = Measures(AUTHORITY, D(2026, 11, 1), D(2026, 11, 30))
    assert m.count("agency_checks_due_police") == 3
    assert m.count("agency_checks_in_time_police") == 1
    assert m.count("agency_checks_in_time_health") == 1
    assert m.count("agency_checks_in_time") == 2
    client = login(world.senior_manager)
    period = {"from": "2026-11-01", "to": "2026-11-30", "format": "csv"}
    drill = reverse("dashboards:drill", args=["agency_checks_in_time_police"])
    lines = client.get(drill, period).getvalue().decode().strip().splitlines()
    assert len(lines) == 1 + 1
    assert "Police" in lines[1] and "Red (urgent)" in lines[1]
    every = client.get(drill, {**period, "all": "1"}).getvalue().decode().strip().splitlines()
    assert len(every) == 1 + 3


def test_the_check_pages(world, contact, login):
    client = login(world.social_worker)
    add = reverse("frontdoor:check-add", args=[world.child.pk, contact.pk])
    response = client.post(
        add, {"agency": "education", "urgency": "amber", "sent_at": "2026-11-30T10:00"}
    )
    assert response.status_code == 302
    check = AgencyCheck.objects.get()
    assert check.requested_by == world.social_worker
    respond = reverse("frontdoor:check-respond", args=[world.child.pk, check.pk])
    response = client.post(
        respond, {"responded_at": "2026-11-30T09:00", "response": "", "version": check.version}
    )
    assert response.status_code == 200
    assert "before the check was sent" in response.content.decode()
    response = client.post(
        respond,
        {"responded_at": "2026-12-01T09:00", "nothing_known": "on", "version": check.version},
    )
    assert response.status_code == 302
    check.refresh_from_db()
    assert check.nothing_known and check.responded_at == london(2026, 12, 1, 9)
    page = client.get(reverse("frontdoor:contact-detail", args=[world.child.pk, contact.pk]))
    assert "nothing known" in page.content.decode()
