"""The front door: contacts about a child, their decisions, and the multi-agency checks made.

A contact is what arrives at the front door (MASH, duty) before any referral: a child may have
many. Only a contact whose decision is a referral (or an immediate strategy discussion) opens a
census referral, the CIN episode (`cases.Referral`, through `cases.services_episodes`): the
others never reach the CIN census. The due dates are stored when the contact or check is
written (`services`), from the one rule for each in `timescales.rules`.
"""

from datetime import date, datetime

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cases.codes.agency import Agency
from cases.codes.referral_source import ReferralSource
from wirral_cp.concurrency import VersionedModel
from wirral_cp.dates import day_time


class ContactDecision(models.TextChoices):
    NFA = "nfa", "No further action"
    ADVICE = "advice", "Information and advice"
    FAMILY_HELP = "family_help", "Family Help (early help)"
    REFERRAL = "referral", "Referral to children's social care"
    STRATEGY = "strategy", "Strategy discussion (immediate safeguarding)"


# The decisions that open a census referral (a CIN episode).
OPENS_REFERRAL = (ContactDecision.REFERRAL, ContactDecision.STRATEGY)


class Consent(models.TextChoices):
    GIVEN = "given", "Given: the family agreed to information being shared"
    REFUSED = "refused", "Refused by the family"
    NOT_SOUGHT = "not_sought", "Not sought: asking would put the child at risk"
    NOT_RELEVANT = "not_relevant", "Not relevant (for example a police or anonymous contact)"


class Method(models.TextChoices):
    EMAIL = "email", "Email"
    POST = "post", "Post"
    PHONE = "phone", "Telephone"
    IN_PERSON = "in_person", "In person"


class ContactQuerySet(models.QuerySet["Contact"]):
    def awaiting_decision(self) -> "ContactQuerySet":
        return self.filter(decision="")


class Contact(VersionedModel):
    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="contacts")
    received_at = models.DateTimeField("date and time received")
    source = models.CharField(
        "contact source", max_length=2, choices=ReferralSource.choices,
        help_text="Who made the contact, by the census referral-source codes.",
    )  # fmt: skip
    referrer_name = models.CharField("referrer's name", max_length=200, blank=True)
    referrer_agency = models.CharField(
        "referrer's agency or organisation", max_length=200, blank=True
    )
    referrer_phone = models.CharField("referrer's telephone", max_length=40, blank=True)
    referrer_email = models.EmailField("referrer's email", blank=True)
    referrer_address = models.CharField("referrer's address", max_length=300, blank=True)
    reported = models.TextField("what was reported")
    consent = models.CharField(
        "consent to share information", max_length=12, choices=Consent.choices, blank=True,
        help_text="Whether the family agreed to agencies sharing what they know.",
    )  # fmt: skip
    # Stored when the contact is written (timescales.rules), read by the alerts and the lists.
    decision_due = models.DateField(editable=False)
    acknowledgement_due = models.DateField(editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(max_length=12, choices=ContactDecision.choices, blank=True)
    decision_reason = models.TextField("reason for the decision", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    decided_at = models.DateTimeField(null=True, blank=True)
    # The team asked to take the child on when the decision is Family Help (early help): the
    # Family Help app records the request, waiting for that team to accept it.
    family_help_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name="receiving Family Help team",
    )  # fmt: skip
    # The census referral this contact opened (referral or strategy discussion decisions).
    referral = models.OneToOneField(
        "cases.Referral", null=True, blank=True, on_delete=models.PROTECT,
        related_name="contact",
    )  # fmt: skip
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    acknowledgement_method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    acknowledged_to = models.CharField(max_length=200, blank=True)
    acknowledgement_letter = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    outcome_notified_at = models.DateTimeField(null=True, blank=True)
    outcome_notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    outcome_method = models.CharField(max_length=10, choices=Method.choices, blank=True)
    outcome_notified_to = models.CharField(max_length=200, blank=True)
    outcome_letter = models.ForeignKey(
        "documents.Document", null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )  # fmt: skip
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ContactQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["child", "received_at"]),
            models.Index(fields=["received_at"]),
            models.Index(fields=["decision", "decision_due"]),
            models.Index(fields=["acknowledged_at", "acknowledgement_due"]),
        ]

    def __str__(self) -> str:
        return f"Contact received {day_time(self.received_at)}"

    @property
    def received_date(self) -> date:
        return timezone.localtime(self.received_at).date()

    @property
    def decision_date(self) -> date | None:
        return timezone.localtime(self.decided_at).date() if self.decided_at else None

    @property
    def decision_late(self) -> bool:
        return (self.decision_date or timezone.localdate()) > self.decision_due

    @property
    def acknowledgement_late(self) -> bool:
        on = timezone.localtime(self.acknowledged_at).date() if self.acknowledged_at else None
        return (on or timezone.localdate()) > self.acknowledgement_due

    @property
    def is_decided(self) -> bool:
        return bool(self.decision)

    @property
    def opens_referral(self) -> bool:
        return self.decision in OPENS_REFERRAL

    @property
    def referrer(self) -> str:
        """Who made the contact, in words: the name and agency, or the source."""
        parts = [p for p in (self.referrer_name, self.referrer_agency) if p]
        return ", ".join(parts) or self.get_source_display()

    def clean(self) -> None:
        errors: dict[str, str] = {}
        now = timezone.now()
        if self.received_at and self.received_at > now:
            errors["received_at"] = "The contact cannot be received in the future."
        if self.decided_at and self.received_at and self.decided_at < self.received_at:
            errors["decision"] = "The decision cannot be made before the contact was received."
        if self.decision and not self.decision_reason.strip():
            errors["decision_reason"] = "Say why: what you weighed up in deciding."
        if self.decision == ContactDecision.FAMILY_HELP and not self.family_help_team_id:
            errors["family_help_team"] = "Choose the Family Help team asked to take the child on."
        for at, field in (
            (self.acknowledged_at, "acknowledged_at"),
            (self.outcome_notified_at, "outcome_notified_at"),
        ):
            if at and self.received_at and at < self.received_at:
                errors[field] = "This cannot be before the contact was received."
            if at and at > now:
                errors[field] = "This cannot be in the future."
        if self.outcome_notified_at and not self.decision:
            errors["outcome_notified_at"] = (
                "The referrer is told the outcome once the decision has been made."
            )
        if errors:
            raise ValidationError(errors)


