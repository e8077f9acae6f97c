"""Documents on a child's record: uploads, generated letters and minutes, and their versions.

A document belongs to one child (the access rule follows the child: `cases.access`) and
optionally to one event of the child's record (a strategy discussion, an enquiry, a conference,
a plan, a core group, a visit) through a generic link. Its file is held in versions: a new
upload of the same document is a new version, the earlier ones remain. Removing a document
keeps the row as a tombstone (who, when, why) and deletes the stored bytes.
"""

import uuid
from datetime import date
from typing import Any

from auditlog.registry import auditlog
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import Storage, storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.deconstruct import deconstructible

from cases.codes.agency import Agency
from wirral_cp.concurrency import VersionedModel


class DocumentType(models.TextChoices):
    AGENCY_REPORT = "agency_report", "Agency report"
    SOCIAL_WORK_REPORT = "sw_report", "Social work report"
    ASSESSMENT = "assessment", "Assessment"
    PHOTOGRAPH = "photograph", "Photograph"
    LETTER = "letter", "Letter"
    MINUTES = "minutes", "Minutes"
    COURT = "court", "Court document"
    OTHER = "other", "Other"


# The documents that count as "reports" for the reports-shared-with-parents measure.
REPORT_TYPES = (DocumentType.AGENCY_REPORT, DocumentType.SOCIAL_WORK_REPORT)

# Default retention periods (years from the document's date) until an administrator sets their
# own on the RetentionPeriod rows. A records officer is prompted to review; nothing is deleted.
DEFAULT_RETENTION_YEARS = {
    DocumentType.AGENCY_REPORT: 25,
    DocumentType.SOCIAL_WORK_REPORT: 25,
    DocumentType.ASSESSMENT: 25,
    DocumentType.PHOTOGRAPH: 25,
    DocumentType.LETTER: 6,
    DocumentType.MINUTES: 25,
    DocumentType.COURT: 75,
    DocumentType.OTHER: 6,
}


class ScanStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the virus scan"
    CLEAN = "clean", "Scanned: clean"
    INFECTED = "infected", "Refused: the virus scan found malware"
    FAILED = "failed", "The virus scan could not run"
    NOT_SCANNED = "not_scanned", "Not scanned (no scanner configured)"
    GENERATED = "generated", "Made by this system"


DOWNLOADABLE = (ScanStatus.CLEAN, ScanStatus.NOT_SCANNED, ScanStatus.GENERATED)


@deconstructible
class DocumentsStorage(Storage):
    """The documents store (`STORAGES["documents"]`), looked up at each use so that the
    setting, not the moment the models were loaded, decides where files go."""

    @staticmethod
    def _target() -> Storage:
        return storages["documents"]

    def open(self, name: str, mode: str = "rb") -> Any:
        return self._target().open(name, mode)

    def save(self, name: str | None, content: Any, max_length: int | None = None) -> str:
        return self._target().save(name, content, max_length=max_length)

    def delete(self, name: str) -> None:
        self._target().delete(name)

    def exists(self, name: str) -> bool:
        return self._target().exists(name)

    def size(self, name: str) -> int:
        return self._target().size(name)

    def url(self, name: str | None) -> str:
        raise ValueError("Documents have no URL: they leave only through the download view.")

    def generate_filename(self, filename: Any) -> str:
        return self._target().generate_filename(filename)


def version_file_name(instance: "DocumentVersion", filename: str) -> str:
    # A random name: the child's name or the uploader's file name never reaches the store.
    return f"{uuid.uuid4().hex}"


class DocumentQuerySet(models.QuerySet["Document"]):
    def current(self) -> "DocumentQuerySet":
        return self.filter(removed_at__isnull=True)


