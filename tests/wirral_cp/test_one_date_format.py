"""One date format everywhere, "1 Dec 2026", and codes never shown raw (issue 23 item 5)."""

import datetime
import re
from pathlib import Path

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
