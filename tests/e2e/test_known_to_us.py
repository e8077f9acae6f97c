""" "Known to us?" in the browser: a South Team worker searches for "Rubie Testwud", finds Ruby
Testwood known to the North Assessment Team and on a plan (nothing else of her record), and
opens the record only after giving a reason. Every page passes axe."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from cases.family_people import link_family
from cases.models import OpenedWithReason
from tests.cases.factories import CaseNoteFactory
from tests.conferences.factories import PlanFactory

pytestmark = pytest.mark.e2e


def test_worker_finds_a_child_known_to_another_team_and_opens_it_with_a_reason(app, world):
    child = world.child
    world.team.contact_phone = "0151 000 1111"
    world.team.save(update_fields=["contact_phone"])
    link_family(children=[child])
    PlanFactory(child=child, start_date=datetime.date(2026, 6, 1))
    CaseNoteFactory(child=child, text="A synthetic case note nobody outside may read.")

    page = app.sign_in(world.other_team_worker)
    page.get_by_role("link", name="Known to us?").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Known to us?")
    app.check(page, "Known to us? (search)")

    page.get_by_label("First name").fill("Rubie")
    page.get_by_label("Last name").fill("Testwud")
    page.get_by_role("button", name="Search").last.click()
    main = page.get_by_role("main")
    expect(main).to_contain_text("Ruby Testwood: known to children's services")
    expect(main).to_contain_text("On a child protection plan.")
    expect(main).to_contain_text("North Assessment Team, telephone 0151 000 1111")
    expect(main).not_to_contain_text("NA000101")
    expect(main).not_to_contain_text("14 Mar 2017")
    expect(main).not_to_contain_text("synthetic case note")
    app.check(page, "Known to us? (a child known to another team)")

    page.get_by_role("link", name="Open this record (you will be asked why)").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Open a record outside your work")
    app.check(page, "Open a record outside your work")
    page.get_by_role("button", name="Record my reason and open the record").click()
    expect(page.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    app.check(page, "Open a record outside your work (no reason)")
    assert not OpenedWithReason.objects.exists()

    page.get_by_label("Why do you need to open this record?").fill(
        "A school contact about Ruby received today by the South Team duty desk."
    )
    page.get_by_role("button", name="Record my reason and open the record").click()
    expect(page).to_have_url(re.compile(rf"/children/{child.pk}/$"))
    expect(page.get_by_role("main")).to_contain_text("Ruby Testwood")
    app.check(page, "Ruby's record, opened with a reason")
    opened = OpenedWithReason.objects.get()
    assert opened.user == world.other_team_worker and "school contact" in opened.reason
