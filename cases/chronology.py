"""The child's chronology: significant events in date order, built from what the system knows.

Each app registers a source: a function taking a sequence of children and returning the
ChronologyEvents of all of them, each naming its child (`child_id`). A source reads once for
the whole set (one query, or a query and its prefetch, however many children), so the child's
chronology and the family chronology (every child of the family the user may open) are built
from the same sources by the same rule, and neither page's query count grows with the record
or the family. A worker can give any entry their own short description (ChronologyEdit, keyed
by the entry's child and `key`).

Register sources in a module imported from the app's `AppConfig.ready()`, for example
`cases/chronology_sources.py`:

    @register
    def referral_events(children: Sequence[Child]) -> list[ChronologyEvent]:
        referrals = Referral.objects.filter(child__in=children)
        ...

Order: by date; events of one day in time order where the record knows the time (`at`), those
without a time first; then the children in the order given; then registration order of the
sources, and within a source the order it returned them (a source yields its events oldest
first).
"""

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from django.utils import timezone

from .models import Child, ChronologyEdit


@dataclass(frozen=True, kw_only=True)
class ChronologyEvent:
    child_id: int  # whose event it is (the family chronology marks each with its child)
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
    # An entry a worker wrote by hand (a historical event, another agency's information):
    # where it came from, in words ("Police (PC Example), recorded 2 Dec 2026 by Sam Worker").
    # A manual entry is the worker's own words already: it is edited on its own page.
    manual_source: str = ""
    # How the date is shown when it is not exact ("About Mar 2019", "2019"): "" for the date.
    date_text: str = ""
    recorded_by_id: int | None = None  # the author of a manual entry, who alone may change it
    edit_url: str = ""  # where its author changes a manual entry

    @property
    def time_of_day(self) -> time | None:
        return timezone.localtime(self.at).time() if self.at else None

    @property
    def manual(self) -> bool:
        return bool(self.manual_source)

    @property
    def anchor(self) -> str:
        """An HTML id for the entry, so a page can link (or redirect) straight to it."""
        return "entry-" + re.sub(r"[^A-Za-z0-9_-]", "-", self.key)


ChronologySource = Callable[[Sequence[Child]], Iterable[ChronologyEvent]]
SOURCES: list[ChronologySource] = []


def register(source: ChronologySource) -> ChronologySource:
    """Add a source (a function of a sequence of children: see the module docstring).
    Idempotent, so a module imported twice does not list its events twice."""
    if source not in SOURCES:
        SOURCES.append(source)
    return source


def chronology_for_children(children: Iterable[Child]) -> list[tuple[Child, ChronologyEvent]]:
    """The chronology of several children (the family chronology), each event with whose it
    is; the caller decides which children the user may open (`cases.access`)."""
    children = list(children)
    if not children:
        return []
    by_pk = {child.pk: child for child in children}
    order = {child.pk: position for position, child in enumerate(children)}
    edits = {
        (child_id, key): description
        for child_id, key, description in ChronologyEdit.objects.filter(
            child__in=children
        ).values_list("child_id", "source_key", "description")
    }
    events = []
    for source in SOURCES:
        for event in source(children):
            wording = edits.get((event.child_id, event.key))
            if wording is not None and not event.manual:
                event = replace(
                    event,
                    description=wording,
                    edited=True,
                    default_description=event.description,
                )
            events.append(event)
    # A stable sort: what the key leaves equal keeps source and record order.
    events.sort(key=lambda e: (e.date, e.time_of_day or time.min, order[e.child_id]))
    return [(by_pk[event.child_id], event) for event in events]


def chronology_for(child: Child) -> list[ChronologyEvent]:
    """The child's chronology: every registered source's events, oldest first, with workers'
    wording. The family chronology of one child."""
    return [event for _, event in chronology_for_children([child])]
