"""Family Help (early help): the early help assessment, the Family Help plan and its reviews,
and the two moves between Family Help and children's social care, each accepted by the team
that receives the child (with a date) rather than fired off:

- a *step-down*: a social care episode closes and the child goes to a Family Help team;
- a *step-up*: a child on Family Help is referred to children's social care (a census
  referral, made through the cases service for referrals when the receiving team accepts);

and, from the front door, a contact decided "Family Help": a request to a Family Help team,
accepted the same way (it never makes a census referral).
"""

from datetime import date

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cases.codes.agency import Agency
from cases.models import Child, Referral
from timescales import rules as timescales
from wirral_cp.concurrency import VersionedModel
from wirral_cp.dates import day


def _not_future(value: date | None) -> bool:
    return value is not None and value > timezone.localdate()


class EarlyHelpAssessment(VersionedModel):
    """An early help assessment (Annex A List 2): who led it, from which agency, and when it
    started and was completed."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="early_help_assessments"
    )
    start_date = models.DateField("assessment start date")
    completion_date = models.DateField(
        "assessment completion date",
        null=True,
        blank=True,
        help_text="Leave empty until the assessment is complete.",
    )
    lead_practitioner = models.CharField(
        max_length=200, help_text="The practitioner who leads the assessment."
    )
    lead_agency = models.CharField(
        "lead practitioner's agency", max_length=20, choices=Agency.choices
    )
    organisation = models.CharField(
        "organisation completing the assessment",
        max_length=200,
        help_text="For example the school, the health visiting service or the Family Help team.",
    )
    summary = models.TextField(
        "what the family needs", blank=True, help_text="In the family's words where possible."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["child", "start_date"])]

    def __str__(self) -> str:
        return f"Early help assessment from {day(self.start_date)}"

    @property
    def is_complete(self) -> bool:
        return self.completion_date is not None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if _not_future(self.start_date):
            errors["start_date"] = "The assessment cannot start in the future."
        if _not_future(self.completion_date):
            errors["completion_date"] = "The completion date cannot be in the future."
        elif self.start_date and self.completion_date and self.completion_date < self.start_date:
            errors["completion_date"] = "The assessment cannot be completed before it started."
        for name in ("lead_practitioner", "organisation"):
            if not (getattr(self, name) or "").strip():
                errors[name] = "This is needed for the early help return (Annex A List 2)."
        if errors:
            raise ValidationError(errors)


class FamilyHelpPlan(VersionedModel):
    """A Family Help plan: it starts, is reviewed at the local interval (its next review's due
    date is stored when the plan or a review is written), and ends."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="family_help_plans")
    assessment = models.ForeignKey(
        EarlyHelpAssessment,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plans",
        help_text="The early help assessment the plan follows.",
    )
    start_date = models.DateField("plan start date")
    end_date = models.DateField("plan end date", null=True, blank=True)
    lead_practitioner = models.CharField(max_length=200)
    lead_agency = models.CharField(
        "lead practitioner's agency", max_length=20, choices=Agency.choices
    )
    outcomes = models.TextField(
        "what will change, and who will do what", help_text="In words the family understands."
    )
    next_review_due = models.DateField(
        null=True,
        blank=True,
        editable=False,
        help_text="Stored when the plan or a review is written.",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["next_review_due"])]

    def __str__(self) -> str:
        return f"Family Help plan from {day(self.start_date)}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    def review_overdue_on(self, day: date) -> bool:
        return self.is_open and self.next_review_due is not None and self.next_review_due < day

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if _not_future(self.start_date):
            errors["start_date"] = "The plan cannot start in the future."
        if _not_future(self.end_date):
            errors["end_date"] = "The end date cannot be in the future."
        elif self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The plan cannot end before it started."
        if self.assessment_id and self.assessment and self.assessment.child_id != self.child_id:
            errors["assessment"] = "Choose one of this child's early help assessments."
        if not (self.lead_practitioner or "").strip():
            errors["lead_practitioner"] = "Name the lead practitioner."
        if errors:
            raise ValidationError(errors)


class FamilyHelpReview(VersionedModel):
    """A review of a Family Help plan, with the date it was due by (stored when written)."""

    plan = models.ForeignKey(FamilyHelpPlan, on_delete=models.PROTECT, related_name="reviews")
    review_date = models.DateField()
    due_date = models.DateField(editable=False, null=True)
    in_time = models.BooleanField(editable=False, null=True)
    notes = models.TextField("what the review found and agreed", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "review_date", "pk"]

    def __str__(self) -> str:
        return f"Review on {day(self.review_date)}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if _not_future(self.review_date):
            errors["review_date"] = "The review date cannot be in the future."
        elif self.plan_id and self.review_date and self.review_date < self.plan.start_date:
            errors["review_date"] = "A review cannot be before the plan started."
        elif self.plan_id and self.plan.end_date and self.review_date > self.plan.end_date:
            errors["review_date"] = "A review cannot be after the plan ended."
        if errors:
            raise ValidationError(errors)


