"""Strategy discussions and section 47 enquiries.

Statutory guidance (Working Together): a strategy discussion involves children's social care,
the police and health at least; an initial child protection conference (ICPC) follows within 15
working days of the strategy discussion that started the section 47 enquiry.
"""

import uuid
from collections.abc import Callable, Iterable
from datetime import date

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from cases.codes.agency import Agency
from cases.models import RecordSource
from timescales import rules as timescales
from timescales.calendar import working_days_between
from wirral_cp.concurrency import VersionedModel
from wirral_cp.dates import day

REQUIRED_AGENCIES = (Agency.SOCIAL_CARE, Agency.POLICE, Agency.HEALTH)


class DiscussionType(models.TextChoices):
    PHONE = "phone", "Discussion by telephone"
    ONLINE = "online", "Discussion online (video call)"
    MEETING = "meeting", "Strategy meeting (in person or hybrid)"


class HealthService(models.TextChoices):
    GP = "gp", "GP"
    HEALTH_VISITOR = "health_visitor", "Health visitor"
    SCHOOL_NURSE = "school_nurse", "School nurse"
    PAEDIATRICIAN = "paediatrician", "Paediatrician"
    HOSPITAL = "hospital", "Hospital (emergency department or ward)"
    MIDWIFE = "midwife", "Midwife"
    CAMHS = "camhs", "CAMHS"
    SAFEGUARDING_NURSE = "safeguarding_nurse", "Named / designated safeguarding nurse"
    OTHER = "other", "Other health service"


class Participation(models.TextChoices):
    ATTENDED = "attended", "Took part"
    INFORMATION = "information", "Sent information only"
    ABSENT = "absent", "Invited, did not take part"


class Invitation(models.TextChoices):
    INVITED = "invited", "Invited"
    NOT_INVITED = "not_invited", "Not invited"


# Compulsory school age, as this system reads it: from the 5th birthday to the 16th.
SCHOOL_AGE_FROM, SCHOOL_AGE_TO = 5, 16


def agencies_not_taking_part(participants: Iterable[tuple[str, str]]) -> list[str]:
    """The agencies (by name) that did not take part in a strategy discussion, from its
    participants' (agency, participation) pairs: those invited who did not take part, and
    children's social care, police or health when none of theirs took part or sent
    information. Each needs the reason recorded (`missing_agency_reason`)."""
    rows = list(participants)
    took_part = {Participation.ATTENDED, Participation.INFORMATION}
    present = {agency for agency, participation in rows if participation in took_part}
    absent = {agency for agency, participation in rows if participation == Participation.ABSENT}
    missing = (absent | set(REQUIRED_AGENCIES)) - present
    labels = dict(Agency.choices)
    order = [a for a in Agency.values if a in missing]
    return [labels[a] if a != Agency.SOCIAL_CARE else "children's social care" for a in order]


def missing_agency_reason_errors(
    participants: Iterable[tuple[str, str]], reason: str
) -> dict[str, str]:
    """The rule the form states: the reason an agency did not take part is required."""
    missing = agencies_not_taking_part(participants)
    if missing and not reason.strip():
        names = " and ".join(m if m.startswith("children") else m.lower() for m in missing)
        return {"missing_agency_reason": f"Say why {names} did not take part."}
    return {}


class S47Decision(models.TextChoices):
    START = "start", "Start a section 47 enquiry"
    CONTINUE = "continue", "Continue the existing section 47 enquiry"
    NO_S47_ASSESSMENT = (
        "assessment",
        "No section 47: continue or start a child and family assessment",
    )
    NO_S47_NFA = "nfa", "No section 47: no further action"


class EnquiryType(models.TextChoices):
    JOINT = "joint", "Joint with police"
    SINGLE = "single", "Single-agency (children's social care only)"


