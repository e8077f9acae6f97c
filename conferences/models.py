"""Child protection conferences, plans and core groups.

An initial child protection conference (ICPC) is requested from a section 47 enquiry and
carries its target date (15 working days from the strategy discussion that started it). A
decision to make a plan starts the child protection plan on the ICPC date; the plan is
delivered by the core group and reviewed at review conferences until it ends.
"""

import secrets
from datetime import date, timedelta

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import OuterRef
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import cached_property

from cases.codes.abuse_category import AbuseCategory
from cases.codes.agency import Agency
from cases.codes.closure_reason import ClosureReason
from cases.models import RecordSource
from timescales.rules import VISIT_FREQUENCY_WORKING_DAYS
from wirral_cp.concurrency import VersionedModel
from wirral_cp.dates import day


class ConferenceType(models.TextChoices):
    INITIAL = "initial", "Initial child protection conference"
    REVIEW = "review", "Review child protection conference"
    TRANSFER_IN = "transfer_in", "Transfer-in conference"
    PRE_BIRTH = "pre_birth", "Pre-birth conference"


INITIAL_TYPES = (ConferenceType.INITIAL, ConferenceType.TRANSFER_IN, ConferenceType.PRE_BIRTH)


class ConferenceStatus(models.TextChoices):
    REQUESTED = "requested", "Requested"
    SCHEDULED = "scheduled", "Scheduled"
    HELD = "held", "Held"
    CANCELLED = "cancelled", "Cancelled"
    ADJOURNED = "adjourned", "Adjourned"


class LateReason(models.TextChoices):
    """Why a conference is after its target date: a local list, counted on the dashboard."""

    CHAIR_UNAVAILABLE = "chair", "Chair unavailable"
    FAMILY_REQUEST = "family", "Family request"
    AGENCY_REPORTS_LATE = "reports", "Agency reports late"
    VENUE = "venue", "Room or venue not available"
    OTHER = "other", "Other"


class ConferenceDecision(models.TextChoices):
    PLAN = "plan", "Child protection plan"
    NO_PLAN = "no_plan", "No child protection plan"
    CONTINUE = "continue", "Continue the child protection plan"
    END = "end", "End the child protection plan"


class PlanEndNextStep(models.TextChoices):
    CIN_PLAN = "cin_plan", "Child in need plan"
    EARLY_HELP = "early_help", "Early help"
    NFI = "nfi", "No further involvement"
    LOOKED_AFTER = "looked_after", "Became looked after"
    TRANSFERRED_OUT = "transferred_out", "Transferred to another local authority"
    ADULT_SERVICES = "adult_services", "Transferred to adult social care services"


class PlanEndReason(models.TextChoices):
    """Why a plan ended other than by a review conference's decision (blank: at a review)."""

    REACHED_18 = "reached_18", "The child reached 18"
    DIED = "died", "The child died"
    MOVED = "moved", "The child moved permanently to another local authority"
    LEFT_COUNTRY = "left_country", "The child left the country"
    LOOKED_AFTER = "looked_after", "The child became looked after"


# The CIN census has no reason code for the end of a child protection plan (only CPPendDate):
# the census reason is the episode's ReasonForClosure. A child who has died, moved to another
# authority, left the country or reached 18 needs no more children's services here, so the
# episode closes on the day the plan ends, with these codes (the first is the default). A child
# who becomes looked after is still a child in need: the episode stays open.
END_REASON_EPISODE_CLOSURE: dict[str, tuple[str, ...]] = {
    PlanEndReason.REACHED_18: (ClosureReason.RC7, ClosureReason.RC6),
    PlanEndReason.DIED: (ClosureReason.RC2,),
    PlanEndReason.MOVED: (ClosureReason.RC5,),
    PlanEndReason.LEFT_COUNTRY: (ClosureReason.RC7,),
    PlanEndReason.LOOKED_AFTER: (),
}


def end_next_step(reason: str, closure_reason: str = "") -> str:
    """The plan's next step for an ending outside a review."""
    if reason == PlanEndReason.LOOKED_AFTER:
        return PlanEndNextStep.LOOKED_AFTER
    if reason == PlanEndReason.MOVED:
        return PlanEndNextStep.TRANSFERRED_OUT
    if closure_reason == ClosureReason.RC6:
        return PlanEndNextStep.ADULT_SERVICES
    return PlanEndNextStep.NFI


def shared_participants() -> "models.QuerySet[ConferenceParticipant]":
    """The participants of the conference a subquery's outer row is: a sibling-group
    conference's are its lead's (one invitation and attendance list for the group)."""
    return ConferenceParticipant.objects.filter(
        conference_id=Coalesce(OuterRef("group_lead_id"), OuterRef("pk"))
    )


