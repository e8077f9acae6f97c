"""One date format everywhere, "1 Dec 2026", and codes never shown raw (issue 23 item 5)."""

import datetime
import re
import tomllib
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils.formats import date_format

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def test_the_format_is_one_dec_2026():
    assert date_format(datetime.date(2026, 12, 1)) == "1 Dec 2026"
    rendered = Template("{{ d }} / {{ d|date }} / {{ t|date:'DATETIME_FORMAT' }}").render(
        Context({"d": datetime.date(2026, 12, 1), "t": datetime.datetime(2026, 12, 1, 9, 5)})
    )
    assert rendered == "1 Dec 2026 / 1 Dec 2026 / 1 Dec 2026, 09:05"


def test_no_template_spells_out_a_date_format_of_its_own():
    own = []
    for path in TEMPLATES.rglob("*"):
        if path.suffix in (".html", ".txt"):
            for fmt in re.findall(r'\|date:"([^"]*)"', path.read_text()):
                if fmt not in ("DATETIME_FORMAT", "DATE_FORMAT", "TIME_FORMAT"):
                    own.append(f"{path.relative_to(TEMPLATES)}: {fmt}")
    assert not own, own


def test_the_childs_summary_says_disabilities_in_words(world, login):
    child = world.child
    child.disabilities = ["NONE"]
    child.save(update_fields=["disabilities"])
    html = login(world.social_worker).get(reverse("cases:child-detail", args=[child.pk]))
    html = html.content.decode()
    assert "No disability" in html
    assert ">NONE<" not in html and "NONE" not in re.sub(r"<[^>]+>", "", html)
    born = child.date_of_birth
    assert f"{born.day} {born:%b %Y}" in html


# The app packages whose Python builds strings users read (messages, errors, labels).
def _app_packages() -> tuple[str, ...]:
    """Every package of this project (import-linter's root packages), so a new app is held to
    the rule without being named here."""
    with open(Path(settings.BASE_DIR) / "pyproject.toml", "rb") as f:
        return tuple(tomllib.load(f)["tool"]["importlinter"]["root_packages"])


APP_PACKAGES = _app_packages()
# Formats a message could show a date in, other than "1 Dec 2026". Parsing what a user types
# (DATE_INPUT_FORMATS, cases.models' date parser) may still accept 01/12/2026.
SHOWN_FORMATS = re.compile(r":%-?d[/ ]%[mbB]|:%A %-?d %B|strftime\(\"%-?d")
PARSING_ONLY = {"wirral_cp/settings.py", "cases/models.py"}


def test_no_app_code_formats_a_date_of_its_own():
    base = Path(settings.BASE_DIR)
    own = []
    for package in APP_PACKAGES:
        for path in (base / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            rel = str(path.relative_to(base))
            for n, line in enumerate(path.read_text().splitlines(), start=1):
                if "%d/%m/%Y" in line and rel not in PARSING_ONLY or SHOWN_FORMATS.search(line):
                    own.append(f"{rel}:{n}: {line.strip()}")
    assert not own, "Use wirral_cp.dates.day() / day_time():\n" + "\n".join(own)


def test_the_one_formatter_says_one_dec_2026():
    from django.utils import timezone

    from wirral_cp.dates import day, day_time, weekday_day

    assert day(datetime.date(2026, 12, 1)) == "1 Dec 2026"
    assert weekday_day(datetime.date(2026, 12, 1)) == "Tuesday 1 Dec 2026"
    at = timezone.make_aware(datetime.datetime(2026, 12, 1, 14, 30))
    assert day_time(at) == "1 Dec 2026, 14:30"
    assert day(at) == "1 Dec 2026"


def test_a_validation_message_says_the_date_in_words():
    from django.core.exceptions import ValidationError

    from conferences.models import Conference

    conference = Conference(
        conference_type="initial",
        target_date=datetime.date(2026, 12, 1),
        scheduled_for=datetime.datetime(2026, 12, 3, 10, 0, tzinfo=datetime.UTC),
    )
    with pytest.raises(ValidationError) as error:
        conference.clean()
    said = " ".join(error.value.messages)
    assert "(1 Dec 2026)" in said and "01/12/2026" not in said
