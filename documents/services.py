"""Writes to documents: each atomic, audited (auditlog on every model here) and, for edits of
a document, refused on a stale save."""

import hashlib
from datetime import date, timedelta
from typing import IO, Any

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max, Model
from django.urls import reverse
from django.utils import timezone

from accounts.actor import acting_as
from accounts.models import User
from cases.models import Child
from wirral_cp.concurrency import save_with_version
from wirral_cp.dates import day, day_time

from . import scanning
from .contributions import (
    CONTRIBUTION_REQUESTED,
    BadLink,
    announce,
    code_hash,
    hashes_match,
    kind_of,
    new_code,
    new_link,
    read_link,
)
from .models import (
    PROFESSION_AGENCY,
    ContributionRequest,
    Document,
    DocumentShare,
    DocumentType,
    DocumentVersion,
    Profession,
    RetentionPeriod,
    ScanStatus,
    retention_review_due,
)
from .validation import check_upload


def _sha256(stream: IO[bytes]) -> str:
    digest = hashlib.sha256()
    stream.seek(0)
    while chunk := stream.read(1024 * 1024):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def _add_version(
    *,
    document: Document,
    stream: IO[bytes],
    original_name: str,
    content_type: str,
    size: int,
    user: User,
    note: str = "",
    generated: bool = False,
) -> DocumentVersion:
    number = (document.versions.aggregate(n=Max("number"))["n"] or 0) + 1
    if generated:
        status = ScanStatus.GENERATED
    elif scanning.scanner_configured():
        status = ScanStatus.PENDING
    else:
        status = ScanStatus.NOT_SCANNED
    version = DocumentVersion(
        document=document,
        number=number,
        original_name=original_name[:255] or "document",
        content_type=content_type,
        size=size,
        sha256=_sha256(stream),
        scan_status=status,
        uploaded_by=user,
        note=note,
    )
    version.file.save("upload", File(stream), save=False)
    version.full_clean(exclude=["file"])
    version.save()
    if status == ScanStatus.PENDING:
        # By name: the task module imports this one (documents/tasks.py, loaded by apps.py).
        from celery import current_app

        transaction.on_commit(
            lambda: current_app.tasks["documents.tasks.scan_version"].delay(version.pk)
        )
    return version


@transaction.atomic
def document_upload(
    *,
    child: Child,
    event: Model | None,
    title: str,
    document_type: str,
    author: str,
    agency: str,
    document_date: date,
    stream: IO[bytes],
    original_name: str,
    size: int,
    user: User,
) -> Document:
    """A new document with its first version. The file's type is checked from its content."""
    checked = check_upload(stream, size)
    document = _new_document(
        child=child,
        event=event,
        title=title,
        document_type=document_type,
        author=author,
        agency=agency,
        document_date=document_date,
        user=user,
    )
    _add_version(
        document=document,
        stream=stream,
        original_name=original_name,
        content_type=checked.content_type,
        size=checked.size,
        user=user,
    )
    return document


def _new_document(
    *,
    child: Child,
    event: Model | None,
    title: str,
    document_type: str,
    author: str,
    document_date,
    user: User,
    agency: str = "",
) -> Document:
    """A document of the child (and of one of its events), checked and saved, with its
    retention review date; its first version is added by the caller."""
    document = Document(
        child=child,
        event_type=ContentType.objects.get_for_model(type(event)) if event else None,
        event_id=event.pk if event else None,
        title=title,
        document_type=document_type,
        author=author,
        agency=agency,
        document_date=document_date,
        created_by=user,
        review_due_on=retention_review_due(document_type, document_date),
    )
    document.full_clean()
    document.save()
    return document


@transaction.atomic
def document_add_version(
    *,
    document: Document,
    stream: IO[bytes],
    original_name: str,
    size: int,
    user: User,
    note: str,
    expected_version: int | None,
) -> DocumentVersion:
    """A new upload of the same document: the next version; the earlier ones remain."""
    if document.is_removed:
        raise ValidationError("This document has been removed.")
    checked = check_upload(stream, size)
    save_with_version(document, expected_version=expected_version)
    return _add_version(
        document=document,
        stream=stream,
        original_name=original_name,
        content_type=checked.content_type,
        size=checked.size,
        user=user,
        note=note,
    )


