"""`make run`'s demo, in the browser: every user the README lists signs in with the demo
password and finds work on their first screen; the team manager's and the South worker's tasks
tell the late ICPC and the strategy discussion without health. Every page is checked with axe.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.demo.readme import readme_demo_users
from tests.demo.test_demo_story import FIRST_SCREEN

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo(settings):
    settings.DEMO_MODE = True  # the README's password, no second factor
    call_command("seed_demo", "--authority", "300", stdout=open("/dev/null", "w"))  # noqa: SIM115
    return settings.DEMO_PASSWORD


def test_each_readme_user_finds_work_on_their_first_screen(app, demo):
    from accounts.models import User

    for username in readme_demo_users():
        page = app.sign_in(User.objects.get(username=username), password=demo)
        main = page.get_by_role("main")
        for expected in FIRST_SCREEN[username]:
            expect(main).to_contain_text(re.compile(expected))
        expect(main).not_to_contain_text("No children are allocated to you")
        expect(main).not_to_contain_text("No upcoming conferences")
        if username == "tm.north":
            page.get_by_role("link", name="My tasks").first.click()
            expect(main).to_contain_text("Mia Examplecroft")
            expect(main).to_contain_text("No initial conference held")
            app.check(page, "My tasks (tm.north)")
        if username == "sw.south":
            page.get_by_role("link", name="My tasks").first.click()
            expect(main).to_contain_text("Kai Fictionley")
            expect(main).to_contain_text(re.compile("health", re.I))
            app.check(page, "My tasks (sw.south)")
        page.context.close()