class ConferenceQuerySet(models.QuerySet):
    def held(self) -> "ConferenceQuerySet":
        return self.filter(status=ConferenceStatus.HELD)

    def initial(self) -> "ConferenceQuerySet":
        return self.filter(conference_type__in=INITIAL_TYPES)

    def upcoming(self) -> "ConferenceQuerySet":
        return self.filter(status__in=[ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED])


class VisitArrangements(models.Model):
    """How often the child is visited and whether they are seen alone: set by a conference and
    carried by the plan it makes (a review that continues the plan may change it)."""

    visit_working_days = models.PositiveSmallIntegerField(
        "visits at most this many working days apart",
        null=True,
        blank=True,
        validators=[
            MinValueValidator(VISIT_FREQUENCY_WORKING_DAYS[0]),
            MaxValueValidator(VISIT_FREQUENCY_WORKING_DAYS[1]),
        ],
        help_text="How often the child is to be visited and seen. Leave empty for the local "
        "timescale.",
    )
    see_child_alone = models.BooleanField(
        "the child is to be seen alone on visits",
        default=True,
        help_text="Untick only when the conference decided the child should not be seen alone "
        "(for example a baby), and say why in the reasons.",
    )

    class Meta:
        abstract = True


class Conference(VisitArrangements, VersionedModel):
    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="conferences")
    section47 = models.ForeignKey(
        "strategy.Section47",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conferences",
    )
    plan = models.ForeignKey(
        "conferences.ChildProtectionPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="conferences",
        help_text="For a review: the plan under review. For an ICPC: the plan it started.",
    )
    group_lead = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="group_members",
        help_text="A sibling-group conference: the conference of the child it was booked for, "
        "which holds the shared record (invitations, attendance, minutes). Each child's own "
        "conference keeps that child's enquiry, target date, decision, category and plan.",
    )
    conference_type = models.CharField(max_length=12, choices=ConferenceType.choices)
    status = models.CharField(
        max_length=10, choices=ConferenceStatus.choices, default=ConferenceStatus.REQUESTED
    )
    target_date = models.DateField(
        null=True,
        blank=True,
        help_text="The date by which the conference must be held (statutory timescale). Empty "
        "only when it cannot be known: a review imported from a census return whose plan's "
        "earlier reviews are not in the return.",
    )
    requested_at = models.DateTimeField(default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    scheduled_for = models.DateTimeField("date and time", null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    chair = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="chaired_conferences",
    )
    late_reason_code = models.CharField(
        "why the conference is after its target date",
        max_length=10,
        choices=LateReason.choices,
        blank=True,
    )
    late_reason = models.TextField("the reason it is late, in words", blank=True)
    interim_safety_plan = models.TextField(
        blank=True,
        help_text="What keeps the child safe until the conference, and who does what.",
    )
    interim_plan_agreed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The manager who agreed the interim safety plan of a late conference.",
    )
    interim_plan_agreed_at = models.DateTimeField(null=True, blank=True)
    cancelled_reason = models.TextField("reason cancelled or adjourned", blank=True)
    held_on = models.DateField("date held", null=True, blank=True)
    # The IRO's record of the conference.
    childs_views = models.TextField("the child's views", blank=True)
    childs_views_how = models.CharField(
        "how the child's views were gathered", max_length=300, blank=True
    )
    parents_views = models.TextField("the parents' views", blank=True)
    # The analysis of risk, under the Signs of Safety headings.
    worries = models.TextField("what are we worried about?", blank=True)
    working_well = models.TextField("what is working well?", blank=True)
    needs_to_happen = models.TextField("what needs to happen?", blank=True)
    decision = models.CharField(max_length=10, choices=ConferenceDecision.choices, blank=True)
    category = models.CharField(
        "category of abuse", max_length=3, choices=AbuseCategory.choices, blank=True
    )
    decision_reasons = models.TextField("reasons for the decision", blank=True)
    outline_plan = models.TextField(blank=True)
    first_core_group_date = models.DateField(null=True, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    end_next_step = models.CharField(
        "next step when the plan ends",
        max_length=16,
        choices=PlanEndNextStep.choices,
        blank=True,
    )
    minutes = models.TextField(blank=True)
    minutes_approved_at = models.DateTimeField(null=True, blank=True)
    minutes_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    minutes_distributed_on = models.DateField(null=True, blank=True)
    source_system = models.CharField(max_length=10, default=RecordSource.ENTERED)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ConferenceQuerySet.as_manager()

    class Meta:
        ordering = ["target_date", "pk"]
        indexes = [
            models.Index(fields=["status", "target_date"]),
            models.Index(fields=["held_on"]),
            # The diary's upcoming list, soonest target first, a page at a time: read in order
            # from this index, not sorted from every upcoming conference joined to its child.
            models.Index(
                fields=["target_date", "id"],
                condition=models.Q(
                    status__in=[ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED]
                ),
                name="conference_upcoming_idx",
            ),
            # The children with an upcoming conference (IRO caseloads), and a team's
            # conferences held in a period (dashboards), each on an index of its own.
            models.Index(
                fields=["child"],
                condition=models.Q(
                    status__in=[ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED]
                ),
                name="conference_upcoming_child",
            ),
            models.Index(fields=["child", "held_on"], name="conference_child_held"),
        ]

    def __str__(self) -> str:
        when = self.held_on or self.scheduled_date or self.target_date
        on = f" ({day(when)})" if when else ""
        return f"{self.get_conference_type_display()}{on}"

    @property
    def shared_record(self) -> "Conference":
        """The conference holding what a sibling group shares (invitations, attendance,
        minutes): the lead's for a sibling-group conference, else this one."""
        return self.group_lead if self.group_lead_id else self

    @property
    def is_initial(self) -> bool:
        return self.conference_type in INITIAL_TYPES

    @property
    def scheduled_date(self) -> date | None:
        return timezone.localtime(self.scheduled_for).date() if self.scheduled_for else None

    @property
    def conference_date(self) -> date | None:
        return self.held_on or self.scheduled_date

    @property
    def is_late(self) -> bool:
        when = self.conference_date
        return when is not None and self.target_date is not None and when > self.target_date

    @property
    def held_late(self) -> bool:
        """An initial conference held after its target date."""
        held, target = self.held_on, self.target_date
        return bool(self.is_initial and held and target and held > target)

    def _late_reason_errors(self, errors: dict[str, str]) -> None:
        """A late conference says why (from the list, and in words) and what keeps the child
        safe meanwhile."""
        if not self.late_reason_code:
            errors["late_reason_code"] = (
                f"This is after its target date ({day(self.target_date)}). Choose why the "
                "conference cannot be held in time."
            )
        if not self.late_reason.strip():
            errors["late_reason"] = (
                f"This is after the target date ({day(self.target_date)}): record why "
                "the conference cannot be held in time, in words."
            )
        if not self.interim_safety_plan.strip():
            errors["interim_safety_plan"] = (
                "A conference after its target date needs an interim safety plan: what "
                "keeps the child safe until then, and who does what."
            )

    @cached_property
    def reports_shared_on(self) -> date | None:
        """The first day a report was shared with a parent: derived from the documents of
        the conference (`conferences/reports_shared.py`), never typed."""
        from .reports_shared import reports_first_shared

        return reports_first_shared([self.pk]).get(self.pk) if self.pk else None

    @property
    def reports_shared_in_advance(self) -> bool | None:
        from timescales.rules import reports_shared_in_advance

        return reports_shared_in_advance(self.reports_shared_on, self.conference_date)

    @cached_property
    def reports_shared_by_parent(self) -> dict[str, date]:
        from .reports_shared import reports_first_shared_by_recipient

        return reports_first_shared_by_recipient(self.pk) if self.pk else {}

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.section47_id and self.section47.child_id != self.child_id:
            errors["section47"] = "The enquiry belongs to a different child."
        if self.scheduled_for and self.target_date and self.scheduled_date > self.target_date:
            self._late_reason_errors(errors)
        if self.held_late and self.source_system != RecordSource.CENSUS_IMPORT:
            self._late_reason_errors(errors)
            if "interim_safety_plan" not in errors and not self.interim_plan_agreed_by_id:
                errors["interim_safety_plan"] = (
                    "A manager must agree the interim safety plan of a conference held after "
                    f"its target date ({day(self.target_date)}): ask the child's team "
                    "manager to agree it on the conference's page."
                )
        if self.status == ConferenceStatus.SCHEDULED and not self.scheduled_for:
            errors["scheduled_for"] = "Give the date and time of the conference."
        if (
            self.status in (ConferenceStatus.CANCELLED, ConferenceStatus.ADJOURNED)
            and not self.cancelled_reason.strip()
        ):
            errors["cancelled_reason"] = "Give the reason."
        if self.status == ConferenceStatus.HELD:
            if not self.held_on:
                errors["held_on"] = "Give the date the conference was held."
            elif self.held_on > timezone.localdate():
                errors["held_on"] = "A conference cannot be held in the future."
        if self.held_on and self.is_initial and self.held_on.weekday() >= 5:
            # Census rule 8875.
            errors["held_on"] = (
                "An initial child protection conference is held on a working day, not at a "
                "weekend. Check the date."
            )
        if (
            self.held_on
            and not self.is_initial
            and self.plan_id
            and self.held_on <= self.plan.start_date
        ):
            # Census rule 8841.
            errors["held_on"] = (
                "A review conference is held after the plan started "
                f"({day(self.plan.start_date)}). Check the date."
            )
        if self.decision in (ConferenceDecision.PLAN, ConferenceDecision.CONTINUE):
            if not self.category:
                errors["category"] = "Choose the category of abuse."
        elif self.category and self.decision:
            errors["category"] = "A category is recorded only when there is a plan."
        if (
            self.decision == ConferenceDecision.END
            and not self.end_next_step
            and self.source_system != RecordSource.CENSUS_IMPORT
        ):
            errors["end_next_step"] = "Say what happens next when the plan ends."
        if (
            self.decision
            and self.is_initial
            and self.decision not in (ConferenceDecision.PLAN, ConferenceDecision.NO_PLAN)
        ):
            errors["decision"] = "An initial conference decides plan or no plan."
        if not self.is_initial and self.decision in (
            ConferenceDecision.PLAN,
            ConferenceDecision.NO_PLAN,
        ):
            errors["decision"] = "A review conference decides to continue or end the plan."
        if self.minutes_distributed_on:
            if not self.minutes_approved_at:
                errors["minutes_distributed_on"] = "The chair must approve the minutes first."
            elif self.held_on and self.minutes_distributed_on < self.held_on:
                errors["minutes_distributed_on"] = "Minutes cannot go out before the conference."
        if errors:
            raise ValidationError(errors)


class AttendanceStatus(models.TextChoices):
    ATTENDED = "attended", "Attended"
    SENT_REPORT = "sent_report", "Sent a report (did not attend)"
    APOLOGIES = "apologies", "Sent apologies (no report)"
    ABSENT = "absent", "Absent without apologies"


class ParticipantKind(models.TextChoices):
    AGENCY = "agency", "Professional"
    PARENT = "parent", "Parent or carer"
    FAMILY = "family", "Other family member"
    CHILD = "child", "The child"
    ADVOCATE = "advocate", "Advocate or supporter"


# Participants who may be one of the child's people (`ConferenceParticipant.person`).
FAMILY_KINDS = (ParticipantKind.PARENT, ParticipantKind.FAMILY)


class ConferenceParticipant(models.Model):
    """Someone invited to a conference, and whether and how they took part."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="participants"
    )
    kind = models.CharField(max_length=10, choices=ParticipantKind.choices)
    agency = models.CharField(max_length=20, choices=Agency.choices, blank=True)
    name = models.CharField(max_length=200)
    # A parent or family member chosen from the child's people: who they are, whatever the
    # name typed (two people of one name, a name spelled another way, a name changed since).
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="conference_participations",
    )
    role = models.CharField(max_length=200, blank=True)
    invited_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=AttendanceStatus.choices, blank=True)
    knows_child = models.BooleanField(
        "knows the child",
        null=True,
        blank=True,
        help_text="For health: has this person met the child or worked with the family?",
    )
    supported_by = models.CharField(
        max_length=200,
        blank=True,
        help_text="For parents and family: an advocate, interpreter or supporter.",
    )

    class Meta:
        ordering = ["conference", "kind", "agency", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role or self.get_kind_display()})"

    @property
    def known_names(self) -> set[str]:
        """The names this participant goes by, spaces and case aside: the name typed and, for
        one chosen from the child's people, every name of that person (their name now, and
        the names they had or are known by)."""
        names = {self.name}
        if self.person_id and self.person is not None:
            names.add(self.person.full_name)
            names |= {str(n) for n in self.person.other_names.all()}
        return {" ".join(n.split()).casefold() for n in names} - {""}

    @property
    def had_reports_in_advance(self) -> bool | None:
        """A parent's: whether a report was shared with them (a document share recorded to
        any of their names) in advance of the conference; None for anyone else or when not
        known. A share records the recipient in words, so a parent chosen from the child's
        people is matched by every name of theirs, not only the one typed here."""
        from timescales.rules import reports_shared_in_advance

        if self.kind != ParticipantKind.PARENT:
            return None
        by_parent = self.conference.reports_shared_by_parent
        days = [by_parent[n] for n in self.known_names if n in by_parent]
        if not days:
            return False if self.conference.conference_date else None
        return reports_shared_in_advance(min(days), self.conference.conference_date)

    @property
    def took_part(self) -> bool:
        return self.status in (AttendanceStatus.ATTENDED, AttendanceStatus.SENT_REPORT)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.kind == ParticipantKind.AGENCY and not self.agency:
            errors["agency"] = "Say which agency this professional is from."
        if self.kind != ParticipantKind.AGENCY and self.agency:
            errors["agency"] = "Only professionals have an agency."
        if self.person_id and self.kind not in FAMILY_KINDS:
            errors["person"] = "Only a parent or family member is chosen from the child's people."
        if self.knows_child is not None and self.agency != Agency.HEALTH:
            errors["knows_child"] = "This is recorded for health attendees."
        if errors:
            raise ValidationError(errors)


class Quorum:
    """Quorate: children's social care and at least two other agencies took part."""

    def __init__(self, participants) -> None:
        agencies = {
            p.agency for p in participants if p.kind == ParticipantKind.AGENCY and p.took_part
        }
        self.social_care = Agency.SOCIAL_CARE in agencies
        self.other_agencies = sorted(a for a in agencies if a != Agency.SOCIAL_CARE)
        self.police = Agency.POLICE in agencies
        self.health = Agency.HEALTH in agencies

    @property
    def quorate(self) -> bool:
        return self.social_care and len(self.other_agencies) >= 2

    @property
    def message(self) -> str:
        if self.quorate:
            return "Quorate: children's social care and at least two other agencies took part."
        if not self.social_care:
            return "Not quorate: children's social care has not taken part."
        n = len(self.other_agencies)
        return (
            f"Not quorate: {n} other agenc{'y' if n == 1 else 'ies'} besides children's social "
            "care took part; at least two are needed."
        )


