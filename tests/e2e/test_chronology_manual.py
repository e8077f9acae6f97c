"""A social worker adds a manual chronology entry (another agency's information about an
event years ago) and sees it in the chronology in date order, marked as manual with its
source; then changes it and finds the earlier words kept (issue 23 item 11)."""

import re

import pytest
from playwright.sync_api import expect

from cases.models import ManualChronologyEntry
from tests.cases.factories import ReferralFactory

from . import scenes
from .pages import tab

pytestmark = pytest.mark.e2e


def test_a_manual_entry_is_added_and_seen_in_order(app, world):
    child = world.child
    ReferralFactory(child=child, received_at=scenes.at(scenes.today(), 9), reason="School worry")
    sw = app.sign_in(world.social_worker)
    sw.goto(f"/children/{child.pk}/")
    app.check(sw, "Summary")
    tab(sw, "Chronology")
    app.check(sw, "Chronology")
    sw.get_by_role("link", name="Add an entry").click()
    app.check(sw, "Add an entry to the chronology")

    # Sent without what happened: the error summary says so, and nothing is saved.
    sw.get_by_label("Date of the event").fill("2019-06-20")
    sw.get_by_label("The month and year only").check()
    sw.get_by_label("Where the information came from").select_option(label="Police")
    sw.get_by_label("Person or organisation").fill("PC Example, Demotown police station")
    sw.get_by_role("button", name="Save").click()
    summary = sw.get_by_role("alert").filter(has_text="There is a problem")
    expect(summary).to_be_focused()
    app.check(sw, "Add an entry to the chronology (error)")
    assert not ManualChronologyEntry.objects.exists()

    sw.get_by_label("What happened").fill(
        "Police attended a domestic incident at the family home; the children were present."
    )
    sw.get_by_role("button", name="Save").click()
    chronology = sw.get_by_role("table", name=re.compile("^Chronology of"))
    expect(chronology).to_contain_text("Police attended a domestic incident")
    app.check(sw, "Chronology (a manual entry added)")
    rows = chronology.locator("tbody tr")
    # Oldest first: June 2019 before today's referral.
    expect(rows.nth(0)).to_contain_text("Jun 2019")
    expect(rows.nth(0)).to_contain_text("Manual entry")
    expect(rows.nth(0)).to_contain_text(
        f"Source: Police (PC Example, Demotown police station); recorded "
        f"{scenes.today():%-d %b %Y} by Sam Northfield"
    )
    expect(rows.nth(1)).to_contain_text("Referral received")

    # Its author changes it; the earlier words are kept.
    rows.nth(0).get_by_role("link", name=re.compile("^Police attended")).click()
    app.check(sw, "Manual chronology entry")
    sw.get_by_role("link", name="Change this entry").click()
    app.check(sw, "Change a chronology entry")
    sw.get_by_label("What happened").fill(
        "Police attended a domestic incident; the children were present and seen by officers."
    )
    sw.get_by_role("button", name="Save").click()
    expect(sw.get_by_role("heading", name="Version 1 (original)")).to_be_visible()
    expect(sw.locator("#current-h")).to_have_text("What happened (version 2)")
    app.check(sw, "Manual chronology entry (changed)")
    entry = ManualChronologyEntry.objects.get()
    assert entry.version == 2 and entry.versions.count() == 1
