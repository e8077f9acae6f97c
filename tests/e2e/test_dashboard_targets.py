"""The team manager reads a figure against the authority's target and finds the children behind
it that missed (#23 items 13 and 14): the card says "Not met" in words, its link opens the whole
denominator, the filter shows the ones not met, and the page leads back to the dashboard with
the same period. Every page passes axe."""

import re

import pytest
from playwright.sync_api import expect

from dashboards.models import FigureTarget
from monitoring.services import timescales_scan

from . import scenes

pytestmark = pytest.mark.e2e


def test_a_figure_against_its_target_and_the_children_who_missed(app, world):
    ruby, leo = scenes.icpcs_one_in_time_one_late(world)
    timescales_scan()
    FigureTarget.objects.create(figure="icpc_in_timescale", target=90)

    tm = app.sign_in(world.team_manager)
    tm.get_by_role("navigation", name="Main").get_by_role("link", name="Dashboard").click()
    card = tm.locator(".card").filter(
        has=tm.get_by_role("heading", name="Within 15 working days", exact=True)
    )
    expect(card).to_contain_text("50.0%")
    expect(card).to_contain_text("Target 90%: Not met")
    app.check(tm, "Team dashboard with a target")
    dashboard_url = tm.url

    # One click from the card to every ICPC counted, met and not met.
    card.get_by_role("link").click()
    expect(tm.get_by_role("heading", level=1)).to_contain_text("met and not met")
    table = tm.get_by_role("table")
    expect(table).to_contain_text(ruby.full_name)
    expect(table).to_contain_text(leo.full_name)
    app.check(tm, "Drill-down: every ICPC")
    tm.get_by_label("Show", exact=True).select_option("no")
    tm.get_by_role("button", name="Show", exact=True).click()
    table = tm.get_by_role("table")
    expect(table.get_by_role("row", name=re.compile(leo.full_name))).to_contain_text("No")
    expect(table).not_to_contain_text(ruby.full_name)
    expect(tm.get_by_role("main")).to_contain_text("Showing 1 not met")
    app.check(tm, "Drill-down: ICPCs not met")
    tm.get_by_role("link", name="Back to the dashboard").click()
    expect(tm.get_by_role("heading", level=1)).to_contain_text("Team dashboard")
    assert "from=" in tm.url and "to=" in tm.url
    assert tm.url.split("?")[0] == dashboard_url.split("?")[0]
    app.check(tm, "Team dashboard, back from the drill-down")
