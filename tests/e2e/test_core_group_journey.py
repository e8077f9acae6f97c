"""The social worker at a core group: progress on the plan's actions, a new action, and the
family-friendly plan's check for professional jargon.

Scene: an ICPC three working days ago made a child protection plan (neglect) with one outcome
and two actions.
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from conferences.models import ActionProgress, ChildProtectionPlan, CoreGroupMeeting
from tests.conferences.factories import ActionFactory

from . import scenes
from .pages import open_child, status_message, tab

pytestmark = pytest.mark.e2e


def test_core_group_updates_the_plan_and_the_family_plan_flags_jargon(app, world):
    child = world.child
    scenes.icpc_held(
        world,
        child,
        strategy_on=scenes.working_days_ago(13),
        held_on=scenes.working_days_ago(3),
    )
    plan = ChildProtectionPlan.objects.get(child=child)
    outcome = plan.outcomes.get()
    today = scenes.today()
    club = ActionFactory(
        outcome=outcome,
        action="Dana takes the children to the after-school club every Tuesday.",
        owner="Dana (mother)",
        timescale=today + timedelta(days=14),
    )
    weight = ActionFactory(
        outcome=outcome,
        action="Sam visits at home every fortnight and weighs the baby.",
        owner="Sam Visitor (health visitor)",
        timescale=today + timedelta(days=28),
    )

    sw = app.sign_in(world.social_worker)
    open_child(app, sw, child)
    tab(sw, "Conferences and plan")
    app.check(sw, "Conferences and plan")
    sw.get_by_role("link", name="Core groups").click()
    app.check(sw, "Core groups (none yet)")

    # --- The core group ---------------------------------------------------------------------
    sw.get_by_role("link", name="Record a core group").click()
    app.check(sw, "Record a core group")
    expect(sw.get_by_role("textbox", name=re.compile("^Meeting date"))).to_have_value(
        f"{today:%Y-%m-%d}"
    )
    sw.get_by_label("Everyone else who attended").fill(
        "Dana (mother)\nSam Visitor, health visitor\nPat Teacher, school\n"
        f"{world.social_worker.get_full_name()}, social worker"
    )
    sw.get_by_label("Parents or carers attended").check()
    sw.get_by_label("The child's views").fill('"Club is fun. I like the football."')
    sw.get_by_label("Progress and changes to the plan").fill(
        "Good attendance at the club; the baby's weight is back on track."
    )
    club_row = sw.get_by_role("group", name=re.compile("^Dana takes the children"))
    club_row.get_by_label("Progress").select_option(label="Done")
    club_row.get_by_label("Evidence").fill("The club register shows three Tuesdays in a row.")
    weight_row = sw.get_by_role("group", name=re.compile("^Sam visits at home"))
    weight_row.get_by_label("Progress").select_option(label="On track")
    weight_row.get_by_label("Evidence").fill("Weighed on Monday: back on the 25th centile.")
    sw.get_by_role("button", name="Save").click()
    expect(status_message(sw)).to_contain_text("The core group was recorded")
    meetings = sw.get_by_role("table", name=re.compile("core group.*latest first"))
    expect(meetings).to_contain_text("Club is fun")
    sw.get_by_text("Discussion and progress at the core group").click()
    expect(sw.get_by_role("table", name="Progress on the plan's actions")).to_contain_text(
        "three Tuesdays"
    )
    app.check(sw, "Core groups")
    meeting = CoreGroupMeeting.objects.get(plan=plan)
    assert meeting.meeting_date == today and meeting.parents_attended
    assert {(u.action_id, u.progress) for u in meeting.action_updates.all()} == {
        (club.pk, ActionProgress.DONE),
        (weight.pk, ActionProgress.ON_TRACK),
    }
    club.refresh_from_db()
    weight.refresh_from_db()
    assert club.progress == ActionProgress.DONE
    assert weight.progress == ActionProgress.ON_TRACK

    # --- A new action, written in professional words ----------------------------------------
    sw.get_by_role("navigation", name="This plan").get_by_role(
        "link", name="Outcomes and actions"
    ).click()
    app.check(sw, "Outcomes and actions")
    sw.get_by_role("link", name="Change the outcomes and actions").click()
    app.check(sw, "Outcomes and actions, on one page")
    new = sw.get_by_role("group", name="Outcome 1, action 3 (new)")
    new.get_by_label("What will be done").fill(
        "Dana to engage with CAMHS to address the children's emotional needs."
    )
    new.get_by_label("Or someone outside the core group").fill("Dana (mother)")
    new.get_by_label("By when").fill(f"{today + timedelta(days=42):%Y-%m-%d}")
    sw.get_by_role("button", name="Save", exact=True).click()
    expect(status_message(sw)).to_contain_text("The outcomes and actions were saved")
    app.check(sw, "Outcomes and actions (action added)")
    assert outcome.actions.filter(action__contains="CAMHS", owner="Dana (mother)").exists()

    # --- The family-friendly plan flags the jargon -----------------------------------------
    sw.get_by_role("navigation", name="This plan").get_by_role(
        "link", name="Family-friendly plan"
    ).click()
    check = sw.get_by_role("region", name="Check the words before you share this plan")
    expect(check).to_contain_text('Instead of "CAMHS", try "the children\'s mental health service"')
    expect(check).to_contain_text('Instead of "engage"')
    app.check(sw, "Family-friendly plan", readme="family-friendly-plan")
