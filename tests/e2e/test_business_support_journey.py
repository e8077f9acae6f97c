"""Business support arrange the initial conference: date and chair, invitations, reports.

Scene: the social worker has requested an ICPC (strategy discussion on the last working day
but one, so the target is 14 working days away); the child's record names the mother and
the professionals who know the child.
"""

import re

import pytest
from playwright.sync_api import expect

from conferences.models import ConferenceStatus
from timescales.calendar import working_days_between

from . import scenes
from .pages import status_message

pytestmark = pytest.mark.e2e


def test_business_support_schedule_the_icpc_invite_people_and_share_reports(app, world):
    child = world.child
    scenes.family_and_network(child)
    conference = scenes.icpc_requested(world, child, strategy_on=scenes.working_days_ago(1))
    days_left = working_days_between(scenes.today(), conference.target_date)
    booked_for = scenes.working_days_ago(-10)  # ten working days ahead, inside the target
    assert booked_for <= conference.target_date

    bs = app.sign_in(world.business_support)
    bs.get_by_role("navigation", name="Main").get_by_role("link", name="Conferences").click()
    app.check(bs, "Conference diary")
    upcoming = bs.get_by_role("table", name="Upcoming conferences")
    row = upcoming.get_by_role("row").filter(has_text=child.full_name)
    expect(row).to_contain_text("Not yet booked")
    expect(row).to_contain_text(f"{days_left} working days left")
    # Business support never reach the child's case record from the diary.
    expect(row.get_by_role("link", name=child.full_name)).to_have_count(0)
    row.get_by_role("link", name="Initial child protection conference").click()
    app.check(bs, "Conference (requested)")

    # --- Schedule --------------------------------------------------------------------------
    bs.get_by_role("link", name="Schedule", exact=True).click()
    app.check(bs, "Schedule the conference")
    bs.get_by_label("Date and time").fill(f"{booked_for:%Y-%m-%d}T10:00")
    bs.get_by_role("textbox", name="Venue").fill("Room 4, Civic Centre")
    bs.get_by_label("Chair (independent reviewing officer)").select_option(
        label=world.iro.get_full_name()
    )
    bs.get_by_role("button", name="Save").click()
    expect(status_message(bs)).to_contain_text("The conference has been scheduled.")
    arrangements = bs.get_by_role("region", name="Arrangements")
    expect(arrangements).to_contain_text(f"{booked_for.day} {booked_for:%b %Y}, 10:00")
    expect(arrangements).to_contain_text(f"{days_left} working days left")
    app.check(bs, "Conference (scheduled)")
    conference.refresh_from_db()
    assert conference.status == ConferenceStatus.SCHEDULED
    assert conference.chair == world.iro and conference.venue == "Room 4, Civic Centre"

    # --- Invitations: suggested from the child's record, police added ----------------------
    bs.get_by_role("link", name="Invitations").click()
    expect(
        bs.get_by_text("These invitations are suggested from the child's record")
    ).to_be_visible()
    app.check(bs, "Invitations (suggested)")
    today = scenes.today()
    suggested = bs.get_by_role("group", name=re.compile(r"^Person \d+: "))
    expect(suggested).to_have_count(4)  # the social worker, two professionals, the mother
    for n in range(4):
        suggested.nth(n).get_by_label("Invited on").fill(f"{today:%Y-%m-%d}")
    police = bs.get_by_role("group", name="Person 5", exact=True)
    police.get_by_label("Who they are").select_option(label="Professional")
    police.get_by_label("Agency").select_option(label="Police")
    police.get_by_label("Name").fill("DC Alex Sample")
    police.get_by_label("Role").fill("Public protection unit")
    police.get_by_label("Invited on").fill(f"{today:%Y-%m-%d}")
    bs.get_by_role("button", name="Save").click()
    expect(status_message(bs)).to_contain_text("The invitation and attendance list has been saved.")
    invited = bs.get_by_role("table", name="People invited to the conference")
    expect(invited.get_by_role("row")).to_have_count(6)  # a header and five people
    expect(invited).to_contain_text("DC Alex Sample")
    app.check(bs, "Conference (invitations sent)")
    people = conference.participants.all()
    assert {p.agency for p in people} >= {"social_care", "police", "health", "education"}
    assert all(p.invited_on == today for p in people)
    assert people.filter(kind="parent", name__startswith="Dana").exists()

    # --- Reports shared with the parents -------------------------------------------------------
    # Read from the reports' documents (the worker records each sharing): none yet.
    bs.get_by_role("link", name="Reports shared with parents").click()
    app.check(bs, "Reports shared with parents")
    expect(bs.get_by_role("main")).to_contain_text(
        "No report has been recorded as shared with a parent yet."
    )
    bs.go_back()
    app.check(bs, "Conference (arranged)")