class DissentFrom(models.TextChoices):
    DECISION = "decision", "The decision (plan or no plan, continue or end)"
    CATEGORY = "category", "The category of abuse"
    PLAN = "plan", "The plan: what needs to change"
    OTHER = "other", "Something else"


class ConferenceDissent(models.Model):
    """Someone at the conference who did not agree, with what, and why (recorded by the chair,
    so that the minutes say it and the dissent can be followed up)."""

    conference = models.ForeignKey(Conference, on_delete=models.CASCADE, related_name="dissents")
    who = models.CharField(
        "who dissented", max_length=200, help_text="Their name and agency or role."
    )
    from_what = models.CharField(
        "what they disagreed with", max_length=10, choices=DissentFrom.choices
    )
    why = models.TextField("why they disagreed")

    class Meta:
        ordering = ["conference", "pk"]

    def __str__(self) -> str:
        return f"{self.who}: {self.get_from_what_display().lower()}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not (self.who or "").strip():
            errors["who"] = "Say who dissented: their name and agency or role."
        if not (self.why or "").strip():
            errors["why"] = "Say why they disagreed, in their words where you can."
        if errors:
            raise ValidationError(errors)


# --- The child protection plan ------------------------------------------------------------------


class PlanQuerySet(models.QuerySet):
    def open_on(self, day: date) -> "PlanQuerySet":
        """Open on `day`: started on or before it and not ended on or before it."""
        return self.filter(start_date__lte=day).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gt=day)
        )

    def current(self) -> "PlanQuerySet":
        return self.filter(end_date__isnull=True)


