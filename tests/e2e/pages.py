"""Small steps shared by the journeys: how a person moves around the application."""

from playwright.sync_api import Page, expect


def open_child(app, page: Page, child) -> None:
    """From any page: the Children list in the main navigation, then the child's record."""
    main_nav = page.get_by_role("navigation", name="Main")
    main_nav.get_by_role("link", name="Children", exact=True).click()
    app.check(page, "Children")
    page.get_by_role("link", name=child.full_name).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(child.full_name)
    app.check(page, "Child summary")


def tab(page: Page, name: str) -> None:
    """Open one of the sections of the child's record."""
    sections = page.get_by_role("navigation", name="Child record sections")
    sections.get_by_role("link", name=name, exact=True).click()
    expect(sections.get_by_role("link", name=name, exact=True)).to_have_attribute(
        "aria-current", "page"
    )


def status_message(page: Page):
    """The messages area that announces what just happened (role=status)."""
    return page.locator("main .messages[role=status]")
