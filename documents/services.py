"""Writes to documents: each atomic, audited (auditlog on every model here) and, for edits of
a document, refused on a stale save."""

import hashlib
from datetime import date
from typing import IO

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile, File
from django.db import transaction
from django.db.models import Max, Model
from django.utils import timezone

from accounts.models import User
from cases.models import Child
from wirral_cp.concurrency import save_with_version

from . import scanning
from .models import (
    Document,
    DocumentShare,
    DocumentVersion,
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
