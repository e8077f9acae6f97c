"""Long lists a page at a time (issue 17): business support page through the diary, a senior
manager through a drill-down; each page passes axe, and the pagination is a labelled
navigation whose current page is announced."""

import pytest
from playwright.sync_api import expect

from tests.conferences.test_diary_paging import _conferences
from tests.dashboards.test_paging import PERIOD, _alerts

pytestmark = pytest.mark.e2e


def test_business_support_page_through_the_diary(app, world):
    _conferences(world, 90)  # 60 upcoming, 30 held
    bs = app.sign_in(world.business_support)
    bs.get_by_role("navigation", name="Main").get_by_role("link", name="Conferences").click()
    app.check(bs, "Conference diary, page 1")
    pages = bs.get_by_role("navigation", name="Pagination: upcoming conferences")
    expect(pages.get_by_role("link", name="Page 1")).to_have_attribute("aria-current", "page")
    expect(pages).to_contain_text("Page 1 of 2: 1 to 50 of 60 conferences.")
    pages.get_by_role("link", name="Next page").click()
    app.check(bs, "Conference diary, page 2")
    upcoming = bs.get_by_role("table", name="Upcoming conferences, page 2 of 2")
    expect(upcoming.get_by_role("row")).to_have_count(1 + 10)
    pages = bs.get_by_role("navigation", name="Pagination: upcoming conferences")
    expect(pages.get_by_role("link", name="Page 2")).to_have_attribute("aria-current", "page")


def test_a_senior_manager_pages_through_a_drill_down(app, world):
    _alerts(world, 70)
    manager = app.sign_in(world.senior_manager)
    manager.goto(f"/dashboards/drill/open_alerts/?from={PERIOD['from']}&to={PERIOD['to']}")
    app.check(manager, "Open alerts, page 1")
    pages = manager.get_by_role("navigation", name="Pagination")
    pages.get_by_role("link", name="Page 2").click()
    app.check(manager, "Open alerts, page 2")
    expect(manager.get_by_role("table").get_by_role("row")).to_have_count(1 + 20)
