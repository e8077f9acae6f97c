"""One rule for "overdue" and "due soon": the scan's alert status and the diary's words both read
timescales.rules.Standing, so they cannot disagree about the same date."""

import datetime

import pytest

from conferences.models import Conference, ConferenceStatus
from conferences.views.diary import timeliness
from monitoring.models import AlertStatus
from monitoring.rules import RULES_BY_CODE, Finding
from monitoring.services import classify
from timescales.models import LocalPolicy
from timescales.rules import Standing

D = datetime.date
TODAY = D(2026, 12, 1)  # a Tuesday


@pytest.mark.parametrize(
    ("due", "kind", "left"),
    [
        (D(2026, 11, 30), Standing.OVERDUE, -1),
        (D(2026, 12, 1), Standing.DUE_SOON, 0),
        (D(2026, 12, 4), Standing.DUE_SOON, 3),  # Friday: the 3rd working day
        (D(2026, 12, 7), Standing.UPCOMING, 4),
        (D(2026, 12, 29), Standing.UPCOMING, 18),  # over Christmas: 25 and 28 Dec
    ],
)
def test_standing_by_hand(db, due, kind, left):
    standing = Standing(due, TODAY)
    assert (standing.kind, standing.left) == (kind, left)


def test_the_local_warning_moves_due_soon(db):
    policy = LocalPolicy.current()
    policy.due_soon_working_days = 4
    policy.save()
    assert Standing(D(2026, 12, 7), TODAY).kind == Standing.DUE_SOON


@pytest.mark.parametrize("offset", range(-3, 12))
def test_the_diary_and_the_alert_agree_on_every_day(db, offset):
    due = TODAY + datetime.timedelta(days=offset)
    policy = LocalPolicy.current()
    status = classify(
        Finding("ICPC_15", "s47:1", None, due, ""), RULES_BY_CODE["ICPC_15"], TODAY, policy
    ).status
    words = timeliness(
        Conference(status=ConferenceStatus.REQUESTED, target_date=due, conference_type="initial"),
        TODAY,
    )
    expected = {
        AlertStatus.OPEN: "status-overdue",
        AlertStatus.DUE_SOON: "status-due-soon",
        AlertStatus.UPCOMING: "",
    }[status]
    assert words.css == expected, (due, status, words.text)