class StepDown(VersionedModel):
    """A social care episode closed with the child stepped down to a Family Help team. Pending
    until the receiving team accepts it, with the date; agreed by the manager of the child's
    social care team, to whom a re-referral within 12 months is flagged."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="step_downs")
    referral = models.OneToOneField(
        Referral, on_delete=models.PROTECT, related_name="family_help_step_down"
    )
    to_team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="receiving Family Help team",
    )
    reason = models.TextField(
        "why Family Help now", help_text="What has changed, and what Family Help will do."
    )
    agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    agreed_at = models.DateTimeField(default=timezone.now)
    accepted_on = models.DateField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-agreed_at", "-pk"]
        indexes = [models.Index(fields=["to_team", "accepted_on"])]

    def __str__(self) -> str:
        return f"Step-down to {self.to_team} agreed {day(self.agreed_at)}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_on is None

    @property
    def stepped_down_on(self) -> date | None:
        """The day social care stepped the child down: the episode's closure."""
        return self.referral.closure_date

    def clean(self) -> None:
        if self.accepted_on is None:
            return
        if _not_future(self.accepted_on):
            raise ValidationError({"accepted_on": "The acceptance date cannot be in the future."})
        closed = self.referral.closure_date if self.referral_id else None
        if closed and self.accepted_on < closed:
            raise ValidationError(
                {
                    "accepted_on": "The step-down cannot be accepted before the episode closed "
                    f"({day(closed)})."
                }
            )


class StepUp(VersionedModel):
    """A child on Family Help referred to children's social care. Pending until the receiving
    social care team accepts it; on acceptance the census referral is recorded, on that date."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="step_ups")
    plan = models.ForeignKey(
        FamilyHelpPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="step_ups"
    )
    to_team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="receiving social care team",
    )
    reason = models.TextField(
        "reason for the referral and presenting concerns",
        help_text="What has happened, and why Family Help is no longer enough.",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    accepted_on = models.DateField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    referral = models.OneToOneField(
        Referral,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="family_help_step_up",
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["to_team", "accepted_on"])]

    def __str__(self) -> str:
        return f"Step-up to {self.to_team} asked {day(self.requested_at)}"

    @property
    def is_pending(self) -> bool:
        return self.accepted_on is None

    def clean(self) -> None:
        if self.accepted_on is None:
            return
        if _not_future(self.accepted_on):
            raise ValidationError({"accepted_on": "The acceptance date cannot be in the future."})
        if self.requested_at and self.accepted_on < timezone.localtime(self.requested_at).date():
            raise ValidationError(
                {"accepted_on": "The step-up cannot be accepted before it was asked for."}
            )


class FamilyHelpRequest(VersionedModel):
    """A contact the front door decided "Family Help (early help)": the child is asked of a
    Family Help team, pending until its manager accepts, with the date. Made by the contact's
    decision (a listener of `frontdoor.services.contact_decide`, in its transaction); no census
    referral comes of it."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="family_help_requests")
    contact = models.OneToOneField(
        "frontdoor.Contact", on_delete=models.PROTECT, related_name="family_help_request"
    )
    to_team = models.ForeignKey(
        "accounts.Team",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="receiving Family Help team",
    )
    reason = models.TextField("the front door's reason")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    accepted_on = models.DateField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["to_team", "accepted_on"])]

    def __str__(self) -> str:
        return f"Request for Family Help to {self.to_team} from the front door"

    @property
    def is_pending(self) -> bool:
        return self.accepted_on is None

    def clean(self) -> None:
        if self.accepted_on is None:
            return
        if _not_future(self.accepted_on):
            raise ValidationError({"accepted_on": "The acceptance date cannot be in the future."})
        asked = timezone.localtime(self.requested_at).date() if self.requested_at else None
        if asked and self.accepted_on < asked:
            raise ValidationError(
                {
                    "accepted_on": "The request cannot be accepted before the front door "
                    f"decided on the contact ({day(asked)})."
                }
            )


def review_due_after(day: date) -> date:
    """The next review of a Family Help plan, from its start or its last review (local)."""
    return timescales.family_help_review_due(day)


for _model in (
    EarlyHelpAssessment,
    FamilyHelpPlan,
    FamilyHelpReview,
    StepDown,
    StepUp,
    FamilyHelpRequest,
):
    auditlog.register(_model)
