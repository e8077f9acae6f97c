"""Reads of documents, through the one door.

A document follows its child: whoever may open the child (`cases.access.get_child_for_user`)
may open its documents, and a restricted child's documents are a 404 to anyone not named on
the record. Higher apps may let a role read some documents of events it works on (business
support, who arrange conferences but never open the child's record, read the conference's
letters and minutes): they register a reader from their AppConfig; the reader must apply the
restriction itself.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Model, Prefetch, QuerySet
from django.http import Http404

from accounts.models import User
from cases.access import child_is_writable_by, get_child_for_user, is_restricted_from
from cases.models import Child

from .contributions import kind_of, target_kind
from .models import ContributionRequest, Document, DocumentVersion

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


# --- Contribution requests -------------------------------------------------------------------


def contribution_target_for_user(
    user: User, child_pk: int, slug: str, target_id: int
) -> tuple[Child, Model]:
    """The child and the meeting a user may ask a contribution for, else 404.

    Whoever writes to the child's record may ask (the allocated worker, their team, their
    managers); a role the meeting's app allows may ask about the meetings it works on
    (business support, the conferences they arrange). A restricted record: only people named
    on it, on either path (get_child_for_user refuses the others; a registered
    `requestable_by` must leave them out)."""
    kind = target_kind(slug)
    if kind is None:
        raise Http404("No such meeting")
    try:
        child = get_child_for_user(user, child_pk, write=True)
    except Http404:
        if kind.requestable_by is None:
            raise
        target = (
            kind.requestable_by(user).filter(pk=target_id, **{f"{kind.child_field}_id": child_pk})
        ).first()
        if target is None:
            raise
        return _child_of(target, kind.child_field), target
    target = kind.model._default_manager.filter(pk=target_id, **{kind.child_field: child}).first()
    if target is None:
        raise Http404("No such meeting")
    return child, target


def _child_of(target: Model, child_field: str) -> Child:
    value: object = target
    for part in child_field.split("__"):
        value = getattr(value, part)
    assert isinstance(value, Child)
    return value


def may_request_contribution(user: User, target: Model) -> bool:
    """Whether the event page offers this user "Ask for a contribution"."""
    kind = kind_of(target)
    if kind is None:
        return False
    child = _child_of(target, kind.child_field)
    if child_is_writable_by(user, child) and not is_restricted_from(user, child):
        return True
    if kind.requestable_by is not None:
        return kind.requestable_by(user).filter(pk=target.pk).exists()
    return False


def contribution_requests_of_target(target: Model | None) -> QuerySet[ContributionRequest]:
    """A meeting's requests (None: every request, for the caller to narrow)."""
    qs = (
        ContributionRequest.objects.all()
        if target is None
        else (ContributionRequest.objects.for_target(target))
    )
    return qs.select_related("organisation", "requested_by").order_by("agency", "due_date", "pk")


@dataclass
class AgencyContributions:
    agency: str
    label: str
    asked: int = 0
    received: int = 0
    late: int = 0


def contributions_by_agency(
    requests: Iterable[ContributionRequest], today: date
) -> list[AgencyContributions]:
    """Per agency asked: how many were asked, how many received, how many are late (asked,
    not received, past the due date). Withdrawn requests are not counted."""
    rows: dict[str, AgencyContributions] = {}
    for request in requests:
        if request.cancelled_at is not None:
            continue
        row = rows.setdefault(
            request.agency, AgencyContributions(request.agency, request.get_agency_display())
        )
        row.asked += 1
        if request.received_at is not None:
            row.received += 1
        elif request.is_late(today):
            row.late += 1
    return sorted(rows.values(), key=lambda r: r.label)


def contribution_requests_of_child(child: Child) -> QuerySet[ContributionRequest]:
    """The child's requests (the child came through the door)."""
    return (
        child.contribution_requests.select_related("organisation", "requested_by", "target_type")
        .prefetch_related("documents", "target")
        .order_by("-requested_at", "-pk")
    )


def get_contribution_request_for_user(
    user: User, child_pk: int, request_pk: int, *, write: bool = False
) -> ContributionRequest:
    child = get_child_for_user(user, child_pk, write=write)
    request = contribution_requests_of_child(child).filter(pk=request_pk).first()
    if request is None:
        raise Http404("No such request")
    return request


def contribution_request_withdrawable_by(
    user: User, child_pk: int, request_pk: int
) -> ContributionRequest:
    """A request the user may withdraw, else 404: the child's writers (the team), or whoever
    asked for it (business support, for a conference they arrange)."""
    try:
        return get_contribution_request_for_user(user, child_pk, request_pk, write=True)
    except Http404:
        # The requester was let ask (a role the meeting's app allows, restricted records only
        # when named): they may take back what they asked, and reach nothing else this way.
        request = (
            ContributionRequest.objects.filter(pk=request_pk, child_id=child_pk, requested_by=user)
            .select_related("child")
            .first()
        )
        if request is None:
            raise
        return request


def contribution_requests_for_partner(
    organisation_id: int, *, may_see_restricted: bool
) -> QuerySet[ContributionRequest]:
    """The open requests the authority has sent to this organisation's people (the partner
    API). A request about a restricted record is left out unless the client has the
    restricted_records scope: its professional was asked by name, its systems were not."""
    qs = ContributionRequest.objects.open().filter(organisation_id=organisation_id)
    if not may_see_restricted:
        qs = qs.filter(child__is_restricted=False)
    return (
        qs.select_related("child", "target_type")
        .prefetch_related("target")
        .order_by("due_date", "pk")
    )


def portal_request(request_pk: int) -> ContributionRequest | None:
    """The one request a professional's verified portal session is for (nothing else of the
    record is read through it)."""
    return (
        ContributionRequest.objects.open()
        .filter(pk=request_pk, verified_at__isnull=False, locked_at__isnull=True)
        .select_related("child")
        .first()
    )