class ABEDecision(models.TextChoices):
    YES = "yes", "An ABE interview will take place"
    NO = "no", "No ABE interview needed"
    POLICE_DECLINED = "police_declined", "Police declined an ABE interview"
    UNDECIDED = "undecided", "Not yet decided"


class StrategyDiscussionQuerySet(models.QuerySet):
    def with_participation(self) -> "StrategyDiscussionQuerySet":
        """Annotate has_social_care / has_police / has_health (took part or sent information),
        and health_took_part / health_information_only (health took part, or only sent
        information: reported apart)."""
        took_part = [Participation.ATTENDED, Participation.INFORMATION]
        annotations = {
            f"has_{agency}": models.Exists(
                StrategyParticipant.objects.filter(
                    discussion=models.OuterRef("pk"),
                    agency=agency,
                    participation__in=took_part,
                )
            )
            for agency in REQUIRED_AGENCIES
        }
        health = StrategyParticipant.objects.filter(
            discussion=models.OuterRef("pk"), agency=Agency.HEALTH
        )
        attended = health.filter(participation=Participation.ATTENDED)
        informed = health.filter(participation=Participation.INFORMATION)
        annotations["health_took_part"] = models.Exists(attended)
        annotations["health_information_only"] = models.ExpressionWrapper(
            models.Q(models.Exists(informed)) & ~models.Q(models.Exists(attended)),
            output_field=models.BooleanField(),
        )
        return self.annotate(**annotations)


