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


@lru_cache(maxsize=1)
def calendar_version() -> str:
    """A short digest of every bank holiday the calendar knows (1990 to ten years ahead): it
    changes when a new bank holiday is declared and the `holidays` package is upgraded."""
    import hashlib

    days = sorted(d for year in range(1990, date.today().year + 11) for d in bank_holidays(year))
    return hashlib.sha256(",".join(d.isoformat() for d in days).encode()).hexdigest()[:12]


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
