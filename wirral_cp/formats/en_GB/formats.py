"""One date format everywhere (issue 23 item 5): "1 Dec 2026", and "1 Dec 2026, 14:30" with a
time. Every template shows dates with `|date` (or `|date:"DATETIME_FORMAT"`) and a date
printed bare takes the same format; Django's own en-GB formats would say "1 December 2026"."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
# Input formats: Django's own en-GB ones (this module names only what it changes).