class StrategyDiscussion(VersionedModel):
    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, related_name="strategy_discussions"
    )
    referral = models.ForeignKey(
        "cases.Referral",
        on_delete=models.PROTECT,
        related_name="strategy_discussions",
        help_text="The open referral (episode) this discussion belongs to.",
    )
    sibling_group = models.UUIDField(
        default=uuid.uuid4,
        help_text="Shared by the records of siblings discussed together.",
    )
    follows_enquiry = models.ForeignKey(
        "strategy.Section47",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="later_discussions",
        help_text="For a later strategy discussion on an enquiry already under way.",
    )
    held_at = models.DateTimeField("date and time held")
    # Blank only on records imported from a census return, which does not say.
    discussion_type = models.CharField(max_length=10, choices=DiscussionType.choices, blank=True)
    reason = models.TextField("reason for the strategy discussion")
    chair = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    missing_agency_reason = models.TextField(
        "why an agency did not take part",
        blank=True,
        help_text="Required when an agency invited did not take part, or when police or health "
        "did not take part.",
    )
    # Working Together: the referrer and the child's school or nursery may be involved. Blank
    # only on records imported from a census return, which does not say.
    referrer_invited = models.CharField(
        "referring agency", max_length=12, choices=Invitation.choices, blank=True
    )
    education_invited = models.CharField(
        "school, college or nursery",
        max_length=12,
        choices=Invitation.choices,
        blank=True,
        help_text="Required for a child of school age (5 to 16).",
    )
    s47_decision = models.CharField(
        "section 47 decision", max_length=12, choices=S47Decision.choices
    )
    enquiry_type = models.CharField(max_length=8, choices=EnquiryType.choices, blank=True)
    single_agency_reason = models.TextField(
        "why single-agency",
        blank=True,
        help_text="Required for a single-agency enquiry: why police are not jointly involved.",
    )
    abe_decision = models.CharField(
        "achieving best evidence (ABE) interview",
        max_length=16,
        choices=ABEDecision.choices,
        default=ABEDecision.UNDECIDED,
    )
    abe_declined_reason = models.TextField("reason police gave for declining", blank=True)
    criminal_investigation = models.BooleanField(
        "a criminal investigation runs in parallel", default=False
    )
    police_information_sharing = models.TextField(
        "what police have agreed to share with children's social care", blank=True
    )
    summary = models.TextField("information shared and analysis", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source_system = models.CharField(max_length=10, default=RecordSource.ENTERED)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = StrategyDiscussionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_at", "-pk"]
        indexes = [models.Index(fields=["held_at"])]

    def __str__(self) -> str:
        kind = {
            DiscussionType.PHONE: "Strategy discussion by telephone",
            DiscussionType.ONLINE: "Strategy discussion online",
            DiscussionType.MEETING: "Strategy meeting",
        }.get(self.discussion_type, "Strategy discussion")
        return f"{kind} on {day(self.held_date)}"

    @property
    def held_date(self) -> date:
        return timezone.localtime(self.held_at).date()

    @property
    def is_school_age(self) -> bool:
        """Whether the child was of compulsory school age on the day of the discussion."""
        if not self.child_id or not self.held_at:
            return False
        age = self.child.age_on(self.held_date)
        return age is not None and SCHOOL_AGE_FROM <= age < SCHOOL_AGE_TO

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.held_at and self.held_at > timezone.now():
            errors["held_at"] = (
                "A strategy discussion cannot be recorded in the future; record it once it "
                "has taken place."
            )
        if self.referral_id and self.child_id and self.referral.child_id != self.child_id:
            errors["referral"] = "The referral belongs to a different child."
        if self.referral_id and self.held_at and self.held_date < self.referral.referral_date:
            errors["held_at"] = (
                "The strategy discussion cannot be before the referral was received "
                f"({day(self.referral.referral_date)})."
            )
        imported = self.source_system == RecordSource.CENSUS_IMPORT
        if not self.discussion_type and not imported:
            errors["discussion_type"] = "Say how the strategy discussion was held."
        if self.s47_decision in (S47Decision.START, S47Decision.CONTINUE) and not imported:
            if not self.enquiry_type:
                errors["enquiry_type"] = (
                    "Say whether the enquiry is joint with police or single-agency."
                )
            elif self.enquiry_type == EnquiryType.SINGLE and not self.single_agency_reason.strip():
                errors["single_agency_reason"] = (
                    "Give the reason the enquiry is single-agency rather than joint with police."
                )
        if self.s47_decision == S47Decision.CONTINUE and not self.follows_enquiry_id:
            errors["s47_decision"] = (
                "To continue an enquiry, this must be a later discussion on that enquiry."
            )
        if (
            self.abe_decision == ABEDecision.POLICE_DECLINED
            and not self.abe_declined_reason.strip()
        ):
            errors["abe_declined_reason"] = (
                "Record the reason police gave for declining an ABE interview."
            )
        if self.follows_enquiry_id and self.follows_enquiry.child_id != self.child_id:
            errors["follows_enquiry"] = "That enquiry belongs to a different child."
        if not imported and not self.referrer_invited:
            errors["referrer_invited"] = "Say whether the referring agency was invited."
        if not imported and not self.education_invited and self.is_school_age:
            errors["education_invited"] = (
                "The child is of school age: say whether their school or college was invited."
            )
        if errors:
            raise ValidationError(errors)


class Compliance:
    """Whether children's social care, police and health each took part in a discussion."""

    def __init__(
        self,
        *,
        social_care: bool,
        police: bool,
        health: bool,
        health_information_only: bool = False,
    ) -> None:
        self.social_care = social_care
        self.police = police
        self.health = health
        self.health_information_only = health_information_only

    @classmethod
    def of(cls, participants) -> "Compliance":
        took_part = {Participation.ATTENDED, Participation.INFORMATION}
        present = {p.agency for p in participants if p.participation in took_part}
        health_attended = any(
            p.agency == Agency.HEALTH and p.participation == Participation.ATTENDED
            for p in participants
        )
        return cls(
            social_care=Agency.SOCIAL_CARE in present,
            police=Agency.POLICE in present,
            health=Agency.HEALTH in present,
            health_information_only=Agency.HEALTH in present and not health_attended,
        )

    @property
    def missing(self) -> list[str]:
        names = []
        if not self.social_care:
            names.append("children's social care")
        if not self.police:
            names.append("police")
        if not self.health:
            names.append("health")
        return names

    @property
    def compliant(self) -> bool:
        return not self.missing

    @property
    def message(self) -> str:
        if self.compliant:
            if self.health_information_only:
                return (
                    "Compliant: social care, police and health took part "
                    "(health by sending information only)."
                )
            return "Compliant: children's social care, police and health took part."
        return (
            "Not compliant with statutory guidance: "
            + " and ".join(self.missing)
            + (" did" if len(self.missing) > 1 else " did")
            + " not take part."
        )


class StrategyParticipant(models.Model):
    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="participants"
    )
    agency = models.CharField(max_length=20, choices=Agency.choices)
    health_service = models.CharField(
        max_length=20,
        choices=HealthService.choices,
        blank=True,
        help_text="For health: which service.",
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    participation = models.CharField(max_length=12, choices=Participation.choices)

    class Meta:
        ordering = ["discussion", "agency", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_agency_display()})"

    def clean(self) -> None:
        if self.agency == Agency.HEALTH and not self.health_service:
            raise ValidationError({"health_service": "Say which health service took part."})
        if self.agency != Agency.HEALTH and self.health_service:
            raise ValidationError({"health_service": "A health service is only for health."})


