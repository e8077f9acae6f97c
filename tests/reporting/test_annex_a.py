"""Ofsted Annex A: one sheet per list, Ofsted's headings, the six months before the as-of date."""

import datetime
import io
from io import StringIO

from django.core.management import call_command
from openpyxl import load_workbook

from reporting.annex_a import annex_a_build, annex_a_workbook
from tests.reporting.casework import record_casework

AS_OF = datetime.date(2026, 3, 31)


def _sheets(data: bytes):
    book = load_workbook(io.BytesIO(data))
    return {
        name: [list(r) for r in book[name].iter_rows(values_only=True)] for name in book.sheetnames
    }


def test_workbook_has_one_sheet_per_list_with_ofsteds_headings(world):
    record_casework(world)
    sheets = _sheets(annex_a_workbook(annex_a_build(as_of=AS_OF)))
    assert list(sheets) == [f"List {n}" for n in range(1, 12)] + ["About"]
    assert sheets["List 1"][0][5:] == ["Date of Contact", "Contact Source"]
    for name in [f"List {n}" for n in range(1, 10) if n != 2]:
        rows = sheets[name]
        assert rows[0][:5] == [
            "Child Unique ID",
            "Gender",
            "Ethnicity",
            "Date of Birth",
            "Age of Child (Years)",
        ]
        if name not in ("List 1", "List 9"):
            assert rows[0][-2:] == ["Allocated Team", "Allocated Worker"]
    assert sheets["List 3"][0][5:9] == [
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
    ]
    assert "Continuous Assessment Start Date" in sheets["List 4"][0]
    assert "Date of Initial Child Protection Conference" in sheets["List 5"][0]
    assert "Case Status" in sheets["List 6"][0]
    assert "Date of the Last Statutory Visit" in sheets["List 7"][0]


def test_lists_hold_the_six_months_before_the_as_of_date(world):
    record_casework(world)
    sheets = _sheets(annex_a_workbook(annex_a_build(as_of=AS_OF)))
    referrals = {row[0]: row for row in sheets["List 3"][1:]}
    # Referred October 2025 to March 2026 only: the April to September ones are older.
    assert set(referrals) == {"CWOPENPLAN1", "CWUNBORN1"}
    assert referrals["CWOPENPLAN1"][6] == "e) 2A: Schools"
    assert referrals["CWOPENPLAN1"][7] == "b) No"
    assert referrals["CWOPENPLAN1"][5] == datetime.datetime(2025, 12, 1)
    plans = {row[0]: row for row in sheets["List 7"][1:]}
    # The plan that ended 20 November 2025 ended inside the six months: it is listed.
    assert set(plans) == {"CWPROTECT1", "CWOPENPLAN1"}
    header = sheets["List 7"][0]
    open_plan = plans["CWOPENPLAN1"]
    assert open_plan[header.index("Initial Category of Abuse")] == "a) Neglect"
    assert open_plan[header.index("Date of the Last Statutory Visit")] == datetime.datetime(
        2026, 1, 5
    )
    assert open_plan[header.index("Was the Child Seen Alone?")] == "a) Yes"
    cin = {row[0]: row for row in sheets["List 6"][1:]}
    header6 = sheets["List 6"][0]
    assert cin["CWOPENPLAN1"][header6.index("Case Status")] == "b) Child Protection plan"
    assert cin["CWUNBORN1"][header6.index("Case Status")] == "d) Open assessment"
    assert cin["CWPROTECT1"][header6.index("Case Status")] == "e) Closed episode"


def test_export_annex_a_command_writes_the_workbook(world, tmp_path):
    record_casework(world)
    out = tmp_path / "annex.xlsx"
    text = StringIO()
    call_command("export_annex_a", "--as-of", "2026-03-31", "--out", str(out), stdout=text)
    assert "List 3 (Referrals): 2 rows" in text.getvalue()
    assert list(_sheets(out.read_bytes()))[:7] == [f"List {n}" for n in range(1, 8)]
    assert "List 8 (Children in care): not held here" in text.getvalue()


def test_list_3_counts_each_referrals_own_twelve_months(db):
    """ "Number of Referrals in Last 12 Months" counts the child's referrals in the 12 months up to
    and including each referral (itself included), so 2 or more is a DfE re-referral. Referrals
    received 14 Jan 2025, 1 Dec 2025 and 15 Jan 2026: the first is not in the six months; the
    second counts itself and 14 Jan 2025 (within 12 months of 1 Dec 2025): 2; the third counts
    itself and 1 Dec 2025, but not 14 Jan 2025 (a day more than 12 months before): 2."""
    from tests.cases.factories import ChildFactory, ReferralFactory
    from tests.strategy.factories import london

    child = ChildFactory(la_child_id="RR1")
    ReferralFactory(
        child=child, received_at=london(2025, 1, 14), closure_date=datetime.date(2025, 2, 3)
    )
    ReferralFactory(
        child=child, received_at=london(2025, 12, 1), closure_date=datetime.date(2025, 12, 20)
    )
    ReferralFactory(child=child, received_at=london(2026, 1, 15))
    ReferralFactory(child=ChildFactory(la_child_id="RR2"), received_at=london(2026, 2, 2))
    sheet = _sheets(annex_a_workbook(annex_a_build(as_of=AS_OF)))["List 3"]
    column = sheet[0].index("Number of Referrals in Last 12 Months")
    counts = [(row[0], row[5].date(), row[column]) for row in sheet[1:]]
    assert counts == [
        ("RR1", datetime.date(2025, 12, 1), 2),
        ("RR1", datetime.date(2026, 1, 15), 2),
        ("RR2", datetime.date(2026, 2, 2), 1),
    ]
