"""My work (#23 item 7): the team manager reaches a referral's decision form from My tasks in
one click (it took four: the task, the child, the referrals tab, the referral), and the social
worker's task links straight to the form that meets it. Every page passes axe."""

import re

import pytest
from playwright.sync_api import expect

from monitoring.services import timescales_scan
from tests.cases.factories import ChildFactory, ReferralFactory

from . import scenes

pytestmark = pytest.mark.e2e


def test_a_decision_is_one_click_from_my_work(app, world):
    amara = ChildFactory(
        first_name="Amara",
        last_name="Samplebrook",
        allocated_team=world.team,
        allocated_worker=world.social_worker,
    )
    ReferralFactory(child=amara, received_at=scenes.at(scenes.working_days_ago(3), 9, 15))
    timescales_scan()

    tm = app.sign_in(world.team_manager)
    tm.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^My tasks")
    ).click()
    decisions = tm.get_by_role("table", name=re.compile("^Threshold decisions on referrals"))
    expect(decisions).to_contain_text(amara.full_name)
    app.check(tm, "My tasks with decisions waiting")
    clicks = 0
    decisions.get_by_role("link", name=re.compile("^Decide the referral")).click()
    clicks += 1
    expect(tm.get_by_role("heading", name="Threshold decision")).to_be_visible()
    app.check(tm, "Referral decision, from My tasks")
    assert clicks == 1
    assert "/decide/" in tm.url

    # The same task on the tasks list links to the same form.
    tm.go_back()
    row = (
        tm.get_by_role("row").filter(has_text=amara.full_name).filter(has_text="Referral decision")
    )
    row.get_by_role("link", name=re.compile("^Record the decision")).click()
    assert "/decide/" in tm.url