class ChildProtectionPlan(VisitArrangements, VersionedModel):
    child = models.ForeignKey(
        "cases.Child", on_delete=models.PROTECT, related_name="protection_plans"
    )
    start_date = models.DateField(help_text="The date of the conference that made the plan.")
    end_date = models.DateField(null=True, blank=True)
    initial_category = models.CharField(max_length=3, choices=AbuseCategory.choices)
    latest_category = models.CharField(max_length=3, choices=AbuseCategory.choices)
    end_next_step = models.CharField(max_length=16, choices=PlanEndNextStep.choices, blank=True)
    end_reason = models.CharField(
        "why the plan ended",
        max_length=14,
        choices=PlanEndReason.choices,
        blank=True,
        help_text="Empty: the plan ended at a review conference (or as a census return gave it).",
    )
    end_reason_details = models.TextField("what happened", blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    number_of_previous_plans = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="Plans the child had before this one, anywhere, as a census return gave it. "
        "Empty: count this system's earlier plans.",
    )
    contingency_plan = models.TextField(
        "what happens if the plan does not work",
        blank=True,
        help_text="The contingency plan: what will happen if the changes are not made, or the "
        "child is not safe.",
    )
    family_worries = models.TextField(
        "what we are worried about, written for the family",
        blank=True,
        help_text="The family-friendly plan's own words, written by the social worker for the "
        "family: not the chair's reasons.",
    )
    source_system = models.CharField(max_length=10, default=RecordSource.ENTERED)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(end_date__isnull=True),
                name="one_open_plan_per_child",
                violation_error_message="This child already has an open child protection plan.",
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="plan_ends_after_it_starts",
                violation_error_message="A plan cannot end before it started.",
            ),
        ]

    def __str__(self) -> str:
        return f"Child protection plan from {day(self.start_date)}"

    @property
    def is_open(self) -> bool:
        return self.end_date is None

    @property
    def is_imported(self) -> bool:
        return self.source_system == RecordSource.CENSUS_IMPORT

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.start_date and self.start_date > timezone.localdate():
            errors["start_date"] = "A plan cannot start in the future."
        if self.end_date and self.start_date and self.end_date < self.start_date:
            errors["end_date"] = "A plan cannot end before it started."
        elif self.end_date and self.end_date == self.start_date:
            # Census rule 8840.
            errors["end_date"] = "A plan cannot start and end on the same day."
        if self.end_date and not self.end_next_step and not self.is_imported:
            errors["end_next_step"] = "Say what happens next when the plan ends."
        if self.end_reason and not self.end_date:
            errors["end_reason"] = "A reason the plan ended is recorded when it ends."
        # The child's other plans: conferences/rules.py protection_plan_problems.
        if errors:
            raise ValidationError(errors)


