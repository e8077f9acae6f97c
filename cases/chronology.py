"""The child's chronology: significant events in date order, built from what the system knows.

Each app registers a source: a function taking a child and returning ChronologyEvents
(one query per source, so the page's query count does not grow with the record). A worker can
give any entry their own short description (ChronologyEdit, keyed by the entry's `key`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date

from .models import Child, ChronologyEdit


@dataclass(frozen=True)
class ChronologyEvent:
    date: date
    source: str  # what kind of record it came from, e.g. "Referral", "Case note"
    key: str  # stable identity of the entry, e.g. "referral:12:received"
    description: str
    url: str = ""
    edited: bool = False


ChronologySource = Callable[[Child], Iterable[ChronologyEvent]]
SOURCES: list[ChronologySource] = []


def register(source: ChronologySource) -> ChronologySource:
    SOURCES.append(source)
    return source


def chronology_for(child: Child) -> list[ChronologyEvent]:
    edits = dict(
        ChronologyEdit.objects.filter(child=child).values_list("source_key", "description")
    )
    events = []
    for source in SOURCES:
        for event in source(child):
            if event.key in edits:
                event = replace(event, description=edits[event.key], edited=True)
            events.append(event)
    return sorted(events, key=lambda e: (e.date, e.source, e.key))
