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
from wirral_cp.dates import day


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
        return f"{self.document} to {self.recipient} on {day(self.shared_on)}"

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


class ContributionKind(models.TextChoices):
    INFORMATION = "information", "Information for the meeting"
    REPORT = "report", "A report for the meeting"
    CHECK = "check", "What your agency knows about the child (a multi-agency check)"


class Profession(models.TextChoices):
    """Whom a contribution is asked of, and so which agency it counts for."""

    POLICE_OFFICER = "police_officer", "Police officer"
    GP = "gp", "GP"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    SCHOOL_NURSE = "school_nurse", "School nurse"
    TEACHER = "teacher", "Teacher"
    PROBATION_OFFICER = "probation_officer", "Probation officer"

    @property
    def agency(self) -> str:
        return PROFESSION_AGENCY[self]


PROFESSION_AGENCY = {
    Profession.POLICE_OFFICER: Agency.POLICE,
    Profession.GP: Agency.HEALTH,
    Profession.HEALTH_VISITOR: Agency.HEALTH,
    Profession.SCHOOL_NURSE: Agency.HEALTH,
    Profession.TEACHER: Agency.EDUCATION,
    Profession.PROBATION_OFFICER: Agency.PROBATION,
}


class ContributionRequestQuerySet(models.QuerySet["ContributionRequest"]):
    def open(self) -> "ContributionRequestQuerySet":
        return self.filter(received_at__isnull=True, cancelled_at__isnull=True)

    def late(self, today: date) -> "ContributionRequestQuerySet":
        return self.open().filter(due_date__lt=today)

    def for_target(self, target: models.Model) -> "ContributionRequestQuerySet":
        return self.filter(
            target_type=ContentType.objects.get_for_model(type(target)), target_id=target.pk
        )


class ContributionRequest(models.Model):
    """A named professional asked for their information or their report for a meeting of the
    child's record (a strategy discussion, a conference, a core group; any registered target),
    by a due date stored when the request is written.

    The professional reaches it through a single-use link (only its hash is kept) and a
    one-time code sent to the same address (hashed too, with an attempt limit); what they send
    lands as documents of the target, through the document rules.
    """

    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, related_name="contribution_requests"
    )
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    target_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("target_type", "target_id")
    kind = models.CharField("what is asked for", max_length=12, choices=ContributionKind.choices)
    # The people of partner agencies are kept by the partners app (administration); a request
    # names one of them and keeps the name and address it was sent to.
    person = models.ForeignKey(
        "partners.PartnerPerson", on_delete=models.PROTECT, related_name="contribution_requests"
    )
    organisation = models.ForeignKey(
        "partners.PartnerOrganisation",
        on_delete=models.PROTECT,
        related_name="contribution_requests",
    )
    professional_name = models.CharField(max_length=200)
    email = models.EmailField("sent to")
    profession = models.CharField(max_length=20, choices=Profession.choices)
    agency = models.CharField(max_length=20, choices=Agency.choices)
    asked = models.TextField("what is asked")
    due_date = models.DateField("due by")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    # The link: only its hash; spent when first used; expires.
    token_hash = models.CharField(max_length=64, blank=True, db_index=True)
    link_expires_at = models.DateTimeField()
    link_used_at = models.DateTimeField(null=True, blank=True)
    # The one-time code sent once the link is used: only its hash; expires; a few attempts.
    code_hash = models.CharField(max_length=64, blank=True)
    code_expires_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)
    locked_at = models.DateTimeField(null=True, blank=True)
    # What came back, and whether by the due date (stored when received).
    received_at = models.DateTimeField(null=True, blank=True)
    received_via = models.CharField(
        max_length=8, blank=True, choices=[("portal", "The link"), ("api", "The partner API")]
    )
    in_time = models.BooleanField(null=True, blank=True)
    documents = models.ManyToManyField(Document, blank=True, related_name="contribution_requests")
    # Withdrawn by the requester or the child's team, with the reason (the link stops working).
    cancelled_at = models.DateTimeField("withdrawn", null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    cancel_reason = models.TextField("why it was withdrawn", blank=True)

    objects = ContributionRequestQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        indexes = [
            models.Index(fields=["target_type", "target_id"]),
            models.Index(fields=["organisation", "received_at"]),
            models.Index(fields=["due_date"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.professional_name}"

    @property
    def is_open(self) -> bool:
        return self.received_at is None and self.cancelled_at is None

    def is_late(self, today: date | None = None) -> bool:
        return self.is_open and self.due_date < (today or timezone.localdate())

    @property
    def stamp(self) -> str:
        """The request's state as a page showed it: a withdrawal posted from an older page (a
        new link sent, an answer arrived, withdrawn already) is refused as stale."""
        return "|".join(str(v) for v in (self.link_expires_at, self.received_at, self.cancelled_at))

    def received_in_time(self, day: date) -> bool:
        """The one rule for "in time": received on or before the due date stored when the
        request was written."""
        return day <= self.due_date

    def status(self, today: date | None = None) -> str:
        if self.received_at is not None:
            return "Received" if self.in_time else "Received late"
        if self.cancelled_at is not None:
            return "Withdrawn"
        return "Late" if self.is_late(today) else "Asked"


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
auditlog.register(
    ContributionRequest, exclude_fields=["token_hash", "code_hash"], m2m_fields={"documents"}
)
