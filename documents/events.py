"""The events of a child's record a document can be attached to.

Each app registers its own events from its AppConfig (this app sits below strategy and
conferences and imports neither): a slug for the form, the model, a label and how to describe
one event in a list. `child_field` is the path from the event to its child.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Model, QuerySet
from django.http import Http404

from cases.models import Child


@dataclass(frozen=True)
class EventKind:
    slug: str
    model: type[Model]
    label: str
    describe: Callable[[Any], str]
    child_field: str = "child"

    def of_child(self, child: Child) -> QuerySet[Any]:
        return self.model._default_manager.filter(**{self.child_field: child})


_KINDS: dict[str, EventKind] = {}


def register_event_kind(
    slug: str,
    model: type[Model],
    label: str,
    *,
    describe: Callable[[Any], str],
    child_field: str = "child",
) -> None:
    _KINDS[slug] = EventKind(slug, model, label, describe, child_field)


def event_kinds() -> list[EventKind]:
    return list(_KINDS.values())


def kind_for_model(model: type[Model]) -> EventKind | None:
    return next((k for k in _KINDS.values() if k.model is model), None)


def describe_event(event: Model | None) -> str:
    if event is None:
        return "The child's record"
    kind = kind_for_model(type(event))
    return kind.describe(event) if kind else str(event)


def event_of_child(child: Child, slug: str, event_id: int) -> Model:
    """An event of this child (the child came through the door); anything else is a 404."""
    kind = _KINDS.get(slug)
    if kind is None:
        raise Http404("No such event")
    event = kind.of_child(child).filter(pk=event_id).first()
    if event is None:
        raise Http404("No such event")
    return event


def event_key(event: Model | None) -> str:
    if event is None:
        return ""
    kind = kind_for_model(type(event))
    return f"{kind.slug}:{event.pk}" if kind else ""


def event_choices(child: Child) -> list[tuple[str, str]]:
    """Every event of the child a document can be attached to, newest first within each kind
    (one query per kind, whatever the size of the record)."""
    choices = [("", "The child's record (no particular event)")]
    for kind in _KINDS.values():
        for event in kind.of_child(child).order_by("-pk"):
            choices.append((f"{kind.slug}:{event.pk}", kind.describe(event)))
    return choices
