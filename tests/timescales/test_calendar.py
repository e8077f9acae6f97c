import random
from datetime import date, timedelta

import holidays
import pytest

from timescales.calendar import add_working_days, is_working_day, working_days_between

# England and Wales bank holidays used below, from the published gov.uk lists.
BANK_HOLIDAYS = {
    date(2018, 8, 27),
    date(2018, 12, 25),
    date(2018, 12, 26),
    date(2022, 6, 2),
    date(2022, 6, 3),
    date(2022, 9, 19),  # state funeral of Queen Elizabeth II (one-off)
    date(2022, 12, 26),
    date(2022, 12, 27),  # Christmas Day substitute
    date(2023, 1, 2),  # New Year's Day substitute
    date(2023, 5, 8),  # coronation (one-off)
    date(2026, 12, 25),
    date(2026, 12, 28),  # Boxing Day substitute
    date(2027, 1, 1),
}


def test_icpc_due_date_skips_bank_holiday():
    # DOMAIN.md: strategy discussion Wed 22 Aug 2018, 27 Aug a bank holiday.
    assert add_working_days(date(2018, 8, 22), 15) == date(2018, 9, 13)
    assert add_working_days(date(2018, 8, 22), 18) == date(2018, 9, 18)


def test_day_zero_is_the_start():
    assert add_working_days(date(2018, 8, 22), 0) == date(2018, 8, 22)
    assert working_days_between(date(2018, 8, 22), date(2018, 8, 22)) == 0


@pytest.mark.parametrize("d", sorted(BANK_HOLIDAYS))
def test_bank_holidays_are_not_working_days(d):
    assert not is_working_day(d)


def test_weekends_are_not_working_days():
    assert not is_working_day(date(2026, 11, 28))  # Saturday
    assert not is_working_day(date(2026, 11, 29))  # Sunday
    assert is_working_day(date(2026, 11, 27))  # Friday


def test_christmas_2026_with_substitute_boxing_day():
    # Thu 24 Dec 2026; 25 Fri, 26 Sat (substitute Mon 28), 1 Jan 2027 Fri.
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)
    assert add_working_days(date(2026, 12, 24), 3) == date(2026, 12, 31)
    assert add_working_days(date(2026, 12, 24), 4) == date(2027, 1, 4)
    assert working_days_between(date(2026, 12, 24), date(2027, 1, 4)) == 4


def test_state_funeral_2022_is_skipped():
    # Fri 16 Sep 2022 + 1 working day: Mon 19 Sep was the state funeral.
    assert add_working_days(date(2022, 9, 16), 1) == date(2022, 9, 20)
    assert working_days_between(date(2022, 9, 16), date(2022, 9, 20)) == 1


def test_between_is_negative_when_end_precedes_start():
    assert working_days_between(date(2018, 9, 13), date(2018, 8, 22)) == -15


def test_add_negative_goes_backwards():
    assert add_working_days(date(2018, 9, 13), -15) == date(2018, 8, 22)


_REFERENCE_HOLIDAYS = holidays.UnitedKingdom(subdiv="ENG", years=range(2014, 2030))


def _naive_is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in _REFERENCE_HOLIDAYS


def _naive_add(start: date, n: int) -> date:
    d, left = start, n
    while left:
        d += timedelta(days=1)
        if _naive_is_working_day(d):
            left -= 1
    return d


def _naive_between(start: date, end: date) -> int:
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count, d = 0, start
    while d < end:
        d += timedelta(days=1)
        count += _naive_is_working_day(d)
    return sign * count


def test_random_dates_against_naive_reference():
    rng = random.Random(20261126)
    for _ in range(300):
        start = date(2015, 1, 1) + timedelta(days=rng.randrange(0, 365 * 13))
        n = rng.randrange(0, 200)
        end = start + timedelta(days=rng.randrange(-400, 400))
        assert add_working_days(start, n) == _naive_add(start, n), (start, n)
        assert working_days_between(start, end) == _naive_between(start, end), (start, end)
        assert working_days_between(start, add_working_days(start, n)) == n


def test_the_calendar_version_changes_when_a_bank_holiday_is_declared(monkeypatch):
    """Stored timeliness is worked out again when the calendar changes: its version is a digest
    of every bank holiday, so a new one (a coronation, a state funeral) changes it."""
    from datetime import date

    from timescales import calendar

    before = calendar.calendar_version()
    assert before == calendar.calendar_version()
    real = calendar.bank_holidays

    def with_one_more(year):
        extra = {date(2027, 6, 7)} if year == 2027 else set()
        return real(year) | extra

    monkeypatch.setattr(calendar, "bank_holidays", with_one_more)
    calendar.calendar_version.cache_clear()
    try:
        assert calendar.calendar_version() != before
    finally:
        monkeypatch.undo()
        calendar.calendar_version.cache_clear()
    assert calendar.calendar_version() == before
