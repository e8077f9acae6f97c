"""Reads of documents, through the one door.

A document follows its child: whoever may open the child (`cases.access.get_child_for_user`)
may open its documents, and a restricted child's documents are a 404 to anyone not named on
the record. Higher apps may let a role read some documents of events it works on (business
support, who arrange conferences but never open the child's record, read the conference's
letters and minutes): they register a reader from their AppConfig; the reader must apply the
restriction itself.
"""

from collections.abc import Callable

from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404

from accounts.models import User
from cases.access import get_child_for_user
from cases.models import Child

from .models import Document, DocumentVersion

_READERS: list[Callable[[User, Document], bool]] = []


def register_document_reader(reader: Callable[[User, Document], bool]) -> None:
    if reader not in _READERS:
        _READERS.append(reader)


def documents_of_child(child: Child) -> QuerySet[Document]:
    """The child's documents (removed ones included, as tombstones), each with its versions."""
    return (
        child.documents.select_related("created_by", "removed_by", "event_type")
        .prefetch_related(
            Prefetch(
                "versions",
                queryset=DocumentVersion.objects.select_related("uploaded_by").order_by("-number"),
            ),
            "shares",
            "event",
        )
        .order_by("-document_date", "-pk")
    )


def documents_of_event(event: Model) -> QuerySet[Document]:
    from django.contrib.contenttypes.models import ContentType

    return (
        Document.objects.filter(
            event_type=ContentType.objects.get_for_model(type(event)),
            event_id=event.pk,
        )
        .select_related("created_by")
        .prefetch_related(
            Prefetch("versions", queryset=DocumentVersion.objects.order_by("-number")), "shares"
        )
        .order_by("document_type", "-pk")
    )


def get_document_for_user(
    user: User, child_pk: int, document_pk: int, *, write: bool = False
) -> Document:
    """The child's document if this user may see it (change it, with write=True); else 404."""
    try:
        child = get_child_for_user(user, child_pk, write=write)
    except Http404:
        if write:
            raise
        document = Document.objects.filter(pk=document_pk, child_id=child_pk).first()
        if document is not None and any(reader(user, document) for reader in _READERS):
            return document
        raise
    document = documents_of_child(child).filter(pk=document_pk).first()
    if document is None:
        raise Http404("No such document")
    return document


def documents_due_review(today: object) -> QuerySet[Document]:
    """Documents past their retention review date and not yet reviewed: the records officer's
    list (restricted ones included: the officer sees titles and dates, never the file)."""
    return (
        Document.objects.current()
        .filter(review_due_on__lte=today, reviewed_at__isnull=True)
        .select_related("child")
        .order_by("review_due_on", "pk")
    )
