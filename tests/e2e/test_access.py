"""A social worker from another team cannot reach the child, by address or by search.

She signs in with the authenticator app she already set up (the second-factor code step).
"""

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

CHILD_PAGES = [
    ("Summary", "/children/{pk}/"),
    ("Referrals", "/children/{pk}/referrals/"),
    ("Strategy and section 47", "/children/{pk}/strategy/"),
    ("Conferences and plan", "/children/{pk}/plan/"),
    ("Visits", "/children/{pk}/visits/"),
    ("Chronology", "/children/{pk}/chronology/"),
]


def test_social_worker_from_another_team_cannot_reach_the_child(app, world):
    child = world.child
    TOTPDevice.objects.create(user=world.other_team_worker, name="Phone", confirmed=True)

    page = app.sign_in(world.other_team_worker)
    for name, url in CHILD_PAGES:
        response = page.goto(url.format(pk=child.pk))
        assert response.status == 404, f"{name}: {response.status}"
        expect(page.get_by_role("heading", level=1)).to_have_text("Page not found")
        expect(page.get_by_role("main")).not_to_contain_text(child.last_name)
        app.check(page, f"Page not found ({name})")

    page.get_by_role("link", name="Go to your home page").click()
    page.get_by_role("searchbox", name="Find a child by name, ID or date of birth").first.fill(
        child.last_name
    )
    page.get_by_role("button", name="Search").first.click()
    expect(page.get_by_role("main")).to_contain_text("No children match.")
    expect(page.get_by_role("link", name=child.full_name)).to_have_count(0)
    app.check(page, "Children (search with no match)")
