"""The working-day calendar for England.

Working days are Monday to Friday, excluding England and Wales bank holidays as published
(one-off days such as the 2022 state funeral and substitute days included), taken from the
`holidays` package. Day 0 is the starting event; "due within N working days" means on or
before the Nth working day after it.
"""

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=256)
def bank_holidays(year: int) -> frozenset[date]:
    # holidays' country classes have unannotated constructors.
    return frozenset(holidays.UnitedKingdom(subdiv="ENG", years=year).keys())  # type: ignore[no-untyped-call]


def is_working_day(d: date) -> bool:
    return d.weekday() < 5 and d not in bank_holidays(d.year)


@lru_cache(maxsize=65536)
def add_working_days(start: date, n: int) -> date:
    """The nth working day after `start` (n may be negative: the nth working day before).

    `add_working_days(start, 0)` is `start` itself, whether or not it is a working day.
    """
    step = 1 if n >= 0 else -1
    remaining = abs(n)
    d = start
    while remaining:
        d += timedelta(days=step)
        if is_working_day(d):
            remaining -= 1
    return d


@lru_cache(maxsize=512)
def weekday_span(n: int, weekday: int) -> int:
    """Calendar days from a day with this weekday (Monday 0 ... Sunday 6) to the nth working
    day after it when no bank holiday falls in between. Bank holidays only push the nth
    working day later, so a date at most this far after such a day is always on or before
    `add_working_days(day, n)`."""
    days, remaining = 0, n
    while remaining > 0:
        days += 1
        if (weekday + days) % 7 < 5:
            remaining -= 1
    return days


def shortest_span(n: int) -> int:
    """The fewest calendar days that n working days can take (from a Sunday, with no bank
    holiday). A date at most this many days after `start` is always on or before
    `add_working_days(start, n)`, whatever the calendar."""
    return min(weekday_span(n, weekday) for weekday in range(7))


def longest_span(n: int) -> int:
    """More calendar days than n working days can ever take, bank holidays included (at most
    four fall in any fortnight): a date further than this after `start` is always after
    `add_working_days(start, n)`."""
    return 2 * n + 14


def working_days_between(start: date, end: date) -> int:
    """Working days after `start` up to and including `end`; negative if `end` < `start`.

    So `working_days_between(s, add_working_days(s, n)) == n` for every n >= 0.
    """
    if end < start:
        return -_count(end, start)
    return _count(start, end)


def _count(start: date, end: date) -> int:
    # Whole weeks contribute five weekdays each; only the remainder is walked day by day.
    days = (end - start).days
    weeks, rest = divmod(days, 7)
    count = weeks * 5
    d = start + timedelta(days=weeks * 7)
    for _ in range(rest):
        d += timedelta(days=1)
        if d.weekday() < 5:
            count += 1
    for year in range(start.year, end.year + 1):
        count -= sum(1 for h in bank_holidays(year) if start < h <= end and h.weekday() < 5)
    return count