class SafetyAction(models.Model):
    """An immediate safety action agreed at a strategy discussion."""

    discussion = models.ForeignKey(
        StrategyDiscussion, on_delete=models.CASCADE, related_name="safety_actions"
    )
    action = models.CharField(max_length=300)
    owner = models.CharField(max_length=200, help_text="Person or agency responsible.")
    due_date = models.DateField()
    completed_date = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self) -> str:
        return self.action


# Checks on completing an enquiry that need a higher app's records (the conference), which
# registers them from its AppConfig.ready: each returns {field: message} when it refuses.
CompletionCheck = Callable[["Section47"], dict[str, str]]
_completion_checks: list[CompletionCheck] = []


def register_completion_check(check: CompletionCheck) -> CompletionCheck:
    if check not in _completion_checks:
        _completion_checks.append(check)
    return check


class S47Outcome(models.TextChoices):
    ICPC_REQUIRED = "icpc", "Concerns substantiated: initial child protection conference required"
    ICPC_NOT_REQUIRED = "no_icpc", "Concerns substantiated but ICPC not required (risk managed)"
    NOT_SUBSTANTIATED = "unsubstantiated", "Concerns not substantiated"


SECOND_OPEN_ENQUIRY = (
    "This child already has an open section 47 enquiry: record its outcome before starting another."
)


class Section47QuerySet(models.QuerySet):
    def open(self) -> "Section47QuerySet":
        return self.filter(completion_date__isnull=True)

    def ended_without_icpc(self) -> "Section47QuerySet":
        return self.filter(outcome__in=[S47Outcome.ICPC_NOT_REQUIRED, S47Outcome.NOT_SUBSTANTIATED])


