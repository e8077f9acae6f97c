"""Browser tests: Debian's Chromium, driven by Playwright, against the live server.

One browser for the session and a fresh browser context (cookies, storage) for each person in
each test. People sign in through the real pages: password, then the authenticator code, worked
out from the key the set-up page shows (first sign-in) or from the device's key (later ones).
Every page a journey reaches is checked with axe-core for WCAG 2.2 AA, and screenshotted into
test-artifacts/e2e/.

In CI (CI set) a missing /usr/bin/chromium or Playwright fails the tests; on a developer's
machine they are skipped (Chromium) or not collected (Playwright).
"""

import os
import re
import shutil
import time
from base64 import b32decode
from datetime import date
from importlib import import_module
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.text import slugify

from tests.accounts.factories import PASSWORD

try:
    import axe_playwright_python  # noqa: F401
    import playwright  # noqa: F401
except ImportError:
    if os.environ.get("CI"):
        raise
    # On a laptop without the dev requirements the journeys are not collected at all.
    collect_ignore_glob = ["test_*.py"]

CHROMIUM = Path("/usr/bin/chromium")
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "e2e"
README_SCREENSHOTS = Path(settings.BASE_DIR) / "docs" / "screenshots"
AXE_SUMMARY = ARTIFACTS / "axe-summary.txt"


def _unavailable(reason: str):
    if os.environ.get("CI"):
        pytest.fail(f"{reason} Browser tests must run in CI.", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing: apt-get install chromium.")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=10_000)  # a busy two-core CI machine serves pages slowly
    shutil.rmtree(ARTIFACTS, ignore_errors=True)
    ARTIFACTS.mkdir(parents=True)
    AXE_SUMMARY.write_text("test | page | path | axe violations (WCAG 2.2 AA)\n")
    # Playwright's sync API runs an event loop in this thread, so Django would refuse the ORM
    # calls that set each scene. They run between browser steps, never concurrently with them.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as driver:
            chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
            yield chromium
            chromium.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if call.when == "call":
        item.e2e_failed = report.failed
    return report


_audit_trigger_sql: list[str] = []


@pytest.fixture
def _sqlite_flushable(transactional_db):
    """Let the flush after a transactional test empty the append-only audit log on SQLite.

    Django empties tables with DELETE on SQLite, which the audit log's BEFORE DELETE trigger
    refuses (PostgreSQL uses TRUNCATE, which row triggers do not see). The triggers are taken
    off just before the flush and put back before the next test, so journeys run with them.
    """
    from django.db import connection

    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        present = {row[0] for row in cursor.fetchall()}
        for sql in _audit_trigger_sql:
            name = re.search(r"CREATE TRIGGER (\w+)", sql).group(1)
            if name not in present:
                cursor.execute(sql)
    yield
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master "
            "WHERE type = 'trigger' AND tbl_name = 'auditlog_logentry'"
        )
        triggers = cursor.fetchall()
        if triggers:
            _audit_trigger_sql[:] = [sql for _, sql in triggers]
        for name, _ in triggers:
            cursor.execute(f'DROP TRIGGER "{name}"')


def totp_code(key: bytes, *, after_step: int = -1) -> str:
    """The code an authenticator app shows now for `key`, or for the next time step if this one
    was already used (django-otp refuses a code twice; it accepts one step of drift)."""
    from django_otp.oath import TOTP

    totp = TOTP(key, step=30, t0=0, digits=6, drift=0)
    if totp.t() <= after_step:
        totp.time = time.time() + 30 * (after_step - totp.t() + 1)
    return f"{totp.token():06d}"