class Document(VersionedModel):
    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="documents")
    event_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    event_id = models.PositiveBigIntegerField(null=True, blank=True)
    event = GenericForeignKey("event_type", "event_id")
    title = models.CharField(max_length=200)
    document_type = models.CharField(max_length=16, choices=DocumentType.choices)
    author = models.CharField("author", max_length=200, blank=True)
    agency = models.CharField(max_length=20, choices=Agency.choices, blank=True)
    document_date = models.DateField("date of the document", default=timezone.localdate)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Stored when written (from the type's retention period); recomputed if the period changes.
    review_due_on = models.DateField("retention review due", null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    review_note = models.TextField("retention review decision", blank=True)
    # The tombstone.
    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_reason = models.TextField("why it was removed", blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-document_date", "-pk"]
        indexes = [
            models.Index(fields=["event_type", "event_id"]),
            models.Index(fields=["review_due_on"]),
        ]
        permissions = [("review_retention", "Can review documents past their retention period")]

    def __str__(self) -> str:
        return self.title

    @property
    def is_removed(self) -> bool:
        return self.removed_at is not None

    @property
    def is_report(self) -> bool:
        return self.document_type in REPORT_TYPES


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(
        storage=DocumentsStorage(), upload_to=version_file_name, max_length=200, blank=True
    )
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    scan_status = models.CharField(max_length=12, choices=ScanStatus.choices)
    scan_detail = models.CharField(max_length=300, blank=True)
    scanned_at = models.DateTimeField(null=True, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    note = models.CharField("what changed", max_length=300, blank=True)

    class Meta:
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.document} (version {self.number})"

    @property
    def downloadable(self) -> bool:
        return bool(self.file) and self.scan_status in DOWNLOADABLE


class ShareMethod(models.TextChoices):
    POST = "post", "Post"
    EMAIL = "email", "Email"
    BY_HAND = "by_hand", "By hand"


class RecipientKind(models.TextChoices):
    PARENT = "parent", "Parent or carer"
    CHILD = "child", "Child or young person"
    PROFESSIONAL = "professional", "Professional"
    OTHER = "other", "Other"


class DocumentShare(models.Model):
    """A document sent or given to someone: a report shared with a parent, a letter sent, the
    minutes distributed. To whom, how and on which day."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="shares")
    recipient = models.CharField("sent or given to", max_length=200)
    recipient_kind = models.CharField("who they are", max_length=12, choices=RecipientKind.choices)
    method = models.CharField("how", max_length=8, choices=ShareMethod.choices)
    shared_on = models.DateField("date sent or given")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["shared_on", "pk"]

    def __str__(self) -> str:
        return f"{self.document} to {self.recipient} on {self.shared_on:%-d %b %Y}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.shared_on and self.shared_on > timezone.localdate():
            raise ValidationError({"shared_on": "This date cannot be in the future."})


class RetentionPeriod(models.Model):
    """How long each type of document is kept before a records officer reviews it."""

    document_type = models.CharField(max_length=16, choices=DocumentType.choices, unique=True)
    years = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text="Years from the document's date until it is reviewed. Nothing is deleted "
        "automatically.",
    )

    class Meta:
        ordering = ["document_type"]

    def __str__(self) -> str:
        return f"{self.get_document_type_display()}: {self.years} years"


class LetterKind(models.TextChoices):
    INVITATION_PARENT = "invite_parent", "Invitation to parents"
    INVITATION_PROFESSIONAL = "invite_prof", "Invitation to professionals"
    OUTCOME_PARENT = "outcome_parent", "Outcome letter to parents"
    REFERRER_ACK = "referrer_ack", "Acknowledgement to the referrer"
    CORE_GROUP_INVITATION = "core_group", "Core group invitation"
    CONTACT_OUTCOME = "contact_outcome", "Outcome of a contact, to the referrer"


class LetterTemplate(models.Model):
    """A letter's wording, edited by administrators: plain text with fields in double braces,
    such as {{ child_name }}, filled in when the letter is made."""

    kind = models.CharField(max_length=16, choices=LetterKind.choices, unique=True)
    subject = models.CharField(max_length=200)
    body = models.TextField(
        help_text="Plain text. Fields: {{ child_name }}, {{ recipient_name }}, "
        "{{ conference_date }}, {{ conference_time }}, {{ conference_place }}, {{ chair_name }}, "
        "{{ worker_name }}, {{ worker_contact }}, {{ today }}, {{ referral_date }}, "
        "{{ core_group_date }}, {{ contact_outcome }}."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kind"]

    def __str__(self) -> str:
        return self.get_kind_display()

    def clean(self) -> None:
        from .fields import check_fields

        check_fields(self.subject, self.body)


def retention_review_due(document_type: str, document_date: date) -> date:
    """The day a document of this type, dated `document_date`, is due a retention review."""
    row = RetentionPeriod.objects.filter(document_type=document_type).first()
    years = row.years if row else DEFAULT_RETENTION_YEARS[DocumentType(document_type)]
    try:
        return document_date.replace(year=document_date.year + years)
    except ValueError:  # 29 February
        return document_date.replace(year=document_date.year + years, day=28)


auditlog.register(Document)
auditlog.register(DocumentVersion, exclude_fields=["file"])
auditlog.register(DocumentShare)
auditlog.register(LetterTemplate)
auditlog.register(RetentionPeriod)
