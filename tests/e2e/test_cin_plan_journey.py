"""The social worker records the family's wider network and runs a child in need plan.

Scene: a referral a month ago, decided for assessment, still open; the mother and father are
recorded. Every page is checked with axe (WCAG 2.2 AA).
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from cases.models import CINPlan, FamilyMember
from tests.cases.factories import FamilyMemberFactory, ReferralFactory

from . import scenes
from .pages import open_child, status_message, tab

pytestmark = pytest.mark.e2e


def test_grandmother_on_the_fathers_side_and_a_child_in_need_plan(app, world):
    child = world.child
    received = scenes.today() - timedelta(days=30)
    ReferralFactory(
        child=child,
        received_at=scenes.at(received, 9),
        decision="assessment",
        decided_at=scenes.at(received, 15),
    )
    FamilyMemberFactory(child=child, first_name="Dana", relationship="mother", sex="F")
    father = FamilyMemberFactory(
        child=child, first_name="Rob", last_name="Fielding", relationship="father", sex="M"
    )

    sw = app.sign_in(world.social_worker)
    open_child(app, sw, child)

    # --- The father's mother, recorded as related through him --------------------------------
    tab(sw, "Family and network")
    sw.get_by_role("link", name="Add a family member").click()
    app.check(sw, "Add a family member")
    sw.get_by_label("First name").fill("Gwen")
    sw.get_by_label("Last name").fill("Fielding")
    sw.get_by_label("Relationship").select_option(label="Grandmother")
    sw.get_by_label("Which parent they are related through").select_option(
        label="Rob Fielding (father)"
    )
    sw.get_by_label("Sex").select_option(label="Female")
    sw.get_by_role("button", name="Save").click()
    row = sw.get_by_role("row").filter(has_text="Gwen Fielding")
    expect(row).to_contain_text("through Rob Fielding (father)")
    app.check(sw, "Family and network (related through)")
    gwen = FamilyMember.objects.get(child=child, first_name="Gwen")
    assert gwen.through_parent == father

    tab(sw, "Genogram")
    expect(sw.get_by_role("main")).to_contain_text("mother of Rob Fielding")
    app.check(sw, "Genogram (grandmother linked)")

    # --- A child in need plan: started, then ended --------------------------------------------
    tab(sw, "Child in need plans")
    app.check(sw, "Child in need plans (none yet)")
    sw.get_by_role("link", name="Start a child in need plan").click()
    app.check(sw, "Start a child in need plan")
    start = scenes.today() - timedelta(days=7)
    sw.get_by_label("Start date").fill(f"{start:%Y-%m-%d}")
    sw.get_by_role("button", name="Save").click()
    expect(sw.get_by_role("table")).to_contain_text(f"{start:%-d %b %Y}")
    app.check(sw, "Child in need plans")
    plan = CINPlan.objects.get(child=child)
    assert plan.start_date == start and plan.end_date is None

    sw.get_by_role("link", name=re.compile("^End the plan")).click()
    app.check(sw, "End the child in need plan")
    sw.get_by_role("button", name="Save").click()
    expect(status_message(sw)).to_be_visible()
    plan.refresh_from_db()
    assert plan.end_date == scenes.today()
    app.check(sw, "Child in need plans (ended)")