class ActionProgress(models.TextChoices):
    NOT_STARTED = "not_started", "Not started"
    ON_TRACK = "on_track", "On track"
    OFF_TRACK = "off_track", "Off track"
    DONE = "done", "Done"


class PlanOutcome(models.Model):
    """What needs to change for the child to be safe, in words the family understands."""

    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.CASCADE, related_name="outcomes")
    what_needs_to_change = models.TextField()
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["plan", "order", "pk"]

    def __str__(self) -> str:
        return self.what_needs_to_change[:60]


class CoreGroupMember(models.Model):
    """A member of the plan's core group: the professionals and family who deliver the plan.

    Taken from the conference that made (or reviewed) the plan, those invited to it, and the
    allocated social worker; a family member is linked to their person record, the social
    worker to their user. Plan actions are owned by a member (or, for someone outside the core
    group, a name in words)."""

    plan = models.ForeignKey(
        ChildProtectionPlan, on_delete=models.CASCADE, related_name="core_group_members"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200, blank=True)
    agency = models.CharField(max_length=20, choices=Agency.choices, blank=True)
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "pk"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """ "Jade Testwood (mother)": the name and what they are to the plan."""
        what = self.role or (self.get_agency_display() if self.agency else "")
        return f"{self.name} ({what})" if what else self.name


