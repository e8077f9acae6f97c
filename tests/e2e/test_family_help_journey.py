"""A manager steps a child down to Family Help when the episode closes; the Family Help team's
manager finds it waiting and accepts it with a date. Every page is checked with axe (WCAG 2.2
AA).

Scene: Team A's child, referred 40 days ago, assessed, the assessment authorised 10 days ago;
Team B is the Family Help team.
"""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from familyhelp.models import StepDown
from tests.cases.factories import AssessmentFactory, ReferralFactory

from . import scenes
from .pages import open_child, status_message, tab

pytestmark = pytest.mark.e2e


def test_step_down_to_family_help_and_its_acceptance(app, world):
    child = world.child
    received = scenes.today() - timedelta(days=40)
    referral = ReferralFactory(
        child=child,
        received_at=scenes.at(received, 9),
        decision="assessment",
        decided_at=scenes.at(received, 15),
        decided_by=world.team_manager,
    )
    AssessmentFactory(
        referral=referral,
        child=child,
        start_date=received + timedelta(days=1),
        authorised_date=scenes.today() - timedelta(days=10),
        outcome="early_help",
    )

    tm = app.sign_in(world.team_manager)
    open_child(app, tm, child)
    tab(tm, "Referrals and assessments")
    app.check(tm, "Referrals and assessments")
    tm.get_by_role("link", name="Referral received").first.click()
    app.check(tm, "Referral")
    tm.get_by_role("link", name="Close and step down to Family Help").click()
    app.check(tm, "Close the episode and step down to Family Help")
    tm.get_by_label("Receiving Family Help team").select_option(label=world.other_team.name)
    tm.get_by_label("Why Family Help now").fill("School attendance and routines at home.")
    tm.get_by_role("button", name="Save").click()
    expect(status_message(tm)).to_contain_text("waits for the Family Help team")
    app.check(tm, "Family Help (step-down waiting)")
    step_down = StepDown.objects.get(referral=referral)
    assert step_down.is_pending

    # The Family Help team's worker sees it waiting; the manager has it in their decisions.
    worker = app.sign_in(world.other_team_worker)
    worker.get_by_role("navigation", name="Main").get_by_role("link", name="My tasks").click()
    worker.get_by_role("link", name="Family Help: step-downs and step-ups waiting").click()
    expect(worker.get_by_role("main")).to_contain_text(child.full_name)
    app.check(worker, "Family Help: waiting for your team")

    fh = app.sign_in(world.other_manager)
    fh.get_by_role("navigation", name="Main").get_by_role("link", name="My tasks").click()
    app.check(fh, "My tasks (a step-down to accept)")
    fh.get_by_role("link", name=f"Accept the step-down for {child.full_name}").click()
    app.check(fh, "Accept the step-down")
    fh.get_by_label("Date accepted").fill(f"{scenes.today():%Y-%m-%d}")
    fh.get_by_role("button", name="Accept the step-down").click()
    expect(status_message(fh)).to_contain_text(f"now allocated to {world.other_team.name}")
    app.check(fh, "Family Help (step-down accepted)")
    step_down.refresh_from_db()
    assert step_down.accepted_on == scenes.today()
    assert step_down.accepted_by == world.other_manager
    child.refresh_from_db()
    assert child.allocated_team == world.other_team
