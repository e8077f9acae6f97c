"""Booking a conference (issue 23 item 3): the late reason and interim safety plan are on the
page before the failure (shown by a script as soon as the date is past the target; without it,
on the first submit), pre-filled from the s47's interim safety plan; a date moved back in time
clears the late reason; a time already past is refused."""

import datetime
import re

from django.urls import reverse
from django.utils import timezone

from conferences.models import Conference, LateReason
from tests.conferences.diary_helpers import icpc_for, schedule_post


def _upcoming(world):
    """An ICPC whose target date is still to come (strategy discussion today)."""
    conference = icpc_for(
        world.child,
        strategy_on=timezone.localdate(),
        section47={"interim_safety_plan": "Nan stays at the house every night."},
    )
    assert conference.target_date > timezone.localdate()
    return conference


def test_the_late_fields_are_on_the_page_hidden_and_prefilled(world, login):
    conference = _upcoming(world)
    html = (
        login(world.business_support)
        .get(reverse("conferences:schedule", args=[conference.pk]))
        .content.decode()
    )
    fieldset = re.search(r"<fieldset[^>]*data-late-fields[^>]*>", html)
    assert fieldset and " hidden" in fieldset.group(0)
    assert f'data-target-date="{conference.target_date.isoformat()}"' in fieldset.group(0)
    assert "Nan stays at the house every night." in html
    assert "js/late-fields.js" in html


def test_a_late_date_without_javascript_shows_them_on_the_first_submit(world, login):
    conference = _upcoming(world)
    late = conference.target_date + datetime.timedelta(days=7)
    response = login(world.business_support).post(
        reverse("conferences:schedule", args=[conference.pk]),
        schedule_post(conference, world.iro, late),
    )
    html = response.content.decode()
    assert response.status_code == 200
    fieldset = re.search(r"<fieldset[^>]*data-late-fields[^>]*>", html).group(0)
    assert " hidden" not in fieldset
    assert "There is a problem" in html


def test_rearranging_to_a_date_in_time_clears_the_late_reason(world, login):
    conference = _upcoming(world)
    client = login(world.business_support)
    url = reverse("conferences:schedule", args=[conference.pk])
    late = conference.target_date + datetime.timedelta(days=7)
    response = client.post(
        url,
        schedule_post(
            conference,
            world.iro,
            late,
            late_reason_code=LateReason.CHAIR_UNAVAILABLE,
            late_reason="The chair is on leave.",
            interim_safety_plan="Nan stays at the house every night.",
        ),
    )
    assert response.status_code == 302
    conference = Conference.objects.get(pk=conference.pk)
    assert conference.late_reason_code == "chair"
    response = client.post(
        url,
        schedule_post(
            conference,
            world.iro,
            conference.target_date,
            late_reason_code=LateReason.CHAIR_UNAVAILABLE,
            late_reason="The chair is on leave.",
            interim_safety_plan="Nan stays at the house every night.",
        ),
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    conference = Conference.objects.get(pk=conference.pk)
    assert (conference.late_reason_code, conference.late_reason) == ("", "")


def test_booking_a_day_already_gone_is_refused(world, login):
    conference = _upcoming(world)
    past = timezone.localtime() - datetime.timedelta(days=1)
    data = schedule_post(conference, world.iro, past.date())
    data["scheduled_for"] = f"{past:%Y-%m-%dT%H:%M}"
    response = login(world.business_support).post(
        reverse("conferences:schedule", args=[conference.pk]), data
    )
    assert response.status_code == 200
    assert "That day has already gone" in response.content.decode()
    assert Conference.objects.get(pk=conference.pk).scheduled_for is None


def test_booking_an_earlier_hour_of_today_is_accepted(world, login):
    """A conference convened this morning at short notice is booked once it has begun; the
    refusal of past times made every booking for 10:00 today fail once 10:00 had gone."""
    conference = _upcoming(world)
    start_of_today = timezone.localtime().replace(hour=0, minute=1)
    data = schedule_post(conference, world.iro, start_of_today.date())
    data["scheduled_for"] = f"{start_of_today:%Y-%m-%dT%H:%M}"
    response = login(world.business_support).post(
        reverse("conferences:schedule", args=[conference.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[-3000:]
    assert Conference.objects.get(pk=conference.pk).scheduled_for is not None