class PlanAction(VersionedModel):
    outcome = models.ForeignKey(PlanOutcome, on_delete=models.CASCADE, related_name="actions")
    action = models.TextField()
    owner = models.CharField(
        max_length=200,
        help_text="Who will do it, in words: a core group member's name and role, or someone "
        "outside the core group.",
    )
    owner_member = models.ForeignKey(
        CoreGroupMember,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="actions",
        help_text="The core group member who will do it (empty: someone outside the core "
        "group, named in the owner).",
    )
    timescale = models.DateField("by when")
    evidence_of_done = models.TextField("how we will know it has happened", blank=True)
    progress = models.CharField(
        max_length=12, choices=ActionProgress.choices, default=ActionProgress.NOT_STARTED
    )
    progress_evidence = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["outcome", "timescale", "pk"]

    def __str__(self) -> str:
        return self.action[:60]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not (self.owner or "").strip():
            errors["owner"] = "Every action needs an owner: the person or agency who will do it."
        if not self.timescale:
            errors["timescale"] = "Every action needs a timescale: the date it will be done by."
        if self.progress == ActionProgress.DONE and not self.progress_evidence.strip():
            errors["progress_evidence"] = "Say what shows the action has been done."
        if errors:
            raise ValidationError(errors)


class PlanVersion(models.Model):
    """A snapshot of the plan each time it changes, so earlier versions can be read."""

    plan = models.ForeignKey(ChildProtectionPlan, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    snapshot = models.JSONField()
    reason = models.CharField(max_length=300)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="unique_plan_version")
        ]

    def __str__(self) -> str:
        return f"Version {self.number}"