@transaction.atomic
def document_generate(
    *,
    child: Child,
    event: Model | None,
    title: str,
    document_type: str,
    content: bytes,
    filename: str,
    user: User,
    author: str = "",
    replaces: Document | None = None,
) -> Document:
    """A document this system made (a letter, the minutes): stored like an upload, not scanned.
    With `replaces`, the file becomes that document's next version."""
    document = replaces
    if document is None:
        document = _new_document(
            child=child,
            event=event,
            title=title,
            document_type=document_type,
            author=author,
            document_date=timezone.localdate(),
            user=user,
        )
    else:
        save_with_version(document, expected_version=None)
    _add_version(
        document=document,
        stream=ContentFile(content),
        original_name=filename,
        content_type="application/pdf",
        size=len(content),
        user=user,
        generated=True,
    )
    return document


def version_scan(*, version_id: int) -> str:
    """Scan a version with clamd and record the verdict (a failure to scan is recorded too:
    the file stays undownloadable)."""
    version = DocumentVersion.objects.get(pk=version_id)
    if version.scan_status not in (ScanStatus.PENDING, ScanStatus.FAILED):
        return str(version.scan_status)
    try:
        with version.file.open("rb") as stream:
            result = scanning.scan_stream(stream)
    except scanning.ScannerUnavailable as error:
        version.scan_status, version.scan_detail = ScanStatus.FAILED, str(error)[:300]
    else:
        version.scan_status = ScanStatus.CLEAN if result.clean else ScanStatus.INFECTED
        version.scan_detail = result.detail
    version.scanned_at = timezone.now()
    with transaction.atomic():
        version.save(update_fields=["scan_status", "scan_detail", "scanned_at"])
        if version.scan_status == ScanStatus.INFECTED:
            # Malware is not kept, not even for the record: the row says what was found.
            version.file.delete(save=False)
            version.save(update_fields=["file"])
    return str(version.scan_status)


@transaction.atomic
def document_remove(
    *, document: Document, user: User, reason: str, expected_version: int | None
) -> Document:
    """Remove a document: its files are deleted from the store, the row stays as a tombstone
    (title, type, who uploaded and removed it, when and why)."""
    if document.is_removed:
        raise ValidationError("This document has already been removed.")
    if not reason.strip():
        raise ValidationError({"removed_reason": "Say why the document is being removed."})
    document.removed_at = timezone.now()
    document.removed_by = user
    document.removed_reason = reason
    save_with_version(document, expected_version=expected_version)
    for version in document.versions.all():
        if version.file:
            name, storage = version.file.name, version.file.storage
            version.file = ""
            version.save(update_fields=["file"])
            transaction.on_commit(lambda s=storage, n=name: s.delete(n))  # type: ignore[misc]
    return document


@transaction.atomic
def document_share(
    *,
    document: Document,
    recipient: str,
    recipient_kind: str,
    method: str,
    shared_on: date,
    user: User,
) -> DocumentShare:
    """Record that the document was sent or given to someone (a report shared with a parent, a
    letter sent, the minutes distributed)."""
    if document.is_removed:
        raise ValidationError("This document has been removed.")
    share = DocumentShare(
        document=document,
        recipient=recipient,
        recipient_kind=recipient_kind,
        method=method,
        shared_on=shared_on,
        recorded_by=user,
    )
    share.full_clean()
    share.save()
    return share


@transaction.atomic
def document_review(*, document: Document, user: User, note: str) -> Document:
    """A records officer's retention review: the decision in words. Nothing is deleted here;
    a document to be destroyed is removed by a person, with its tombstone."""
    if not note.strip():
        raise ValidationError({"review_note": "Record the decision."})
    document.reviewed_at = timezone.now()
    document.reviewed_by = user
    document.review_note = note
    save_with_version(document, expected_version=None)
    return document