class App:
    """The application in the browser for one test: people sign in, pages are checked."""

    def __init__(self, *, browser, url: str, name: str):
        self.browser = browser
        self.url = url
        self.name = name
        self.folder = ARTIFACTS / slugify(name)
        self.contexts: list = []
        self._shots = 0
        # Every address a page showed, and those axe checked: a journey must check them all.
        self.visited: list[str] = []
        self.checked: set[str] = set()

    def sign_in(self, user, *, password: str = PASSWORD):
        """A new browser (context) in which `user` signs in: password, then the code (at a first
        sign-in, after an enrolment code issued for them as an administrator would)."""
        from django_otp.plugins.otp_totp.models import TOTPDevice
        from playwright.sync_api import expect

        from accounts.otp import otp_required
        from tests.accounts.factories import enrolment_code_for

        context = self.browser.new_context(
            base_url=self.url, viewport=VIEWPORT, locale="en-GB", timezone_id="Europe/London"
        )
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("framenavigated", lambda frame: self._visited(page, frame))
        page.goto("/")
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
        self.check(page, "Sign in")
        page.get_by_label("Username").fill(user.username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        if otp_required():  # outside DEMO_MODE: the code from the authenticator app
            step = page.get_by_role(
                "heading", level=1, name=re.compile("^(Set up two-step sign-in|Enter your code)$")
            )
            expect(step).to_be_visible()
            if step.inner_text() == "Set up two-step sign-in":
                # First the enrolment code an administrator gave the user, then the key.
                self.check(page, "Two-step sign-in enrolment code")
                page.get_by_label("Enrolment code from your administrator").fill(
                    enrolment_code_for(user)
                )
                page.get_by_role("button", name="Continue").click()
                expect(page.locator("#otp-key")).to_be_visible()
                self.check(page, "Two-step sign-in set-up")
                key = "".join(page.locator("#otp-key").inner_text().split())
                code = totp_code(b32decode(key + "=" * (-len(key) % 8)))
                page.get_by_label("Code from your authenticator app").fill(code)
                page.get_by_role("button", name="Confirm and continue").click()
            else:
                self.check(page, "Two-step sign-in code")
                device = TOTPDevice.objects.get(user=user, confirmed=True)
                code = totp_code(device.bin_key, after_step=device.last_t)
                page.get_by_label("Code from your authenticator app").fill(code)
                page.get_by_role("button", name="Continue").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        expect(page).not_to_have_url(re.compile(r"/accounts/"))
        self.check(page, "Home")
        return page

    def _address(self, url: str) -> str:
        return url.removeprefix(self.url).split("#")[0]

    def _visited(self, page, frame) -> None:
        if frame == page.main_frame and frame.url.startswith(self.url):
            address = self._address(frame.url)
            if address not in self.visited:
                self.visited.append(address)

    def check(self, page, name: str, *, readme: str | None = None) -> None:
        """axe-core finds no WCAG 2.2 AA violation on the page; a screenshot is kept.

        `readme` names a 1280x800 screenshot for the README (written to docs/screenshots/ when
        UPDATE_README_SCREENSHOTS is set, else kept with the test artifacts).
        """
        from .axe import axe_violations, describe

        page.wait_for_load_state("load")
        violations = axe_violations(page)
        self._shots += 1
        self.folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=self.folder / f"{self._shots:02d}-{slugify(name)}.png", full_page=True)
        if readme:
            folder = (
                README_SCREENSHOTS
                if os.environ.get("UPDATE_README_SCREENSHOTS")
                else ARTIFACTS / "readme"
            )
            folder.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=folder / f"{readme}.png")
        path = self._address(page.url)
        self.checked.add(path)
        AXE_SUMMARY.parent.mkdir(parents=True, exist_ok=True)
        with AXE_SUMMARY.open("a") as summary:
            summary.write(f"{self.name} | {name} | {path} | {len(violations)}\n")
        assert not violations, (
            f"axe: WCAG 2.2 AA violations on {name} ({path}):\n{describe(violations)}"
        )

    def unchecked(self) -> list[str]:
        """Addresses a journey reached without checking them with axe."""
        return [address for address in self.visited if address not in self.checked]

    def close(self, *, failed: bool) -> None:
        for context in self.contexts:
            if failed:
                for n, page in enumerate(context.pages):
                    self.folder.mkdir(parents=True, exist_ok=True)
                    page.screenshot(path=self.folder / f"failure-{n}.png", full_page=True)
            context.close()


def _reference_data() -> None:
    """The rows the data migrations make (roles, the starter glossary of jargon), which the
    flush after every transactional test empties."""
    from django.apps import apps

    for migration, function in (
        ("accounts.migrations.0002_roles", "create_roles"),
        ("conferences.migrations.0002_glossary", "add_terms"),
        ("conferences.migrations.0017_more_jargon_and_core_group_members", "add_terms"),
    ):
        getattr(import_module(migration), function)(apps, None)


@pytest.fixture
def app(request, browser, live_server, _sqlite_flushable):
    """The application served by the live server, with its reference data."""
    _reference_data()
    application = App(browser=browser, url=live_server.url, name=request.node.name)
    yield application
    failed = getattr(request.node, "e2e_failed", True)
    application.close(failed=failed)
    if not failed:
        assert not application.unchecked(), (
            f"Pages reached but not checked with axe: {application.unchecked()}"
        )


CAST = {
    "social_worker": ("Sam", "Northfield"),
    "same_team_worker": ("Priya", "Northgate"),
    "other_team_worker": ("Tomasz", "Southbank"),
    "team_manager": ("Morgan", "Managerley"),
    "iro": ("Chris", "Chairwell"),
    "business_support": ("Bea", "Booker"),
}


@pytest.fixture
def world(world):
    """The shared personas, with fixed invented names so that screenshots read the same on
    every run; the child is Ruby Testwood, in the North Assessment Team."""
    for persona, (first, last) in CAST.items():
        user = getattr(world, persona)
        user.first_name, user.last_name = first, last
        user.save(update_fields=["first_name", "last_name"])
    child = world.child
    child.first_name, child.last_name, child.la_child_id = "Ruby", "Testwood", "NA000101"
    child.date_of_birth = date(2017, 3, 14)
    child.save(update_fields=["first_name", "last_name", "la_child_id", "date_of_birth"])
    for team, name in ((world.team, "North Assessment Team"), (world.other_team, "South Team")):
        team.name = name
        team.save(update_fields=["name"])
    return world
