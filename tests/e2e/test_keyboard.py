"""A social worker records a referral with the keyboard alone: no mouse, no shortcuts."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import Referral

from .pages import status_message

pytestmark = pytest.mark.e2e


def focused(page: Page) -> dict:
    """What has the keyboard focus, and whether the focus can be seen."""
    return page.evaluate(
        """() => {
          const el = document.activeElement;
          const style = getComputedStyle(el);
          return {
            id: el.id, tag: el.tagName.toLowerCase(), text: el.innerText || "",
            visible: style.outlineStyle !== "none" || style.boxShadow !== "none",
          };
        }"""
    )


def tab_to(page: Page, field_id: str, *, limit: int = 40) -> None:
    """Press Tab until the field has the focus, as a keyboard user moves down the page."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if now["id"] == field_id:
            assert now["visible"], f"#{field_id} has the focus but shows no focus indicator"
            return
    raise AssertionError(f"#{field_id} was not reached with {limit} presses of Tab")


def type_date_and_time(page: Page, field_id: str, when) -> None:
    """Type into the focused date-and-time field segment by segment.

    Chromium lays the segments out in its own locale's order (month first with AM/PM in
    en-US, day first on a 24-hour clock in en-GB); a person types what they see, so both
    orders are tried and the field's value says which one the browser took.
    """
    hour12 = when.hour % 12 or 12
    orders = [
        [
            f"{when:%m}",
            f"{when:%d}",
            f"{when:%Y}",
            "ArrowRight",
            f"{hour12:02d}",
            f"{when:%M}",
            "A" if when.hour < 12 else "P",
        ],
        [f"{when:%d}", f"{when:%m}", f"{when:%Y}", "ArrowRight", f"{when:%H}", f"{when:%M}"],
    ]
    expected = f"{when:%Y-%m-%dT%H:%M}"
    for keys in orders:
        for key in keys:
            if key == "ArrowRight":
                page.keyboard.press(key)
            else:
                page.keyboard.type(key)
        if page.input_value(f"#{field_id}") == expected:
            return
        for _ in range(len(keys)):  # back to the first segment, to type over every one
            page.keyboard.press("ArrowLeft")
    raise AssertionError(f"Could not type {expected} into #{field_id}")


def test_referral_form_is_completed_with_the_keyboard_alone(app, world):
    child = world.child
    received = timezone.localtime().replace(second=0, microsecond=0) - timedelta(minutes=30)
    page = app.sign_in(world.social_worker)
    page.goto(f"/children/{child.pk}/referrals/")
    app.check(page, "Referrals")

    # The skip link is the first stop, and is visible when it has the focus.
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")

    for _ in range(30):
        page.keyboard.press("Tab")
        if focused(page)["text"] == "Record a referral":
            break
    else:
        raise AssertionError("The 'Record a referral' link was not reached with Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Record a referral")).to_be_visible()

    # Sent empty first: the errors are shown beside the fields and the page stays accessible.
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    tab_to(page, "id_received_at")
    for _ in range(12):  # on past every segment of the date field and on to the Save button
        page.keyboard.press("Tab")
        if focused(page)["text"] == "Save":
            break
    page.keyboard.press("Enter")
    expect(page.locator("#id_received_at")).to_have_attribute("aria-invalid", "true")
    app.check(page, "Record a referral, with errors")

    tab_to(page, "id_received_at")
    type_date_and_time(page, "id_received_at", received)
    tab_to(page, "id_source")
    page.keyboard.type("2A")  # type-ahead chooses "2A Schools"
    expect(page.locator("#id_source")).to_have_value("2A")
    tab_to(page, "id_referrer_name")
    page.keyboard.type("Head teacher, Example Primary School")
    tab_to(page, "id_reason")
    page.keyboard.type("The child came to school hungry for the third day running.")
    tab_to(page, "id_primary_need")
    page.keyboard.type("N1")
    expect(page.locator("#id_primary_need")).to_have_value("N1")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Save" and focused(page)["visible"]
    page.keyboard.press("Enter")

    expect(status_message(page)).to_contain_text("The referral was recorded.")
    app.check(page, "Referral recorded with the keyboard")
    referral = Referral.objects.get(child=child)
    assert referral.received_at == received
    assert (referral.source, referral.primary_need) == ("2A", "N1")
    assert referral.referrer_name == "Head teacher, Example Primary School"
