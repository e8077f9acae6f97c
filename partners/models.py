"""Partner agencies: organisations, their people, the API clients their systems use and the
webhooks they subscribe to.

A contribution request (`documents.ContributionRequest`, issue 22 item 1) points at a
PartnerOrganisation and a PartnerPerson: the documents app keeps the request (the event pages
and the monitoring rules below this app read it), this app its people and its API.
"""

import secrets
import uuid

from django.db import models
from django.utils import timezone
from rest_framework_api_key.models import AbstractAPIKey


class Agency(models.TextChoices):
    HEALTH = "health", "Health"
    POLICE = "police", "Police"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    OTHER = "other", "Other"


class Scope(models.TextChoices):
    """What an API client may do. A client holds a list of these."""

    PLAN_STATUS = "plan_status", "Ask whether a child is subject to a child protection plan"
    RESTRICTED_RECORDS = (
        "restricted_records",
        "For a restricted record, also be told the plan's start and the allocated team",
    )
    EVENTS = "events", "Receive event notifications (webhooks)"
    CONTRIBUTIONS = (
        "contributions",
        "See the authority's open contribution requests to this organisation and send "
        "contributions against them",
    )


class PartnerOrganisation(models.Model):
    name = models.CharField(max_length=200, unique=True)
    agency = models.CharField(max_length=12, choices=Agency.choices)
    ods_code = models.CharField(
        "ODS code", max_length=12, blank=True, help_text="NHS organisation code, if any."
    )
    contact_email = models.EmailField(
        blank=True, help_text="Who the authority tells about keys and changes."
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerPerson(models.Model):
    """A named professional of a partner organisation (a GP, a police officer, a teacher...)."""

    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="people"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=100, blank=True)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["organisation", "name"]
        verbose_name_plural = "partner people"

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"


class PartnerClient(models.Model):
    """A partner system that calls the API (and may receive webhooks), with its scopes."""

    organisation = models.ForeignKey(
        PartnerOrganisation, on_delete=models.PROTECT, related_name="clients"
    )
    name = models.CharField(max_length=200)
    scopes = models.JSONField(default=list, blank=True, help_text="What this client may do.")
    rate_limit = models.CharField(
        max_length=20,
        blank=True,
        help_text='Calls allowed, as "60/minute" or "1000/day". Empty: the default.',
    )
    is_active = models.BooleanField(
        default=True, help_text="A revoked client is refused at once, whatever its keys."
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="partner_client_name")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.organisation})"

    def has_scope(self, scope: str) -> bool:
        return scope in (self.scopes or [])

    @property
    def is_usable(self) -> bool:
        return self.is_active and self.organisation.is_active


class PartnerAPIKey(AbstractAPIKey):
    """A client's key, stored hashed (djangorestframework-api-key): only its prefix is kept in
    clear, the key itself is shown once when issued."""

    client = models.ForeignKey(PartnerClient, on_delete=models.CASCADE, related_name="keys")

    class Meta(AbstractAPIKey.Meta):
        verbose_name = "API key"
        verbose_name_plural = "API keys"


def new_webhook_secret() -> str:
    return secrets.token_urlsafe(32)


class WebhookSubscription(models.Model):
    """Where a client's system is told of events, and the secret its messages are signed with
    (kept in clear: signing needs it)."""

    client = models.ForeignKey(
        PartnerClient, on_delete=models.PROTECT, related_name="subscriptions"
    )
    url = models.URLField("receiver URL", max_length=500)
    events = models.JSONField(default=list, help_text="The events this receiver is sent.")
    secret = models.CharField(max_length=100, default=new_webhook_secret, editable=False)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["client", "url"]

    def __str__(self) -> str:
        return f"{self.url} ({self.client})"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "Pending"
    DELIVERED = "delivered", "Delivered"
    FAILED = "failed", "Failed"


class WebhookDelivery(models.Model):
    """One event sent to one subscription: the delivery log."""

    subscription = models.ForeignKey(
        WebhookSubscription, on_delete=models.PROTECT, related_name="deliveries"
    )
    event_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    event = models.CharField(max_length=40)
    payload = models.JSONField()
    status = models.CharField(
        max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    replay_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replays"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        indexes = [models.Index(fields=["status", "created_at"], name="delivery_status")]

    def __str__(self) -> str:
        return f"{self.event} to {self.subscription.url} ({self.get_status_display()})"