class Section47(VersionedModel):
    """A section 47 enquiry, started by the strategy discussion that decided on it."""

    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="section47s")
    referral = models.ForeignKey(
        "cases.Referral", on_delete=models.PROTECT, related_name="section47s"
    )
    strategy_discussion = models.OneToOneField(
        StrategyDiscussion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="started_enquiry",
        help_text="The strategy discussion that started the enquiry.",
    )
    start_date = models.DateField(
        help_text="The date of the strategy discussion that started the enquiry."
    )
    child_seen_date = models.DateField("date the child was seen", null=True, blank=True)
    child_seen_alone = models.BooleanField("child seen alone", default=False)
    outcome = models.CharField(max_length=16, choices=S47Outcome.choices, blank=True)
    outcome_rationale = models.TextField(
        "rationale",
        blank=True,
        help_text="Why: required when an ICPC is not required or concerns are not substantiated.",
    )
    manager_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    manager_agreed_at = models.DateTimeField(null=True, blank=True)
    completion_date = models.DateField(null=True, blank=True)
    icpc_requested_at = models.DateTimeField(null=True, blank=True)
    icpc_requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    interim_safety_plan = models.TextField(
        blank=True,
        help_text="What keeps the child safe until the conference, and who does what.",
    )
    unseen_icpc_reason = models.TextField(
        "why the ICPC is requested before the child has been seen", blank=True
    )
    unseen_icpc_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    unseen_icpc_agreed_at = models.DateTimeField(null=True, blank=True)
    source_system = models.CharField(max_length=10, default=RecordSource.ENTERED)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = Section47QuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = "section 47 enquiry"
        indexes = [models.Index(fields=["completion_date"])]
        verbose_name_plural = "section 47 enquiries"
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(completion_date__isnull=True),
                name="one_open_section47_per_child",
                violation_error_message=SECOND_OPEN_ENQUIRY,
            )
        ]

    def __str__(self) -> str:
        return f"Section 47 enquiry started {day(self.start_date)}"

    @property
    def icpc_target_date(self) -> date:
        """15 working days after the strategy discussion that started the enquiry."""
        return timescales.icpc_due(self.start_date)

    def working_days_to_target(self, today: date | None = None) -> int:
        return working_days_between(today or timezone.localdate(), self.icpc_target_date)

    @property
    def is_open(self) -> bool:
        return self.completion_date is None

    @property
    def may_request_icpc_unseen(self) -> bool:
        """The child has been seen, or a manager recorded why the conference cannot wait."""
        return self.child_seen_date is not None or bool(self.unseen_icpc_agreed_by_id)

    @property
    def awaiting_manager_agreement(self) -> bool:
        # A census return records the decision, not who agreed it: imported enquiries are not
        # waiting for anyone here.
        return (
            self.outcome == S47Outcome.ICPC_NOT_REQUIRED
            and self.manager_agreed_by_id is None
            and self.source_system != RecordSource.CENSUS_IMPORT
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.start_date and self.start_date > today:
            errors["start_date"] = "A section 47 enquiry cannot start in the future."
        # Its episode and strategy discussion: strategy/rules.py enquiry_in_episode.
        if self.child_seen_date:
            if self.child_seen_date > today:
                errors["child_seen_date"] = "The date the child was seen cannot be in the future."
            elif self.start_date and self.child_seen_date < self.start_date:
                errors["child_seen_date"] = (
                    "The date the child was seen for this enquiry cannot be before it started "
                    f"({day(self.start_date)})."
                )
        if self.child_seen_alone and not self.child_seen_date:
            errors["child_seen_alone"] = "Give the date the child was seen."
        if (
            self.outcome in (S47Outcome.ICPC_NOT_REQUIRED, S47Outcome.NOT_SUBSTANTIATED)
            and not self.outcome_rationale.strip()
        ):
            errors["outcome_rationale"] = (
                "Record the rationale: why an initial child protection conference is not "
                "needed. A manager must agree it."
                if self.outcome == S47Outcome.ICPC_NOT_REQUIRED
                else "Record the rationale for concluding the concerns are not substantiated."
            )
        if self.completion_date:
            if not self.outcome:
                errors["outcome"] = "Record the outcome before completing the enquiry."
            if self.start_date and self.completion_date < self.start_date:
                errors["completion_date"] = "The enquiry cannot end before it started."
            elif self.completion_date > today:
                errors["completion_date"] = "The completion date cannot be in the future."
            if self.awaiting_manager_agreement:
                errors["completion_date"] = (
                    "A manager must agree that an ICPC is not required before the enquiry ends."
                )
            if self.source_system != RecordSource.CENSUS_IMPORT and "completion_date" not in errors:
                for check in _completion_checks:
                    errors.update(check(self))
        if errors:
            raise ValidationError(errors)


for _model in (StrategyDiscussion, StrategyParticipant, SafetyAction, Section47):
    auditlog.register(_model)