class CheckAgency(models.TextChoices):
    """The partner agencies the front door asks (the same codes as `cases.codes.agency`)."""

    POLICE = Agency.POLICE.value, "Police"
    HEALTH = Agency.HEALTH.value, "Health"
    EDUCATION = Agency.EDUCATION.value, "Education"
    PROBATION = Agency.PROBATION.value, "Probation"
    HOUSING = Agency.HOUSING.value, "Housing"


class Urgency(models.TextChoices):
    RED = "red", "Red (urgent)"
    AMBER = "amber", "Amber"
    GREEN = "green", "Green"


class AgencyCheckQuerySet(models.QuerySet["AgencyCheck"]):
    def awaiting(self) -> "AgencyCheckQuerySet":
        return self.filter(responded_at__isnull=True)

    def in_time(self) -> "AgencyCheckQuerySet":
        return self.filter(responded_at__isnull=False, responded_at__lte=models.F("due_at"))


class AgencyCheck(VersionedModel):
    """A request to a partner agency for what it knows about the child (a MASH check)."""

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="checks")
    # The contact's child, kept on the row so that the one door, the alerts and the dashboard
    # filter checks as they filter every other record of a child.
    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, related_name="agency_checks", editable=False
    )
    agency = models.CharField(max_length=12, choices=CheckAgency.choices)
    requested_from = models.CharField(
        "asked whom", max_length=200, blank=True,
        help_text="The person or desk asked, for example the police public protection unit.",
    )  # fmt: skip
    urgency = models.CharField(max_length=5, choices=Urgency.choices)
    sent_at = models.DateTimeField("date and time sent")
    # Stored when the check is written, from the local target for its urgency.
    due_at = models.DateTimeField(editable=False)
    responded_at = models.DateTimeField("date and time of the response", null=True, blank=True)
    nothing_known = models.BooleanField("nothing known", default=False)
    response = models.TextField("what the agency said", blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AgencyCheckQuerySet.as_manager()

    class Meta:
        ordering = ["sent_at", "pk"]
        indexes = [
            models.Index(fields=["responded_at", "due_at"]),
            models.Index(fields=["sent_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_agency_display()} check ({self.get_urgency_display()})"

    @property
    def answered_in_time(self) -> bool | None:
        if self.responded_at is None:
            return None
        return self.responded_at <= self.due_at

    def is_late(self, now: datetime | None = None) -> bool:
        """Late: answered after its target, or still unanswered once it has passed."""
        if self.responded_at is not None:
            return self.responded_at > self.due_at
        return (now or timezone.now()) > self.due_at

    def clean(self) -> None:
        errors: dict[str, str] = {}
        now = timezone.now()
        if self.sent_at and self.sent_at > now:
            errors["sent_at"] = "The check cannot be sent in the future."
        if self.responded_at:
            if self.responded_at > now:
                errors["responded_at"] = "The response cannot be in the future."
            elif self.sent_at and self.responded_at < self.sent_at:
                errors["responded_at"] = "The response cannot come before the check was sent."
            if not self.nothing_known and not self.response.strip():
                errors["response"] = 'Record what the agency said, or tick "nothing known".'
        elif self.response.strip() or self.nothing_known:
            errors["responded_at"] = "Give the date and time of the response."
        if errors:
            raise ValidationError(errors)


auditlog.register(Contact)
auditlog.register(AgencyCheck)