# --- Core groups --------------------------------------------------------------------------------


class CoreGroupMeeting(VersionedModel):
    plan = models.ForeignKey(
        ChildProtectionPlan, on_delete=models.PROTECT, related_name="core_groups"
    )
    meeting_date = models.DateField()
    attendees = models.TextField(help_text="Who attended, one per line, with their role.")
    # The child's family who attended, chosen from the child's people; professionals and
    # anyone else stay in words in `attendees`.
    family_attendees = models.ManyToManyField(
        "people.Person", blank=True, related_name="core_groups_attended"
    )
    parents_attended = models.BooleanField(default=False)
    child_seen_or_views = models.TextField("the child's views", blank=True)
    discussion = models.TextField("progress and changes to the plan", blank=True)
    next_meeting_date = models.DateField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    held_with = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="joint_records",
        help_text="One core group for a sibling group's plans: the record of the meeting on the "
        "plan it was recorded from. Each plan keeps its own record, due date and timeliness.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Stored, like a visit's (conferences.timeliness): when this meeting was due and whether it
    # was held by then.
    due_date = models.DateField(
        null=True, blank=True, editable=False, help_text="When this core group was due."
    )
    in_timescale = models.BooleanField(
        null=True, editable=False, help_text="Whether this core group was in timescale."
    )

    class Meta:
        ordering = ["-meeting_date", "-pk"]
        indexes = [
            # The core groups of a period, the authority's or a team's plans' (dashboards).
            models.Index(fields=["meeting_date"], name="core_group_meeting_date"),
            models.Index(fields=["plan", "meeting_date"], name="core_group_plan_date"),
        ]

    def __str__(self) -> str:
        return f"Core group on {day(self.meeting_date)}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.meeting_date and self.meeting_date > timezone.localdate():
            errors["meeting_date"] = "A core group cannot be recorded in the future."
        if self.plan_id and self.meeting_date and self.meeting_date < self.plan.start_date:
            errors["meeting_date"] = "A core group cannot be before the plan started."
        if (
            self.next_meeting_date
            and self.meeting_date
            and self.next_meeting_date <= self.meeting_date
        ):
            errors["next_meeting_date"] = "The next meeting must be after this one."
        if errors:
            raise ValidationError(errors)


class CoreGroupActionUpdate(models.Model):
    meeting = models.ForeignKey(
        CoreGroupMeeting, on_delete=models.CASCADE, related_name="action_updates"
    )
    action = models.ForeignKey(PlanAction, on_delete=models.PROTECT, related_name="updates")
    progress = models.CharField(max_length=12, choices=ActionProgress.choices)
    evidence = models.TextField(blank=True)

    class Meta:
        ordering = ["meeting", "action", "pk"]

    def __str__(self) -> str:
        return f"{self.action}: {self.get_progress_display()}"


# --- Plain language -----------------------------------------------------------------------------


class JargonTerm(models.Model):
    """Professional jargon and its everyday alternative. Administrators extend the list."""

    term = models.CharField(max_length=100, unique=True)
    plain_alternative = models.CharField(max_length=300)
    explanation = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["term"]

    def __str__(self) -> str:
        return self.term


# --- Feedback -----------------------------------------------------------------------------------


class RespondentType(models.TextChoices):
    PARENT = "parent", "Parent or carer"
    FAMILY = "family", "Other family member"
    CHILD = "child", "Child or young person"
    PROFESSIONAL = "professional", "Professional"


def new_feedback_token() -> str:
    return secrets.token_urlsafe(32)


def feedback_expiry() -> "timezone.datetime":
    return timezone.now() + timedelta(days=28)


