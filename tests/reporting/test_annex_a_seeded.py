"""Annex A on the seeded demo authority: every list of the template, List 2 (early help) from
Family Help, List 7's emergency protection order / police protection column from the child's
protective orders, and no blank cell where the template requires a value."""

import datetime
import io

import pytest
from dateutil.relativedelta import relativedelta
from django.utils import timezone
from openpyxl import load_workbook

from demo.seed import seed_demo
from reporting.annex_a import LISTS, NOT_HELD, ROW_SOURCES, annex_a_build, annex_a_workbook


@pytest.fixture
def lists(db):
    # The demo children and a small synthetic authority (plans, step-downs, legal events).
    seed_demo(authority_children=150)
    return {a.number: a for a in annex_a_build(as_of=timezone.localdate())}


def _rows(annex):
    return [dict(zip(annex.columns, row, strict=True)) for row in annex.rows]


def test_every_list_of_the_template_is_there_in_order(lists):
    assert list(lists) == list(range(1, 12))
    assert [s.number for s in LISTS] == list(range(1, 12))
    # One row function per list this system fills; the others are headings and a note.
    assert sorted(ROW_SOURCES) == list(range(1, 8))
    for number in range(8, 12):
        assert lists[number].rows == [] and lists[number].note == NOT_HELD
        assert len(lists[number].columns) == len(set(lists[number].columns))


def test_list_2_is_the_early_help_assessments_of_the_six_months(lists):
    from familyhelp.models import EarlyHelpAssessment

    today = timezone.localdate()
    six_months = lists[2]
    rows = _rows(six_months)
    window_start = today - relativedelta(months=6) + datetime.timedelta(days=1)
    expected = EarlyHelpAssessment.objects.filter(start_date__lte=today).exclude(
        completion_date__lt=window_start
    )
    assert len(rows) == expected.count() > 1
    assert "DEMO0005" not in {r["Child Unique ID"] for r in rows}  # a year ago and more
    (kai,) = [r for r in rows if r["Child Unique ID"] == "DEMO0004"]
    assert kai["Assessment start date"] == today - datetime.timedelta(days=120)
    assert kai["Assessment completion date"] == today - datetime.timedelta(days=100)
    assert kai["Organisation completing assessment"] == "Demotown Primary School (demo)"
    # Zofia's assessment was more than a year ago: not in the six months.


def test_list_7_says_who_had_an_epo_or_police_protection(lists):
    from cases.models import ProtectiveOrder

    today = timezone.localdate()
    window_start = today - relativedelta(months=6) + datetime.timedelta(days=1)
    protected = set(
        ProtectiveOrder.objects.in_force_between(window_start, today).values_list(
            "child__la_child_id", flat=True
        )
    )
    rows = _rows(lists[7])
    heading = next(c for c in lists[7].columns if c.startswith("Subject to Emergency"))
    answers = {r["Child Unique ID"]: r[heading] for r in rows}
    assert set(answers.values()) == {"a) Yes", "b) No"}
    for child_id, answer in answers.items():
        assert answer == ("a) Yes" if child_id in protected else "b) No"), child_id


def test_list_1_is_every_contact_of_the_six_months_whatever_was_decided(lists):
    contacts = [(r["Child Unique ID"], r["Date of Contact"]) for r in _rows(lists[1])]
    referrals = [(r["Child Unique ID"], r["Date of referral"]) for r in _rows(lists[3])]
    # Every referral of the synthetic authority came through the front door as a contact; some
    # contacts were decided "information and advice" and are contacts only (never referrals,
    # never in the census). The six demo children's stories begin at the referral.
    synthetic = {r for r in referrals if r[0].startswith("SYN")}
    assert synthetic and synthetic < set(contacts)
    assert len(contacts) > len(referrals)


def test_no_required_cell_is_blank(lists):
    for annex in lists.values():
        assert annex.blank_required_cells() == [], annex.sheet_name


def test_the_workbook_notes_the_lists_this_system_does_not_hold(lists):
    book = load_workbook(io.BytesIO(annex_a_workbook(list(lists.values()))))
    assert book.sheetnames == [f"List {n}" for n in range(1, 12)] + ["About"]
    for number in range(8, 12):
        sheet = book[f"List {number}"]
        assert [c.value for c in sheet[1]] == lists[number].columns
        assert sheet.max_row == 1
        assert "does not hold these records" in sheet["A1"].comment.text
    about = [row for row in book["About"].iter_rows(values_only=True)]
    assert about[8][0] == "List 8" and "does not hold" in about[8][3]