@transaction.atomic
def retention_period_set(*, document_type: str, years: int) -> int:
    """Set a type's retention period and store every unreviewed document's new review date."""
    period, _ = RetentionPeriod.objects.update_or_create(
        document_type=document_type, defaults={"years": years}
    )
    period.full_clean()
    changed = 0
    for document in Document.objects.filter(document_type=document_type, reviewed_at=None):
        due = retention_review_due(document_type, document.document_date)
        if document.review_due_on != due:
            Document.objects.filter(pk=document.pk).update(review_due_on=due)
            changed += 1
    return changed


# --- Contribution requests -------------------------------------------------------------------


class ContributionRefused(ValidationError):
    """The link or the code cannot be used; the message says why, in words for the
    professional (never anything about the child). `status`: 404 for a link that was never
    valid, 410 for one that was and is no more."""

    def __init__(self, message: str, status: int = 410):
        super().__init__(message)
        self.status = status


def _portal_user() -> User:
    """Documents need a maker: contributions are recorded as made by this inactive account
    (the professional's name and agency are the document's author and agency)."""
    user, created = User.objects.get_or_create(
        username=PORTAL_USERNAME,
        defaults={"first_name": "Partner", "last_name": "contribution", "is_active": False},
    )
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


PORTAL_USERNAME = "partner-contribution"


def _send(subject: str, body: str, to: str) -> None:
    transaction.on_commit(
        lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to], fail_silently=False)
    )


def _link_expiry():
    return timezone.now() + timedelta(days=settings.CONTRIBUTION_LINK_DAYS)


def _send_link(request: ContributionRequest, token: str, link_base: str) -> None:
    target = kind_of(request.target) if request.target is not None else None
    url = link_base.rstrip("/") + reverse("documents:contribute", args=[token])
    meeting = target.label.lower() if target else "meeting"
    # The email names no child: it may be read on a shared screen or forwarded.
    _send(
        "A request for your contribution",
        f"Dear {request.professional_name},\n\n"
        f"The local authority's children's services ask for {request.get_kind_display().lower()} "
        f"({meeting}) by {day(request.due_date)}.\n\n"
        f"Open this link (it works once, until "
        f"{day_time(request.link_expires_at)}): {url}\n\n"
        "You will be sent a code to this address to confirm it is you. If you did not expect "
        "this email, do not open the link; tell the sender.\n",
        request.email,
    )


@transaction.atomic
def contribution_request(
    *,
    child: Child,
    target: Model,
    person: Any,
    profession: str,
    asked: str,
    due_date: date,
    user: User,
    link_base: str,
) -> ContributionRequest:
    """Ask a named professional for their information or report for a meeting, by a due date.

    The caller has checked that `user` may ask about `target` (`selectors.
    contribution_target_for_user`: the child's writers, or a role the target's app allows,
    restricted records only by people named on them). The professional is emailed a
    single-use link; partner systems subscribed to "contribution.requested" are told
    (identifiers and dates only)."""

    kind = kind_of(target)
    if kind is None:
        raise ValidationError("A contribution cannot be asked for this record.")
    if not person.is_active or not person.organisation.is_active:
        raise ValidationError({"person": "This professional can no longer be asked."})
    if due_date < timezone.localdate():
        raise ValidationError({"due_date": "The due date cannot be in the past."})
    meeting_on = kind.meeting_date(target)
    if meeting_on is not None and meeting_on >= timezone.localdate() and due_date > meeting_on:
        raise ValidationError(
            {"due_date": f"The due date must be on or before the meeting ({day(meeting_on)})."}
        )
    request = ContributionRequest(
        child=child,
        target_type=ContentType.objects.get_for_model(type(target)),
        target_id=target.pk,
        kind=kind.asks,
        person=person,
        organisation=person.organisation,
        professional_name=person.name,
        email=person.email,
        profession=profession,
        agency=PROFESSION_AGENCY.get(Profession(profession), "") if profession else "",
        asked=asked.strip(),
        due_date=due_date,
        requested_by=user,
        link_expires_at=_link_expiry(),
    )
    request.full_clean()
    request.save()
    token, request.token_hash = new_link(request.pk)
    request.save(update_fields=["token_hash"])
    _send_link(request, token, link_base)
    announce(
        CONTRIBUTION_REQUESTED,
        {
            "child_id": child.pk,
            "organisation_id": request.organisation_id,
            "contribution_request_id": request.pk,
            "due_date": due_date,
            "meeting_date": meeting_on,
        },
    )
    return request


