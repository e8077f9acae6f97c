"""Booking an ICPC after its target: the late reason and interim safety plan appear as soon as
the date typed is past the target, pre-filled from the s47's interim safety plan, and go when
the date is moved back in time (issue 23 item 3)."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.conferences.diary_helpers import icpc_for

from . import scenes

pytestmark = pytest.mark.e2e


def test_late_fields_appear_as_soon_as_the_date_is_past_the_target(app, world):
    conference = icpc_for(
        world.child,
        strategy_on=scenes.today(),
        section47={"interim_safety_plan": "Nan stays at the house every night."},
    )
    bs = app.sign_in(world.business_support)
    bs.goto(f"/conferences/{conference.pk}/schedule/")
    late_fields = bs.get_by_role("group", name="After the target date")
    expect(late_fields).to_be_hidden()
    app.check(bs, "Schedule the conference")

    date = bs.get_by_label("Date and time")
    date.fill(f"{conference.target_date + timedelta(days=7):%Y-%m-%d}T10:00")
    expect(late_fields).to_be_visible()
    expect(late_fields.get_by_label("Interim safety plan", exact=False)).to_have_value(
        "Nan stays at the house every night."
    )
    app.check(bs, "Schedule the conference (a late date)")

    date.fill(f"{conference.target_date:%Y-%m-%d}T10:00")
    expect(late_fields).to_be_hidden()
