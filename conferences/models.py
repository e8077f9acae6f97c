"""Child protection conferences, plans and core groups.

An initial child protection conference (ICPC) is requested from a section 47 enquiry and
carries its target date (15 working days from the strategy discussion that started it).
"""

from datetime import date

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from wirral_cp.concurrency import VersionedModel


class ConferenceType(models.TextChoices):
    INITIAL = "initial", "Initial child protection conference"
    REVIEW = "review", "Review child protection conference"
    TRANSFER_IN = "transfer_in", "Transfer-in conference"
    PRE_BIRTH = "pre_birth", "Pre-birth conference"


class ConferenceStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"
    ADJOURNED = "adjourned", "Adjourned"


class Conference(VersionedModel):
    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="conferences")
    section47 = models.ForeignKey(
        "strategy.Section47",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conferences",
    )
    conference_type = models.CharField(max_length=12, choices=ConferenceType.choices)
    status = models.CharField(
        max_length=10, choices=ConferenceStatus.choices, default=ConferenceStatus.REQUESTED
    )
    target_date = models.DateField(
        help_text="The date by which the conference must be held (statutory timescale)."
    )
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_for = models.DateTimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chaired_conferences",
    )
    late_reason = models.TextField("reason the conference is after its target date", blank=True)
    cancelled_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["target_date", "pk"]
        indexes = [models.Index(fields=["status", "target_date"])]

    def __str__(self) -> str:
        return f"{self.get_conference_type_display()} (target {self.target_date:%d %b %Y})"

    @property
    def scheduled_date(self) -> date | None:
        return timezone.localtime(self.scheduled_for).date() if self.scheduled_for else None

    def clean(self) -> None:
        if self.section47_id and self.section47.child_id != self.child_id:
            raise ValidationError({"section47": "The enquiry belongs to a different child."})


auditlog.register(Conference)
