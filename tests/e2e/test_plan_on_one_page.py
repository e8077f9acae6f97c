"""The plan on one page (issue 23 items 9 and 10): the social worker writes a plan of two
outcomes and three actions on one page, owners chosen from the core group, with a contingency
plan; removes an action without a script; then writes the family-friendly plan's own words and
reads its reading age.

Scene: an ICPC three working days ago made a plan (neglect) with the conference's outline as
its first outcome; Dana (the mother) and Sam Visitor (health visitor) were at the conference,
so they and the allocated social worker are the core group.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from conferences.models import ChildProtectionPlan, ConferenceParticipant, PlanAction
from conferences.services import core_group_from_conference

from . import scenes
from .pages import open_child, status_message, tab

pytestmark = pytest.mark.e2e


def test_a_plan_of_two_outcomes_and_three_actions_is_written_on_one_page(app, world):
    child = world.child
    conference = scenes.icpc_held(
        world, child, strategy_on=scenes.working_days_ago(13), held_on=scenes.working_days_ago(3)
    )
    ConferenceParticipant.objects.create(
        conference=conference, kind="parent", name="Dana Testwood", role="Mother"
    )
    ConferenceParticipant.objects.create(
        conference=conference,
        kind="agency",
        agency="health",
        name="Sam Visitor",
        role="Health visitor",
    )
    plan = ChildProtectionPlan.objects.get(child=child)
    core_group_from_conference(plan=plan, conference=conference, user=world.iro)
    today = scenes.today()

    sw = app.sign_in(world.social_worker)
    open_child(app, sw, child)
    tab(sw, "Conferences and plan")
    app.check(sw, "Conferences and plan")

    # --- From the child's plan tab: one page, one save --------------------------------------
    clicks = 0
    sw.get_by_role("link", name="Change the outcomes and actions").click()
    clicks += 1
    editor = sw.url
    app.check(sw, "Outcomes and actions, on one page")
    first = sw.get_by_role("group", name="Outcome 1", exact=True)
    expect(first.get_by_label("What needs to change")).to_have_value(
        "Dana keeps the home calm and safe for the children."
    )
    one = sw.get_by_role("group", name="Outcome 1, action 1 (new)")
    one.get_by_label("What will be done").fill("Dana goes to the parenting group every Monday.")
    one.get_by_label("Who will do it").select_option(label="Dana Testwood (Mother)")
    one.get_by_label("By when").fill(f"{today + timedelta(days=28):%Y-%m-%d}")
    second = sw.get_by_role("group", name="Outcome 2 (new)", exact=True)
    second.get_by_label("What needs to change").fill("The baby gains weight and is well fed.")
    two = sw.get_by_role("group", name="Outcome 2, action 1 (new)")
    two.get_by_label("What will be done").fill("Sam weighs the baby every fortnight at home.")
    two.get_by_label("Who will do it").select_option(label="Sam Visitor (Health visitor)")
    two.get_by_label("By when").fill(f"{today + timedelta(days=14):%Y-%m-%d}")
    two.get_by_label("How we will know").fill("The weight chart in the red book.")
    three = sw.get_by_role("group", name="Outcome 2, action 2 (new)")
    three.get_by_label("What will be done").fill("The nursery gives the baby lunch each day.")
    three.get_by_label("Or someone outside the core group").fill("Little Acorns nursery")
    three.get_by_label("By when").fill(f"{today + timedelta(days=7):%Y-%m-%d}")
    sw.get_by_label("What happens if the plan does not work").fill(
        "If the baby loses weight again, a legal planning meeting is held within a week."
    )
    assert sw.url == editor  # everything above was typed on the one page
    sw.get_by_role("button", name="Save", exact=True).click()
    clicks += 1
    expect(status_message(sw)).to_contain_text("The outcomes and actions were saved")
    assert clicks == 2  # the link to the page, and Save
    expect(sw.get_by_role("heading", name=re.compile("^What needs to change 2"))).to_be_visible()
    expect(sw.get_by_text("a legal planning meeting is held within a week")).to_be_visible()
    app.check(sw, "Child protection plan (two outcomes, three actions)")
    assert plan.outcomes.count() == 2
    actions = PlanAction.objects.filter(outcome__plan=plan)
    assert actions.count() == 3
    assert set(actions.values_list("owner", flat=True)) == {
        "Dana Testwood (Mother)",
        "Sam Visitor (Health visitor)",
        "Little Acorns nursery",
    }
    assert actions.filter(owner_member__isnull=False).count() == 2

    # --- Removing an action, without a script ----------------------------------------------
    sw.get_by_role("link", name="Change the outcomes and actions").click()
    app.check(sw, "Outcomes and actions, again")
    # Actions are listed soonest first: the nursery's (a week) before the health visitor's.
    nursery = sw.get_by_role("group", name="Outcome 2, action 1", exact=True)
    expect(nursery.get_by_label("What will be done")).to_have_value(
        "The nursery gives the baby lunch each day."
    )
    nursery.get_by_label("Remove this action").check()
    sw.get_by_role("button", name="Save", exact=True).click()
    expect(status_message(sw)).to_contain_text("The outcomes and actions were saved")
    app.check(sw, "Child protection plan (an action removed)")
    assert not PlanAction.objects.filter(outcome__plan=plan, owner="Little Acorns nursery")

    # --- The family-friendly plan: the worker's own words, and its reading age --------------
    sw.get_by_role("navigation", name="This plan").get_by_role(
        "link", name="Family-friendly plan"
    ).click()
    app.check(sw, "Family-friendly plan (not written yet)")
    plan_text = sw.get_by_role("article", name="The plan in plain words")
    expect(plan_text).to_contain_text("Your social worker has not written this part yet.")
    expect(plan_text).not_to_contain_text("Risk of significant harm")  # the chair's reasons
    sw.get_by_role("link", name="Write what we are worried about, for the family").click()
    app.check(sw, "The family's words")
    expect(sw.get_by_label("What we are worried about")).to_have_value("")
    sw.get_by_label("What we are worried about").fill(
        "The baby has not been getting enough to eat. She has lost weight. We are worried "
        "she will get ill. We want to help Dana make sure she is fed every day."
    )
    sw.get_by_role("button", name="Save").click()
    expect(status_message(sw)).to_contain_text("The family-friendly plan was saved.")
    expect(plan_text).to_contain_text("The baby has not been getting enough to eat.")
    expect(plan_text).to_contain_text("What happens if the plan does not work")
    expect(sw.locator("#reading-age")).to_have_text(
        re.compile(r"Reading age about \d+ years: most families can read it\.")
    )
    app.check(sw, "Family-friendly plan (with its reading age)")
