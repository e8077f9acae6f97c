from collections.abc import Mapping
from datetime import date
from typing import Protocol

from django.db import models
from django.utils import timezone

from timescales.calendar import working_days_between


class AlertStatus(models.TextChoices):
    # A timescale that is not yet due: stored like the others so that every page reads what is
    # due from the one place the rules write it (the child's "Next due"), never recomputing it.
    UPCOMING = "upcoming", "Not yet due"
    DUE_SOON = "due_soon", "Due soon"
    OPEN = "open", "Overdue / not compliant"
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    RESOLVED = "resolved", "Resolved"


# An alert someone should see: due soon, overdue or a gap, or acknowledged.
ACTIVE_STATUSES = (AlertStatus.DUE_SOON, AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED)
# Everything the scan keeps up to date: the alerts and the timescales not yet due.
PENDING_STATUSES = (AlertStatus.UPCOMING, *ACTIVE_STATUSES)


class AlertQuerySet(models.QuerySet):
    def active(self) -> "AlertQuerySet":
        return self.filter(status__in=ACTIVE_STATUSES)


class Alert(models.Model):
    """One finding of one rule about one thing (a referral, an enquiry, a plan...).

    Found again, it is updated, never duplicated: (rule, subject_key) is unique among alerts that
    are not resolved. When the underlying fact changes it is resolved automatically.
    """

    rule = models.CharField(max_length=40, db_index=True)
    subject_key = models.CharField(max_length=60)
    child = models.ForeignKey(
        "cases.Child", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    status = models.CharField(max_length=12, choices=AlertStatus.choices)
    # Only what changes when the facts change is stored: how many days overdue an alert is
    # changes by itself every working day, so it is worked out from `due_date` when read
    # (`days_overdue`), and the nightly scan writes only the alerts whose facts or status moved.
    due_date = models.DateField(null=True, blank=True)
    evidence = models.CharField(max_length=500, blank=True)
    responsible_worker = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responsible_team = models.ForeignKey(
        "accounts.Team", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    responsible_iro = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    first_found_at = models.DateTimeField()
    last_found_at = models.DateTimeField()
    acknowledged_by = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledgement_note = models.TextField(blank=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        # The earliest due first is the most overdue first.
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "subject_key"],
                condition=~models.Q(status="resolved"),
                name="one_unresolved_alert_per_subject",
            )
        ]
        indexes = [
            models.Index(fields=["status", "rule"]),
            models.Index(fields=["responsible_team", "status"]),
            models.Index(fields=["responsible_worker", "status"]),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.subject_key} ({self.status})"

    @property
    def definition(self) -> "RuleDefinition | None":
        return _DEFINITIONS.get(self.rule)

    def days_overdue_on(self, day: date) -> int:
        """Working days past the due date on `day` (negative: working days left)."""
        return days_overdue(self.rule, self.due_date, day)

    @property
    def days_overdue(self) -> int:
        """Working days past the due date today (negative: working days left); 0 for a
        compliance gap, which has no date to meet."""
        return self.days_overdue_on(timezone.localdate())


def days_overdue(rule: str, due_date: date | None, day: date) -> int:
    """Working days after `due_date` up to `day` for an alert of `rule` (negative: working days
    left); 0 for a compliance gap (an immediate rule), which is not compliant rather than late."""
    definition = _DEFINITIONS.get(rule)
    if due_date is None or definition is None or definition.immediate:
        return 0
    return working_days_between(due_date, day)


class RuleDefinition(Protocol):
    """What an alert's rule code means to a user (a monitoring.rules.Rule)."""

    @property
    def code(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def sentence(self) -> str: ...
    @property
    def immediate(self) -> bool: ...


# The rules read every case app's models and this model is loaded before them, so the rules
# say what each code means from MonitoringConfig.ready instead of being imported here.
_DEFINITIONS: dict[str, RuleDefinition] = {}


def register_definitions(definitions: Mapping[str, RuleDefinition]) -> None:
    """The rules by code, for `Alert.definition` (once, from MonitoringConfig.ready)."""
    _DEFINITIONS.update(definitions)


class DigestLog(models.Model):
    """One email digest per user per day, whatever retries or re-runs happen."""

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    day = models.DateField()
    alert_count = models.PositiveIntegerField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_a_day")]

    def __str__(self) -> str:
        return f"Digest for {self.user} on {self.day}"


class ScanMark(models.Model):
    """Something the scan remembers between runs, by name: for example what the stored visit
    and core group timeliness was last worked out with (timescales.rules.timeliness_fingerprint),
    so that a change of local timescale or of calendar is caught up by the next scan."""

    name = models.CharField(max_length=60, unique=True)
    value = models.CharField(max_length=200)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.name} = {self.value}"
