"""The child's chronology: significant events in date order, built from what the system knows.

Each app registers a source: a function taking a child and returning ChronologyEvents
(one query per source, so the page's query count does not grow with the record). A worker can
give any entry their own short description (ChronologyEdit, keyed by the entry's `key`).

Register sources in a module imported from the app's `AppConfig.ready()`, for example
`cases/chronology_sources.py`:

    @register
    def referral_events(child: Child) -> list[ChronologyEvent]:
        ...

Events on the same date keep the order in which sources were registered, and within a source
the order the source returned them: a source should yield its events oldest first.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from django.utils import timezone

from .models import Child, ChronologyEdit


@dataclass(frozen=True)
class ChronologyEvent:
    date: date
    source: str  # what kind of record it came from, e.g. "Referral", "Case note"
    key: str  # stable identity of the entry, e.g. "referral:12:received" (at most 60 characters)
    description: str
    url: str = ""
    edited: bool = False
    # The system's own wording, kept when a worker has given the entry their own description.
    default_description: str = ""
    # The moment it happened, when the record knows it (a referral received at 09:12): events
    # of one day are put in time order, here and in the family chronology.
    at: datetime | None = None

    @property
    def time_of_day(self) -> time | None:
        return timezone.localtime(self.at).time() if self.at else None

    @property
    def anchor(self) -> str:
        """An HTML id for the entry, so a page can link (or redirect) straight to it."""
        return "entry-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.key)


ChronologySource = Callable[[Child], Iterable[ChronologyEvent]]
SOURCES: list[ChronologySource] = []


def register(source: ChronologySource) -> ChronologySource:
    # Idempotent, so a module imported twice does not list its events twice.
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def chronology_for(child: Child) -> list[ChronologyEvent]:
    """Every registered source's events for the child, oldest first, with workers' wording."""
    edits = dict(
        ChronologyEdit.objects.filter(child=child).values_list("source_key", "description")
    )
    events = []
    for source in SOURCES:
        for event in source(child):
            if event.key in edits:
                event = replace(
                    event,
                    description=edits[event.key],
                    edited=True,
                    default_description=event.description,
                )
            events.append(event)
    # Same-day events in time order; those without a time first, in source and record order
    # (a stable sort, see the module docstring).
    return sorted(events, key=lambda e: (e.date, e.time_of_day or time.min))


def _time_of_day(event: ChronologyEvent) -> tuple[bool, str]:
    if event.at is None:
        return (True, "")
    return (False, timezone.localtime(event.at).strftime("%H:%M:%S.%f"))


def chronology_for_children(children: Iterable[Child]) -> list[tuple[Child, ChronologyEvent]]:
    """The family chronology: each child's events, marked with whose they are, in date order;
    events of one day in time order where the time is known (those with no time after them,
    in each child's own order). One child's chronology per child (the sources' queries each)."""
    rows = []
    for child in children:
        for position, event in enumerate(chronology_for(child)):
            rows.append((child, event, position))
    rows.sort(key=lambda r: (r[1].date, *_time_of_day(r[1]), r[0].pk, r[2]))
    return [(child, event) for child, event, _ in rows]
