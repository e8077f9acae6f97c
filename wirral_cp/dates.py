"""Dates in words for strings built in Python (messages, validation errors, labels): the same
"1 Dec 2026" (and "1 Dec 2026, 14:30") that templates show with `|date`, read from the one
setting (`wirral_cp/formats/en_GB`). Never day/month/year in figures: a test holds app code
to that."""

from datetime import date, datetime

from django.utils import formats, timezone


def day(value: date | datetime | None) -> str:
    """ "1 Dec 2026": a date, or the local day of an aware datetime ("" for none)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        value = value.date()
    return str(formats.date_format(value, "DATE_FORMAT"))


def day_time(value: datetime) -> str:
    """ "1 Dec 2026, 14:30": an aware datetime in local time."""
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return str(formats.date_format(value, "DATETIME_FORMAT"))


def weekday_day(value: date | None) -> str:
    """ "Tuesday 1 Dec 2026": where the day of the week matters (a target on a working day)."""
    if value is None:
        return ""
    return f"{formats.date_format(value, 'l')} {day(value)}"
