"""The demo tells a story for every user the README lists: each one's first screen (home)
has work on it. The browser version, with axe checks: tests/e2e/test_demo_first_screens.py."""

import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.models import User
from monitoring.selectors import pending_alerts_for_user
from tests.demo.readme import readme_demo_users

# What each README user's home page shows them to do (a regular expression on its text).
FIRST_SCREEN = {
    "sw.north": [r"Children allocated to you", r"\d+ tasks? overdue or due soon"],
    "sw.north2": [r"Mia Examplecroft", r"\d+ tasks? overdue or due soon"],
    "sw.south": [r"Kai Fictionley", r"\d+ tasks? overdue or due soon"],
    "tm.north": [r"Your teams' children", r"Mia Examplecroft", r"\d+ tasks? overdue"],
    "tm.south": [r"Kai Fictionley", r"\d+ tasks? overdue or due soon"],
    "iro": [r"The next conferences you chair", r"Mia Examplecroft", r"Late: booked"],
    "iro2": [r"The next conferences you chair", r"Kai Fictionley"],
    "bsupport": [r"\d+ conferences? requested and not yet booked"],
    "senior": [r"[1-9]\d\d children have a record"],
    "admin": [r"Manage users ?, teams ?and roles"],
    "fh.worker": [r"Children allocated to you", r"Ellie Mockford"],
    "tm.familyhelp": [r"Your teams' children", r"Theo Mockford", r"Noah Inventedale"],
    "data.officer": [r"likely duplicate person records to review"],
}


def test_every_readme_user_has_a_first_screen_rule():
    assert sorted(readme_demo_users()) == sorted(FIRST_SCREEN)


@pytest.fixture
def demo(db, settings):
    settings.DEMO_MODE = True
    call_command("seed_demo", "--authority", "300", stdout=open("/dev/null", "w"))  # noqa: SIM115


def _home_text(client, username: str) -> str:
    client.force_login(User.objects.get(username=username))
    html = client.get(reverse("home")).content.decode()
    main = html.split('id="main"', 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main))


def test_each_readme_user_sees_work_on_their_first_screen(demo, client):
    for username in readme_demo_users():
        text = _home_text(client, username)
        for expected in FIRST_SCREEN[username]:
            assert re.search(expected, text), f"{username}: no {expected!r} in: {text[:600]}"
        assert "No children are allocated to you" not in text, username
        assert "No upcoming conferences" not in text, username


def test_the_demo_has_its_stories(demo):
    """A caseload for each worker, alerts for each team, conferences for each IRO to chair,
    a late ICPC and a strategy discussion without health."""
    from conferences.models import Conference
    from monitoring.models import Alert

    users = {u.username: u for u in User.objects.filter(username__in=readme_demo_users())}
    for name in ("sw.north", "sw.north2", "sw.south"):
        assert users[name].allocated_children.count() >= 10, name
    for name in ("sw.north", "tm.north", "sw.south", "tm.south", "iro", "iro2"):
        assert pending_alerts_for_user(users[name]).exists(), name
    for name in ("iro", "iro2"):
        assert Conference.objects.upcoming().filter(chair=users[name]).exists(), name
    late = Alert.objects.get(rule="ICPC_15", child__la_child_id="DEMO0007")
    assert late.status == "open" and late.responsible_iro == users["iro"]
    assert Alert.objects.filter(
        rule="STRATEGY_NO_HEALTH", child__la_child_id="DEMO0004", status="open"
    ).exists()