class FeedbackInvitation(models.Model):
    """A one-time link to the feedback form. The link carries no case data."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="feedback_invitations"
    )
    respondent_type = models.CharField(max_length=12, choices=RespondentType.choices)
    token = models.CharField(max_length=64, unique=True, default=new_feedback_token)
    expires_at = models.DateTimeField(default=feedback_expiry)
    used_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Feedback invitation ({self.get_respondent_type_display()})"

    @property
    def usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class FeedbackResponse(models.Model):
    SCORE_CHOICES = [(i, str(i)) for i in range(1, 6)]

    conference = models.ForeignKey(
        Conference, on_delete=models.PROTECT, related_name="feedback_responses"
    )
    respondent_type = models.CharField(max_length=12, choices=RespondentType.choices)
    via = models.CharField(
        max_length=10, choices=[("paper", "Paper form"), ("link", "Online link")]
    )
    listened_to = models.PositiveSmallIntegerField("I felt listened to", choices=SCORE_CHOICES)
    understood = models.PositiveSmallIntegerField(
        "I understood what was decided and why", choices=SCORE_CHOICES
    )
    prepared = models.PositiveSmallIntegerField(
        "I had what I needed beforehand (reports, information)", choices=SCORE_CHOICES
    )
    comments = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"Feedback from a {self.get_respondent_type_display().lower()}"

    @property
    def average(self) -> float:
        return (self.listened_to + self.understood + self.prepared) / 3


for _model in (
    Conference,
    ConferenceParticipant,
    ConferenceDissent,
    ChildProtectionPlan,
    CoreGroupMember,
    PlanOutcome,
    PlanAction,
    PlanVersion,
    CoreGroupActionUpdate,
    JargonTerm,
):
    auditlog.register(_model)
auditlog.register(CoreGroupMeeting, m2m_fields={"family_attendees"})


# --- Ending a plan outside a review, and moves between authorities ------------------------------


class TransferIn(VersionedModel):
    """Another authority told us that a child on its child protection plan has moved here.

    Recording it asks for the transfer-in conference (Working Together: within 15 working days
    of being notified), whose target date is stored on the conference. Held, the conference
    decides as an initial conference does, and a plan made there is this authority's plan.
    """

    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="transfers_in")
    referral = models.ForeignKey(
        "cases.Referral",
        on_delete=models.PROTECT,
        related_name="transfers_in",
        help_text="The episode (referral) the child is open to here.",
    )
    from_authority = models.CharField("the authority the child moved from", max_length=200)
    notified_on = models.DateField("date we were notified of the move")
    other_plan_start = models.DateField("the other authority's plan started on")
    other_category = models.CharField(
        "the other authority's category of abuse", max_length=3, choices=AbuseCategory.choices
    )
    conference = models.OneToOneField(
        Conference, on_delete=models.PROTECT, related_name="transfer_in"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-notified_on", "-pk"]

    def __str__(self) -> str:
        return f"Moved in from {self.from_authority} (notified {day(self.notified_on)})"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not (self.from_authority or "").strip():
            errors["from_authority"] = "Say which local authority the child moved from."
        if self.notified_on and self.notified_on > timezone.localdate():
            errors["notified_on"] = "The date we were notified cannot be in the future."
        if self.other_plan_start and self.notified_on and self.other_plan_start > self.notified_on:
            errors["other_plan_start"] = (
                "The other authority's plan started before it told us of the move: check the date."
            )
        if self.referral_id and self.child_id and self.referral.child_id != self.child_id:
            errors["referral"] = "The episode belongs to a different child."
        if errors:
            raise ValidationError(errors)


class TransferOut(VersionedModel):
    """The child moved permanently to another authority. The plan here continues until the
    receiving authority's transfer-in conference has been held; it ends on that day."""

    child = models.ForeignKey("cases.Child", on_delete=models.PROTECT, related_name="transfers_out")
    plan = models.ForeignKey(
        ChildProtectionPlan, on_delete=models.PROTECT, related_name="transfers_out"
    )
    to_authority = models.CharField("the authority the child moved to", max_length=200)
    moved_on = models.DateField("date the child moved")
    receiving_conference_on = models.DateField(
        "date of the receiving authority's transfer-in conference", null=True, blank=True
    )
    receiving_conference_held = models.BooleanField(
        "the receiving authority's conference has been held", default=False
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-moved_on", "-pk"]

    def __str__(self) -> str:
        return f"Moved to {self.to_authority} on {day(self.moved_on)}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if not (self.to_authority or "").strip():
            errors["to_authority"] = "Say which local authority the child moved to."
        if self.moved_on and self.moved_on > today:
            errors["moved_on"] = "Record the move once it has happened: the date is in the future."
        if self.plan_id and self.moved_on and self.moved_on < self.plan.start_date:
            errors["moved_on"] = (
                f"The plan started on {day(self.plan.start_date)}: the move is after that."
            )
        when = self.receiving_conference_on
        if when and self.moved_on and when < self.moved_on:
            errors["receiving_conference_on"] = (
                "The receiving authority's conference is held after the child moved there."
            )
        if self.receiving_conference_held:
            if when is None:
                errors["receiving_conference_on"] = (
                    "Give the date the receiving authority's conference was held."
                )
            elif when > today:
                errors["receiving_conference_held"] = (
                    "That date is in the future: the conference cannot have been held yet."
                )
        if errors:
            raise ValidationError(errors)


auditlog.register(TransferIn)
auditlog.register(TransferOut)
