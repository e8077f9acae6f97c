"""The team manager: conference timeliness on the dashboard, a breach acknowledged, oversight.

Scene: in the manager's team, Ruby's ICPC was held within 15 working days and Leo's after it;
Amara's referral, received three working days ago, still has no threshold decision. The
timescale scan has run (as it does every night and after every change).
"""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from cases.models import ManagementOversight
from monitoring.models import Alert, AlertStatus
from monitoring.services import timescales_scan
from tests.cases.factories import ChildFactory, ReferralFactory

from . import scenes
from .pages import open_child, status_message, tab

pytestmark = pytest.mark.e2e


def test_team_manager_sees_timeliness_acknowledges_a_breach_and_records_oversight(app, world):
    ruby, leo = scenes.icpcs_one_in_time_one_late(world)
    amara = ChildFactory(
        first_name="Amara",
        last_name="Samplebrook",
        allocated_team=world.team,
        allocated_worker=world.social_worker,
    )
    received = scenes.working_days_ago(3)
    ReferralFactory(child=amara, received_at=scenes.at(received, 9, 15))
    timescales_scan()
    breach = Alert.objects.get(rule="REFERRAL_DECISION", child=amara)
    assert breach.status == AlertStatus.OPEN and breach.days_overdue == 2

    tm = app.sign_in(world.team_manager)

    # --- The dashboard: one ICPC in timescale, one late ---------------------------------------
    tm.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    expect(tm.get_by_role("heading", level=1)).to_contain_text("Team dashboard")
    timeliness = tm.get_by_role("table", name="ICPC timeliness")
    in_time = timeliness.get_by_role("row", name=re.compile("^Within 15 working days"))
    late = timeliness.get_by_role("row", name=re.compile("^Late"))
    expect(in_time.get_by_role("link")).to_have_text("1")
    expect(late.get_by_role("link")).to_have_text("1")
    app.check(tm, "Team dashboard", readme="team-dashboard")
    late.get_by_role("link").click()
    drill = tm.get_by_role("table")
    expect(drill).to_contain_text(leo.full_name)
    expect(drill).not_to_contain_text(ruby.full_name)
    app.check(tm, "Dashboard: late ICPCs")
    tm.go_back()
    tm.get_by_role("table", name="ICPC timeliness").get_by_role(
        "row", name=re.compile("^Within 15 working days")
    ).get_by_role("link").click()
    expect(tm.get_by_role("table")).to_contain_text(ruby.full_name)
    expect(tm.get_by_role("table")).not_to_contain_text(leo.full_name)
    app.check(tm, "Dashboard: ICPCs in timescale")
    # The whole denominator, to find the conference that was late.
    tm.get_by_role("link", name=re.compile("met and not met")).click()
    every = tm.get_by_role("table")
    expect(every.get_by_role("row", name=re.compile(ruby.full_name))).to_contain_text("Yes")
    expect(every.get_by_role("row", name=re.compile(leo.full_name))).to_contain_text("No")
    app.check(tm, "Dashboard: ICPCs, met and not met")
    tm.go_back()
    tm.go_back()
    by_rule = tm.get_by_role("table", name="By rule")
    by_rule.get_by_role("row", name=re.compile("^Referral decision")).get_by_role("link").click()
    expect(tm.get_by_role("heading", level=1)).to_contain_text("Open alerts: Referral decision")
    expect(tm.get_by_role("table")).to_contain_text(amara.full_name)
    app.check(tm, "Dashboard: open alerts for one rule")

    # --- My tasks: the late referral decision, acknowledged with a note ---------------------
    tm.get_by_role("navigation", name="Main").get_by_role(
        "link", name=re.compile("^My tasks")
    ).click()
    row = (
        tm.get_by_role("row").filter(has_text=amara.full_name).filter(has_text="Referral decision")
    )
    expect(row).to_contain_text("Overdue by 2 working days")
    app.check(tm, "My tasks", readme="my-tasks")
    note = "Duty manager deciding today; the worker has phoned the school."
    row.get_by_label("What is being done").fill(note)
    row.get_by_role("button", name="Acknowledge").click()
    expect(status_message(tm)).to_contain_text("Alert acknowledged.")
    row = (
        tm.get_by_role("row").filter(has_text=amara.full_name).filter(has_text="Referral decision")
    )
    expect(row).to_contain_text("Acknowledged")
    expect(row).to_contain_text(f"Acknowledged by {world.team_manager.get_full_name()}")
    expect(row).to_contain_text(note)
    app.check(tm, "My tasks (acknowledged)")
    breach.refresh_from_db()
    assert breach.status == AlertStatus.ACKNOWLEDGED
    assert (breach.acknowledged_by, breach.acknowledgement_note) == (world.team_manager, note)

    # --- Management oversight of Ruby's plan -------------------------------------------------
    open_child(app, tm, ruby)
    tab(tm, "Management oversight")
    app.check(tm, "Management oversight (none yet)")
    tm.get_by_role("link", name="Record oversight").click()
    app.check(tm, "Record management oversight")
    today = scenes.today()
    tm.get_by_label("Date of oversight").fill(f"{today:%Y-%m-%d}")
    tm.get_by_label("Reflection").fill(
        "Plan is in place; first core group is due. Sam has seen Ruby alone twice."
    )
    tm.get_by_label("Direction").fill("Hold the first core group this week; ask CAMHS for a date.")
    tm.get_by_label("Next review date").fill(f"{today + timedelta(days=28):%Y-%m-%d}")
    tm.get_by_role("button", name="Save").click()
    expect(tm.get_by_role("main")).to_contain_text("Hold the first core group this week")
    app.check(tm, "Management oversight")
    oversight = ManagementOversight.objects.get(child=ruby)
    assert oversight.manager == world.team_manager and oversight.oversight_date == today