@transaction.atomic
def contribution_new_link(
    *, request: ContributionRequest, user: User, link_base: str
) -> ContributionRequest:
    """Send the professional a fresh link (the last one expired, was used, or the code was
    tried too often); every earlier link and code stops working."""
    request = ContributionRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise ValidationError("This request has been answered or withdrawn.")
    token, request.token_hash = new_link(request.pk)
    request.link_expires_at = _link_expiry()
    request.link_used_at = request.verified_at = request.locked_at = None
    request.code_hash, request.code_expires_at, request.code_attempts = "", None, 0
    request.save()
    _send_link(request, token, link_base)
    return request


WITHDRAWN = (
    "This request has been withdrawn by the children's services team: nothing more is needed. "
    "If you think it should not have been, contact the sender."
)


@transaction.atomic
def contribution_withdraw(
    *, request: ContributionRequest, user: User, reason: str, seen: str
) -> ContributionRequest:
    """Withdraw an open request (the requester or the child's team, checked by the caller):
    the link and any code stop working, it leaves the partner API's open requests and is no
    longer chased (the late alert resolves at the next scan). Audited; refused when the request
    changed since the page was shown."""
    request = ContributionRequest.objects.select_for_update().get(pk=request.pk)
    if not request.is_open:
        raise ValidationError("This request has already been answered or withdrawn.")
    if seen != request.stamp:
        raise ValidationError(
            "This request changed since you opened the page (a new link was sent). "
            "Check it and try again."
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the request is withdrawn."})
    with acting_as(user):
        request.cancelled_at = timezone.now()
        request.cancelled_by = user
        request.cancel_reason = reason
        # The link's hash is kept so that the link is refused with a clear message.
        request.code_hash = ""
        request.save()
    return request


def _request_for_link(token: str, *, lock: bool) -> ContributionRequest:
    try:
        request_id, secret_hash = read_link(token)
    except BadLink as error:
        raise ContributionRefused(str(error), status=404) from None
    qs = ContributionRequest.objects.select_for_update() if lock else ContributionRequest.objects
    request = qs.filter(pk=request_id).first()
    if request is None or not hashes_match(request.token_hash, secret_hash):
        # A link replaced by a newer one is refused the same way as a forged one.
        raise ContributionRefused("This link is not valid.", status=404)
    _check_usable(request)
    if request.link_used_at is not None:
        raise ContributionRefused("This link has already been used. Ask the sender for a new one.")
    if request.link_expires_at <= timezone.now():
        raise ContributionRefused("This link has expired. Ask the sender for a new one.")
    return request


def contribution_link_check(*, token: str) -> ContributionRequest:
    """Whether the link may be used, changing nothing (the page before the code is sent)."""
    return _request_for_link(token, lock=False)


@transaction.atomic
def contribution_link_open(*, token: str) -> ContributionRequest:
    """The professional has followed the link and asked for their code: the link is spent
    (single use) and a code sent to the address the request went to."""
    request = _request_for_link(token, lock=True)
    code = new_code()
    request.link_used_at = timezone.now()
    request.code_hash = code_hash(request.pk, code)
    request.code_expires_at = timezone.now() + timedelta(minutes=settings.CONTRIBUTION_CODE_MINUTES)
    request.code_attempts = 0
    request.save(update_fields=["link_used_at", "code_hash", "code_expires_at", "code_attempts"])
    _send(
        "Your code",
        f"Your code is {code}. It works for {settings.CONTRIBUTION_CODE_MINUTES} minutes.\n"
        "If you did not ask for it, tell the sender of the request.\n",
        request.email,
    )
    return request


def _check_usable(request: ContributionRequest) -> None:
    if request.cancelled_at is not None:
        raise ContributionRefused(WITHDRAWN)
    if not request.is_open:
        raise ContributionRefused("This request has been answered or withdrawn.")
    if request.locked_at is not None:
        raise ContributionRefused(
            "The code was entered wrongly too many times. Ask the sender for a new link."
        )


def contribution_code_check(*, request_id: int, code: str) -> ContributionRequest:
    """Check the one-time code. A wrong code counts an attempt (kept even though the answer is
    a refusal); at the limit the request is locked until the sender sends a new link."""
    with transaction.atomic():
        request = ContributionRequest.objects.select_for_update().get(pk=request_id)
        _check_usable(request)
        if request.verified_at is not None:
            return request
        if request.code_expires_at is None or request.code_expires_at <= timezone.now():
            raise ContributionRefused("This code has expired. Ask the sender for a new link.")
        if hashes_match(request.code_hash, code_hash(request.pk, code)):
            request.verified_at = timezone.now()
            request.code_hash = ""
            request.save(update_fields=["verified_at", "code_hash"])
            return request
        request.code_attempts += 1
        left = settings.CONTRIBUTION_CODE_MAX_ATTEMPTS - request.code_attempts
        if left <= 0:
            request.locked_at = timezone.now()
            request.code_hash = ""
        request.save(update_fields=["code_attempts", "locked_at", "code_hash"])
    if left <= 0:
        raise ContributionRefused(
            "The code was entered wrongly too many times. Ask the sender for a new link."
        )
    raise ValidationError(
        {"code": f"This code is not right. {left} {'try' if left == 1 else 'tries'} left."}
    )


@transaction.atomic
def contribution_submit(
    *,
    request: ContributionRequest,
    text: str,
    stream: IO[bytes] | None,
    original_name: str = "",
    size: int = 0,
    via: str,
) -> list[Document]:
    """What the professional sends lands as documents of the meeting (an agency report, by
    them, for their agency), through the document rules: the written text as a text document,
    the file checked by its content and scanned. The request is answered (in time or late,
    stored) and the requester told."""
    request = (
        ContributionRequest.objects.select_for_update()
        .select_related("child", "requested_by")
        .get(pk=request.pk)
    )
    if request.cancelled_at is not None:
        raise ContributionRefused(WITHDRAWN)
    if not request.is_open:
        raise ContributionRefused("This request has been answered or withdrawn.")
    # The code's lock guards the link; a partner system's key is a door of its own.
    if via == "portal":
        _check_usable(request)
    if via == "portal" and request.verified_at is None:
        raise ContributionRefused("Enter the code first.")
    text = text.strip()
    if not text and stream is None:
        raise ValidationError("Write your contribution or attach a document (or both).")
    user = _portal_user()
    kind = kind_of(request.target) if request.target is not None else None
    lands_on = kind.lands_on(request.target) if kind and kind.lands_on else request.target
    who = f"{request.professional_name} ({request.get_agency_display()})"
    title = f"{request.get_kind_display()}: {who}"
    common: dict[str, Any] = {
        "child": request.child,
        "event": lands_on,
        "document_type": DocumentType.AGENCY_REPORT,
        "author": request.professional_name,
        "agency": request.agency,
        "document_date": timezone.localdate(),
        "user": user,
    }
    documents = []
    if text:
        content = text.encode()
        documents.append(
            document_upload(
                title=title[:200],
                stream=ContentFile(content),
                original_name="contribution.txt",
                size=len(content),
                **common,
            )
        )
    if stream is not None:
        documents.append(
            document_upload(
                title=f"{title} (attached)"[:200],
                stream=stream,
                original_name=original_name,
                size=size,
                **common,
            )
        )
    now = timezone.now()
    request.received_at = now
    request.received_via = via
    request.in_time = request.received_in_time(timezone.localdate(now))
    request.code_hash, request.token_hash = "", ""
    request.save()
    request.documents.add(*documents)
    if kind is not None and kind.on_received is not None:
        kind.on_received(request.target, request, documents)
    requester = request.requested_by
    if requester.email:
        url = reverse("documents:contribution-requests", args=[request.child_id])
        _send(
            "A contribution has arrived",
            f"{request.professional_name} ({request.get_agency_display()}) has sent "
            f"{request.get_kind_display().lower()}"
            f"{'' if request.in_time else ', after the due date'}. "
            f"See the child's contribution requests: {url}\n",
            requester.email,
        )
    return documents
