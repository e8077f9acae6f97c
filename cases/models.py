import secrets
from collections.abc import Iterable
from datetime import date

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Coalesce, Upper
from django.db.models.lookups import Exact
from django.utils import timezone

from timescales import rules as timescales
from wirral_cp.bulk import set_columns
from wirral_cp.concurrency import VersionedModel
from wirral_cp.dates import day, day_time

from .codes.agency import Agency
from .codes.assessment_factor import NO_FACTORS, AssessmentFactor
from .codes.closure_reason import ClosureReason
from .codes.disability import Disability
from .codes.ethnicity import Ethnicity
from .codes.primary_need import PrimaryNeed
from .codes.referral_source import ReferralSource
from .codes.sex import Sex
from .codes.upn_la import UPN_LA_CODES
from .codes.upn_unknown import UPNUnknownReason
from .validators import validate_nhs_number, validate_upn


class RecordSource(models.TextChoices):
    ENTERED = "entered", "Entered in this system"
    CENSUS_IMPORT = "census", "Imported from a CIN census file"


def new_la_child_id() -> str:
    # Alphanumeric, 12 characters: well inside the census limit of 20.
    return "WCP" + "".join(secrets.choice("0123456789") for _ in range(9))


class ChildQuerySet(models.QuerySet):
    def search(self, query: str) -> "ChildQuerySet":
        """Children matching an LA child ID, NHS number or UPN exactly (each on an index), a date
        of birth, or every word of a name (on trigram indexes in PostgreSQL)."""
        query = query.strip()
        if not query:
            return self
        identifier = query.replace(" ", "").upper()
        same_id = models.Q(Exact(Upper("la_child_id"), identifier)) | models.Q(upn=identifier)
        if identifier.isdigit() and len(identifier) == 10:
            same_id |= models.Q(nhs_number=identifier)
        q = same_id
        parsed = _parse_date(query)
        if parsed:
            q |= models.Q(date_of_birth=parsed) | models.Q(expected_date_of_birth=parsed)
        for term in query.split():
            q |= models.Q(first_name__icontains=term) | models.Q(last_name__icontains=term)
            q |= models.Q(known_as__icontains=term)
        terms = query.split()
        if len(terms) > 1:
            # "Jo Bloggs" should find Jo Bloggs first, not every Jo.
            name_q = models.Q()
            for term in terms:
                name_q &= (
                    models.Q(first_name__icontains=term)
                    | models.Q(last_name__icontains=term)
                    | models.Q(known_as__icontains=term)
                )
            q = name_q | same_id
        return self.filter(q)

    def by_name(self, *, few: bool = False) -> "ChildQuerySet":
        """In name order (the model's). With `few`, for matches among a few children (a
        search in a team's): the same order, sorted from the matches, where the planner would
        otherwise walk the whole authority's name index from its start to find them (at
        150,000 children, 90 ms instead of 14)."""
        if not few:
            return self.order_by("last_name", "first_name", "pk")
        # The same values, so the same order; not the bare columns, so not read off the index.
        return self.order_by(
            Coalesce("last_name", models.Value("")), Coalesce("first_name", models.Value("")), "pk"
        )


def _parse_date(text: str) -> date | None:
    from datetime import datetime

    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d/%m/%y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


class Child(VersionedModel):
    la_child_id = models.CharField(
        "LA child ID",
        max_length=20,
        unique=True,
        default=new_la_child_id,
        help_text="Alphanumeric, at most 20 characters. Generated for new children.",
    )
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    known_as = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    expected_date_of_birth = models.DateField(
        null=True, blank=True, help_text="For an unborn child: the expected date of birth."
    )
    # Set when the birth of a child recorded before birth is recorded (services.child_birth_record):
    # the record is the same child's, and keeps what was expected.
    birth_expected_on = models.DateField(
        null=True, blank=True, editable=False, help_text="The expected date of birth, before birth."
    )
    birth_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=4, choices=Ethnicity.choices, default=Ethnicity.NOBT)
    disabilities = models.JSONField(
        default=list,
        blank=True,
        help_text="Census disability codes; NONE cannot be combined with any other.",
    )
    upn = models.CharField("UPN", max_length=13, blank=True, validators=[validate_upn])
    upn_unknown_reason = models.CharField(
        "UPN unknown reason", max_length=3, choices=UPNUnknownReason.choices, blank=True
    )
    nhs_number = models.CharField(
        "NHS number", max_length=12, blank=True, validators=[validate_nhs_number]
    )
    address_line_1 = models.CharField(max_length=200, blank=True)
    address_line_2 = models.CharField(max_length=200, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    first_language = models.CharField(max_length=100, blank=True, default="English")
    interpreter_required = models.BooleanField(default=False)
    communication_needs = models.TextField(
        blank=True, help_text="How the child communicates best, and any support they need."
    )
    allocated_team = models.ForeignKey(
        "accounts.Team",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    allocated_worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocated_children",
    )
    is_restricted = models.BooleanField(
        default=False, help_text="Only named users may open a restricted record."
    )
    restricted_to = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="restricted_children",
        help_text="The only people who may open this record while it is restricted.",
    )
    source = models.CharField(
        max_length=10, choices=RecordSource.choices, default=RecordSource.ENTERED
    )
    # The child as a person of the person index: their relationships and households.
    person = models.OneToOneField(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="child_record",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name_plural = "children"
        indexes = [
            models.Index(fields=["last_name", "first_name"]),
            # Search by LA child ID, whatever case it is typed in; by NHS number and UPN.
            models.Index(Upper("la_child_id"), name="child_la_id_upper"),
            models.Index(fields=["nhs_number"], name="child_nhs_number"),
            models.Index(fields=["upn"], name="child_upn"),
            models.Index(fields=["date_of_birth"], name="child_date_of_birth"),
            models.Index(fields=["expected_date_of_birth"], name="child_expected_birth"),
            # A team's children (the team dashboards and lists), and the few restricted
            # records every list counts.
            models.Index(fields=["allocated_team", "id"], name="child_team_id"),
            models.Index(
                fields=["id"], condition=models.Q(is_restricted=True), name="child_restricted"
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        name = f"{self.first_name} {self.last_name}".strip()
        return name if self.date_of_birth or not self.expected_date_of_birth else f"Unborn {name}"

    @property
    def is_unborn(self) -> bool:
        return self.date_of_birth is None and self.expected_date_of_birth is not None

    def age_on(self, on: date) -> int | None:
        if not self.date_of_birth:
            return None
        dob = self.date_of_birth
        return on.year - dob.year - ((on.month, on.day) < (dob.month, dob.day))

    @property
    def age(self) -> int | None:
        return self.age_on(timezone.localdate())

    @property
    def disability_labels(self) -> list[str]:
        """The census disability codes in words ("No disability", never "NONE")."""
        labels = dict(Disability.choices)
        return [labels.get(code, code) for code in self.disabilities or []]

    def clean(self) -> None:
        self.upn = self.upn.strip().upper()
        self.nhs_number = self.nhs_number.replace(" ", "")
        errors: dict[str, list[str]] = {}
        # A census return may lack what this system asks for at entry; it is loaded as it is.
        imported = self.source == RecordSource.CENSUS_IMPORT
        today = timezone.localdate()
        if self.date_of_birth and self.date_of_birth > today:
            errors.setdefault("date_of_birth", []).append(
                "The date of birth cannot be in the future. For an unborn child, leave the "
                "date of birth empty and give the expected date of birth."
            )
        if not self.date_of_birth and not self.expected_date_of_birth:
            errors.setdefault("date_of_birth", []).append(
                "Give the date of birth, or for an unborn child the expected date of birth."
            )
        if self.date_of_birth and self.expected_date_of_birth:
            errors.setdefault("expected_date_of_birth", []).append(
                "A child who has been born has a date of birth, not an expected one: "
                "clear the expected date of birth."
            )
        if self.date_of_death:
            if self.date_of_death > today:
                errors.setdefault("date_of_death", []).append(
                    "The date of death cannot be in the future."
                )
            if self.date_of_birth and self.date_of_death < self.date_of_birth:
                errors.setdefault("date_of_death", []).append(
                    "The date of death cannot be before the date of birth."
                )
        codes = list(self.disabilities or [])
        unknown = [c for c in codes if c not in Disability.values]
        if unknown:
            errors.setdefault("disabilities", []).append(
                f"Unknown disability code: {', '.join(unknown)}."
            )
        if Disability.NONE in codes and len(codes) > 1:
            errors.setdefault("disabilities", []).append(
                "'No disability' cannot be chosen together with a disability."
            )
        if len(set(codes)) != len(codes):
            errors.setdefault("disabilities", []).append("A disability is listed twice.")
        if self.upn and self.upn_unknown_reason:
            errors.setdefault("upn_unknown_reason", []).append(
                "Give either the UPN or the reason it is not known, not both."
            )
        elif not self.upn and not self.upn_unknown_reason and not imported:
            errors.setdefault("upn_unknown_reason", []).append(
                "Give the child's unique pupil number (UPN), or choose the reason it is not "
                "known (UN1 to UN7)."
            )
        if self.upn and len(self.upn) == 13 and self.upn[1:4] not in UPN_LA_CODES:
            errors.setdefault("upn", []).append(
                f"Characters 2 to 4 of a UPN are a local authority number; {self.upn[1:4]} is "
                "not one. Check the UPN against the school's records."
            )
        age = self.age_on(today)
        if (
            self.upn_unknown_reason == UPNUnknownReason.UN1
            and age is not None
            and age >= 6
            and not imported
        ):
            errors.setdefault("upn_unknown_reason", []).append(
                "UN1 is for a child under 6 who is not yet at school; this child is "
                f"{age}. Give the UPN or another reason."
            )
        if self.is_unborn and self.sex != Sex.UNKNOWN:
            errors.setdefault("sex", []).append(
                'For an unborn child, record sex as "Not known / not stated" until the child '
                "is born (the census requires it)."
            )
        if errors:
            raise ValidationError(errors)


auditlog.register(Child)


# --- Family and network ---------------------------------------------------------------------


class Relationship(models.TextChoices):
    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    STEP_PARENT = "step_parent", "Step-parent"
    PARENTS_PARTNER = "parents_partner", "Parent's partner"
    SIBLING = "sibling", "Sibling (full)"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    STEP_SIBLING = "step_sibling", "Step-sibling"
    GRANDMOTHER = "grandmother", "Grandmother"
    GRANDFATHER = "grandfather", "Grandfather"
    AUNT = "aunt", "Aunt"
    UNCLE = "uncle", "Uncle"
    COUSIN = "cousin", "Cousin"
    CHILDS_CHILD = "childs_child", "Child's own child"
    FOSTER_CARER = "foster_carer", "Foster carer"
    KINSHIP_CARER = "kinship_carer", "Kinship carer"
    FAMILY_FRIEND = "family_friend", "Family friend"
    OTHER = "other", "Other"


PARENT_RELATIONSHIPS = {Relationship.MOTHER, Relationship.FATHER}
# Relatives for whom it matters which of the child's parents they are related through: the
# parent a half-sibling shares, the parent whose parent a grandparent is, whose brother or
# sister an aunt or uncle is, and whose brother's or sister's child a cousin is.
RELATED_THROUGH_A_PARENT = {
    Relationship.HALF_SIBLING,
    Relationship.GRANDMOTHER,
    Relationship.GRANDFATHER,
    Relationship.AUNT,
    Relationship.UNCLE,
    Relationship.COUSIN,
}
# Generation relative to the child, for the genogram: grandparents -2, parents -1, siblings 0.
RELATIONSHIP_GENERATION = {
    Relationship.GRANDMOTHER: -2,
    Relationship.GRANDFATHER: -2,
    Relationship.MOTHER: -1,
    Relationship.FATHER: -1,
    Relationship.STEP_PARENT: -1,
    Relationship.PARENTS_PARTNER: -1,
    Relationship.AUNT: -1,
    Relationship.UNCLE: -1,
    Relationship.SIBLING: 0,
    Relationship.HALF_SIBLING: 0,
    Relationship.STEP_SIBLING: 0,
    Relationship.COUSIN: 0,
    Relationship.CHILDS_CHILD: 1,
}


class FamilyMember(VersionedModel):
    """A person in the child's family or network (never a user of the system)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="family")
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    is_deceased = models.BooleanField(default=False)
    relationship = models.CharField(max_length=20, choices=Relationship.choices)
    lives_with_child = models.BooleanField("lives in the child's household", default=False)
    parental_responsibility = models.BooleanField(default=False)
    involved_in_safety_plan = models.BooleanField(default=False)
    partner = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Their partner or spouse, if also recorded here.",
    )
    through_parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="related through",
        help_text=(
            "Which of the child's parents they are related through: the parent a half-sibling "
            "shares, or whose parent, brother, sister or nephew or niece they are."
        ),
    )
    partnership_status = models.CharField(
        max_length=12,
        blank=True,
        choices=[
            ("married", "Married or civil partners"),
            ("partners", "Living together / partners"),
            ("separated", "Separated"),
            ("divorced", "Divorced"),
        ],
    )
    address = models.CharField(max_length=300, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    notes = models.TextField(blank=True)
    # The person index's record of this person, and of their relationship to the child (kept in
    # step by cases.family_people on every save; the row here is what the worker typed).
    person = models.ForeignKey(
        "people.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="family_entries",
        editable=False,
    )
    link = models.ForeignKey(
        "people.Relationship",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="family_entries",
        editable=False,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["child", "relationship", "last_name", "first_name", "pk"]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def is_father_not_living_with_child(self) -> bool:
        return self.relationship == Relationship.FATHER and not self.lives_with_child

    @property
    def deceased(self) -> bool:
        return self.is_deceased or self.date_of_death is not None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = "The date of birth cannot be in the future."
        if self.date_of_death:
            if self.date_of_death > today:
                errors["date_of_death"] = "The date of death cannot be in the future."
            elif self.date_of_birth and self.date_of_death < self.date_of_birth:
                errors["date_of_death"] = "The date of death cannot be before the date of birth."
        if self.partner_id and self.partner_id == self.pk:
            errors["partner"] = "A person cannot be their own partner."
        if self.partner and self.partner.child_id != self.child_id:
            errors["partner"] = "The partner must be someone recorded for this child."
        if self.partner_id and not self.partnership_status:
            errors["partnership_status"] = "Say what kind of partnership this is."
        errors.update(self._through_parent_errors())
        if errors:
            raise ValidationError(errors)

    def _through_parent_errors(self) -> dict[str, str]:
        errors: dict[str, str] = {}
        parent = self.through_parent
        if parent is not None:
            if self.relationship not in RELATED_THROUGH_A_PARENT:
                errors["through_parent"] = (
                    "Only say which parent someone is related through for a half-sibling, "
                    "grandparent, aunt, uncle or cousin. Leave it empty for a "
                    f"{self.get_relationship_display().lower()}."
                )
            elif self.pk is not None and parent.pk == self.pk:
                errors["through_parent"] = "A person cannot be related through themselves."
            elif (
                parent.child_id != self.child_id or parent.relationship not in PARENT_RELATIONSHIPS
            ):
                errors["through_parent"] = (
                    "Choose the child's mother or father, as recorded for this child."
                )
        if (
            self.pk is not None
            and self.relationship not in PARENT_RELATIONSHIPS
            and FamilyMember.objects.filter(through_parent=self).exclude(pk=self.pk).exists()
        ):
            errors["relationship"] = (
                "Other family members are recorded as related to the child through this person "
                "as a parent. Change them first, or keep this person as the mother or father."
            )
        return errors


class Professional(VersionedModel):
    """A professional around the child: a participant, never a user."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="professionals")
    name = models.CharField(max_length=200)
    agency = models.CharField(max_length=20, choices=Agency.choices)
    role = models.CharField(
        max_length=200, help_text="For example GP, health visitor, head teacher."
    )
    organisation = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    is_current = models.BooleanField(default=True)

    class Meta:
        ordering = ["child", "agency", "name", "pk"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


# --- Contact, referral and the CIN episode ----------------------------------------------------


class ThresholdDecision(models.TextChoices):
    NFA = "nfa", "No further action"
    EARLY_HELP = "early_help", "Early help"
    ASSESSMENT = "assessment", "Assessment (child and family assessment)"
    STRATEGY = "strategy", "Strategy discussion (reasonable cause to suspect significant harm)"


# Census rule 8606: a referral at most 40 weeks before the child's (expected) birth.
PRE_BIRTH_REFERRAL_DAYS = 280


class ReferralQuerySet(models.QuerySet):
    def open(self) -> "ReferralQuerySet":
        return self.filter(closure_date__isnull=True)


class Referral(VersionedModel):
    """A contact that became a referral: one children in need (CIN) episode for the census."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="referrals")
    received_at = models.DateTimeField("date and time received")
    source = models.CharField("referral source", max_length=2, choices=ReferralSource.choices)
    referrer_name = models.CharField(max_length=200, blank=True)
    reason = models.TextField("reason for referral and presenting concerns")
    primary_need = models.CharField(
        max_length=2,
        choices=PrimaryNeed.choices,
        blank=True,
        help_text="The main reason the child needs services (census primary need code).",
    )
    decision = models.CharField(
        "threshold decision", max_length=12, choices=ThresholdDecision.choices, blank=True
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    closure_date = models.DateField(null=True, blank=True)
    closure_reason = models.CharField(
        "reason for closure", max_length=3, choices=ClosureReason.choices, blank=True
    )
    stepped_down_to_early_help = models.BooleanField(
        default=False, help_text="The child was stepped down to early help when this closed."
    )
    source_system = models.CharField(
        max_length=10, choices=RecordSource.choices, default=RecordSource.ENTERED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ReferralQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["child", "received_at"]),
            models.Index(fields=["received_at"]),
            models.Index(fields=["closure_date"]),
            # A manager's "threshold decisions on referrals" (My tasks): the few waiting.
            models.Index(
                fields=["child"],
                condition=models.Q(decision="", closure_date__isnull=True),
                name="referral_awaiting_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"Referral received {day(timezone.localtime(self.received_at))}"

    @property
    def referral_date(self) -> date:
        return timezone.localtime(self.received_at).date()

    @property
    def decision_due(self) -> date:
        """Working Together: a decision within 1 working day of receipt."""
        return timescales.referral_decision_due(self.referral_date)

    @property
    def decision_date(self) -> date | None:
        return timezone.localtime(self.decided_at).date() if self.decided_at else None

    @property
    def decision_late(self) -> bool:
        decided = self.decision_date or timezone.localdate()
        return decided > self.decision_due

    @property
    def assessment_due(self) -> date:
        return timescales.assessment_due(self.referral_date)

    @property
    def is_nfa(self) -> bool:
        return self.decision == ThresholdDecision.NFA

    @property
    def is_open(self) -> bool:
        return self.closure_date is None

    def clean(self) -> None:
        errors: dict[str, str | list[str]] = {}
        now = timezone.now()
        if self.received_at and self.received_at > now:
            errors["received_at"] = "The referral cannot be received in the future."
        if self.decided_at and self.received_at and self.decided_at < self.received_at:
            errors["decided_at"] = "The decision cannot be made before the referral was received."
        if self.closure_date:
            if self.received_at and self.closure_date < self.referral_date:
                errors["closure_date"] = (
                    "The case cannot close before the referral was received "
                    f"({day(self.referral_date)})."
                )
            elif self.closure_date > timezone.localdate():
                errors["closure_date"] = "The closure date cannot be in the future."
            if not self.closure_reason:
                errors["closure_reason"] = "Give the reason for closure (RC1 to RC9)."
            if not self.primary_need and not self.is_imported:
                errors["primary_need"] = "Give the primary need code before closing."
        elif self.closure_reason:
            errors["closure_date"] = "Give the closure date, or clear the reason for closure."
        if not self.primary_need and not self.is_imported and "primary_need" not in errors:
            errors["primary_need"] = (
                "Give the primary need: the main reason the child may need services "
                '(choose "N0 Not stated" if it is not yet clear).'
            )
        if self.stepped_down_to_early_help and not self.closure_date:
            errors["stepped_down_to_early_help"] = (
                "A step-down to early help is recorded when the case closes: give the closure date."
            )
        # How the episode fits the child and its other records: cases/rules.py.
        if errors:
            raise ValidationError(errors)

    @property
    def is_imported(self) -> bool:
        return self.source_system == RecordSource.CENSUS_IMPORT


class Assessment(VersionedModel):
    """A child and family assessment within a CIN episode."""

    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="assessments")
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="assessments")
    start_date = models.DateField()
    authorised_date = models.DateField(
        null=True, blank=True, help_text="The date a manager authorised the completed assessment."
    )
    authorised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    factors = models.JSONField(
        "factors identified",
        default=list,
        blank=True,
        help_text='Census codes; "21 No factors identified" only on its own.',
    )
    family_history = models.TextField(
        blank=True, help_text="Family history and its impact on the child now."
    )
    childs_views = models.TextField("the child's views, in their words", blank=True)
    analysis = models.TextField(blank=True)
    outcome = models.CharField(
        max_length=20,
        blank=True,
        choices=[
            ("nfa", "No further action"),
            ("early_help", "Step down to early help"),
            ("cin_plan", "Child in need plan"),
            ("strategy", "Strategy discussion"),
            ("looked_after", "Became looked after"),
        ],
    )
    source_system = models.CharField(
        max_length=10, choices=RecordSource.choices, default=RecordSource.ENTERED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [
            # A manager's "assessments to authorise" (My tasks): the few not yet authorised.
            models.Index(
                fields=["child"],
                condition=models.Q(authorised_date__isnull=True),
                name="assessment_to_authorise",
            ),
        ]

    def __str__(self) -> str:
        return f"Assessment started {day(self.start_date)}"

    @property
    def due_date(self) -> date:
        return self.referral.assessment_due

    @property
    def is_late(self) -> bool:
        done = self.authorised_date or timezone.localdate()
        return done > self.due_date

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        codes = list(self.factors or [])
        if self.start_date and self.start_date > today:
            errors["start_date"] = "The assessment cannot start in the future."
        if self.authorised_date:
            if self.start_date and self.authorised_date < self.start_date:
                errors["authorised_date"] = "An assessment cannot be authorised before it started."
            elif self.authorised_date > today:
                errors["authorised_date"] = "The authorisation date cannot be in the future."
            if not codes and self.source_system != RecordSource.CENSUS_IMPORT:
                errors["factors"] = (
                    "Record the factors identified before authorising "
                    '(choose "21 No factors identified" if there were none).'
                )
        unknown = [c for c in codes if c not in AssessmentFactor.values]
        if unknown:
            errors["factors"] = f"Unknown factor code: {', '.join(unknown)}."
        elif NO_FACTORS in codes and len(codes) > 1:
            errors["factors"] = (
                '"21 No factors identified" cannot be chosen together with other factors.'
            )
        elif len(set(codes)) != len(codes):
            errors["factors"] = "A factor is listed twice."
        # Its episode: cases/rules.py assessment_in_episode.
        if errors:
            raise ValidationError(errors)


class CINPlan(VersionedModel):
    """A child in need plan within an episode (census CINPlanDates). Never at the same time as a
    child protection plan, nor as another child in need plan."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="cin_plans")
    referral = models.ForeignKey(Referral, on_delete=models.PROTECT, related_name="cin_plans")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    source_system = models.CharField(
        max_length=10, choices=RecordSource.choices, default=RecordSource.ENTERED
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = "child in need plan"
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(end_date__isnull=True),
                name="one_open_cin_plan_per_child",
                violation_error_message="This child already has an open child in need plan.",
            )
        ]

    def __str__(self) -> str:
        return f"Child in need plan from {day(self.start_date)}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.start_date and self.start_date > today:
            errors["start_date"] = "A child in need plan cannot start in the future."
        if self.end_date:
            if self.end_date > today:
                errors["end_date"] = "The end date cannot be in the future."
            elif self.start_date and self.end_date < self.start_date:
                errors["end_date"] = "A plan cannot end before it started."
        # Its episode and the child's other plans: cases/rules.py cin_plan_problems.
        if errors:
            raise ValidationError(errors)


# --- Allocation -------------------------------------------------------------------------------


class AllocationQuerySet(models.QuerySet["Allocation"]):
    def restate(self) -> int:
        """Work out again, from the start dates, the days each of these children's allocations
        was in force (`in_force_from`, `in_force_until`), and store those that changed; the
        number stored. Call it for a child whenever their allocations are added to, moved or
        removed (see `Allocation.in_force_on`)."""
        children = self.values("child_id")
        rows = list(
            Allocation.objects.filter(child_id__in=children)
            .order_by("child_id", "start_date", "pk")
            .values_list("pk", "child_id", "start_date", "in_force_from", "in_force_until")
        )
        changed = []
        for i, (pk, child_id, start, was_from, was_until) in enumerate(rows):
            first = i == 0 or rows[i - 1][1] != child_id
            last = i == len(rows) - 1 or rows[i + 1][1] != child_id
            in_from = None if first else start
            in_until = None if last else rows[i + 1][2]
            if (in_from, in_until) != (was_from, was_until):
                changed.append((pk, in_from, in_until))
        set_columns(Allocation, ["in_force_from", "in_force_until"], changed)
        return len(changed)


class Allocation(models.Model):
    """Who the child was allocated to, and when: the history behind Child.allocated_*.

    On any day exactly one of a child's allocations is in force: the one that started last on
    or before it (of two on one day, the later recorded), and before the first, the first.
    That is stored when the history is written (`in_force_from`, `in_force_until`, see
    `AllocationQuerySet.restate`), so that the team a record belonged to on its day is a join
    on a range (`Allocation.in_force_on`), not a search of the child's history per record."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="allocations")
    team = models.ForeignKey("accounts.Team", on_delete=models.PROTECT, related_name="+")
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="allocations",
    )
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    allocated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reason = models.CharField(max_length=300, blank=True)
    # The days it was in force, [from, until): no `from` for the child's first allocation
    # (it stands for the days before the history too), no `until` for the latest.
    in_force_from = models.DateField(null=True, blank=True, editable=False)
    in_force_until = models.DateField(null=True, blank=True, editable=False)

    objects = AllocationQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["child"],
                condition=models.Q(end_date__isnull=True),
                name="one_current_allocation_per_child",
            )
        ]
        indexes = [
            # A team's children at any time (a team's dashboard narrows to them first), and
            # a child's team on a day (the allocation that started last on or before it).
            models.Index(fields=["team", "child"], name="allocation_team_child"),
            models.Index(fields=["child", "start_date", "id"], name="allocation_child_start"),
        ]

    def __str__(self) -> str:
        return f"{self.team} / {self.worker or 'team only'} from {day(self.start_date)}"

    @staticmethod
    def in_force_on(on, prefix: str = "") -> models.Q:
        """The allocations (through `prefix`, "child__allocations__") in force on the day
        `on` (a date, or an expression of one)."""
        return (
            models.Q(**{f"{prefix}in_force_from__isnull": True})
            | models.Q(**{f"{prefix}in_force_from__lte": on})
        ) & (
            models.Q(**{f"{prefix}in_force_until__isnull": True})
            | models.Q(**{f"{prefix}in_force_until__gt": on})
        )


# --- Child protection plans in other local authorities -----------------------------------------


class PreviousPlanElsewhere(VersionedModel):
    """A child protection plan the child had in another local authority: the census's number of
    previous plans counts plans in any authority, not only those in this system."""

    child = models.ForeignKey(
        Child, on_delete=models.PROTECT, related_name="previous_plans_elsewhere"
    )
    local_authority = models.CharField(
        max_length=200, help_text="The local authority whose plan it was."
    )
    start_date = models.DateField("date the plan started")
    end_date = models.DateField("date the plan ended")
    notes = models.TextField(
        blank=True, help_text="Category of abuse, how this was learned, who to contact."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "-pk"]
        verbose_name = "child protection plan in another local authority"

    def __str__(self) -> str:
        return f"Plan in {self.local_authority} from {day(self.start_date)}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if not (self.local_authority or "").strip():
            errors["local_authority"] = "Give the local authority whose plan it was."
        today = timezone.localdate()
        if self.start_date and self.start_date > today:
            errors["start_date"] = "A previous plan cannot start in the future."
        if self.end_date and self.end_date > today:
            errors["end_date"] = (
                "A previous plan has ended: the end date cannot be in the future. A plan still "
                "open in another authority is a transfer-in, not a previous plan."
            )
        elif self.start_date and self.end_date and self.end_date <= self.start_date:
            errors["end_date"] = "The plan must end after the day it started."
        if errors:
            raise ValidationError(errors)


def previous_plans_count(
    *, start: date, recorded: int | None, here: Iterable[date], elsewhere: Iterable[date]
) -> int:
    """The plans a child had before a plan that starts on `start`, in any local authority (the
    census's NumberOfPreviousCPP): the figure a census return gave, when it gave one (it counts
    every authority already); otherwise this system's earlier plans and those recorded in
    other authorities that started before it."""
    if recorded is not None:
        return recorded
    return sum(1 for d in here if d < start) + sum(1 for d in elsewhere if d < start)


# --- Visits, notes, oversight, services -------------------------------------------------------


class VisitType(models.TextChoices):
    STATUTORY_CP = "statutory_cp", "Statutory visit (child on a child protection plan)"
    CIN = "cin", "Child in need visit"
    ASSESSMENT = "assessment", "Assessment visit"
    S47 = "s47", "Section 47 enquiry visit"
    OTHER = "other", "Other visit"


class VisitQuerySet(models.QuerySet["Visit"]):
    def seen(self) -> "VisitQuerySet":
        """The visits where the child was seen: whatever the visit was typed, each one counts
        towards the visits a child on a plan must have."""
        return self.filter(child_seen=True)

    def statutory(self) -> "VisitQuerySet":
        """Visits with the child seen while the child was on a plan: those given a due date
        when they were stored (conferences.timeliness)."""
        return self.filter(child_seen=True, due_date__isnull=False)


class Visit(VersionedModel):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="visits")
    visit_date = models.DateField()
    visit_type = models.CharField(max_length=20, choices=VisitType.choices)
    child_seen = models.BooleanField(default=False)
    seen_alone = models.BooleanField("child seen alone", default=False)
    bedroom_seen = models.BooleanField("child's bedroom seen", default=False)
    unannounced = models.BooleanField(default=False)
    childs_words = models.TextField(
        "the child's own words",
        blank=True,
        help_text="What the child said about their wishes and feelings, in their words.",
    )
    observations = models.TextField(blank=True)
    reason_not_seen = models.TextField("why the child was not seen (alone)", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    # Stored when the visit (or an earlier one, or the plan) is written, and worked out again
    # by the scan when the local timescale or the calendar changes; read by every page and
    # figure, never recomputed there (conferences.timeliness).
    due_date = models.DateField(
        null=True, blank=True, editable=False, help_text="When this statutory visit was due."
    )
    in_timescale = models.BooleanField(
        null=True,
        editable=False,
        help_text="Whether this statutory visit was in timescale (empty: not measured).",
    )

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visit_date", "-pk"]
        indexes = [
            models.Index(fields=["child", "visit_date"]),
            # The authority's statutory visits in a period (dashboards), without reading the
            # visits that do not count.
            models.Index(
                fields=["visit_date"],
                condition=models.Q(child_seen=True, due_date__isnull=False),
                name="statutory_visit_date",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_visit_type_display()} on {day(self.visit_date)}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.visit_date and self.visit_date > timezone.localdate():
            errors["visit_date"] = "A visit cannot be recorded in the future."
        if self.seen_alone and not self.child_seen:
            errors["seen_alone"] = "The child cannot be seen alone without being seen."
        if self.childs_words and not self.child_seen:
            errors["childs_words"] = (
                "The child's words are recorded when the child was seen; "
                "put what others said in the observations."
            )
        if not self.child_seen and not self.reason_not_seen:
            errors["reason_not_seen"] = "Say why the child was not seen."
        if errors:
            raise ValidationError(errors)


class NoteType(models.TextChoices):
    CASE_NOTE = "case_note", "Case note"
    PHONE = "phone", "Telephone call"
    MEETING = "meeting", "Meeting"
    EMAIL = "email", "Email or letter"
    HOME_VISIT = "home_visit", "Home visit (not statutory)"
    MULTI_AGENCY = "multi_agency", "Multi-agency contact"
    SIGNIFICANT_EVENT = "significant_event", "Significant event"


class CaseNote(VersionedModel):
    """A case note. Never deleted: a correction is a new version, the old text kept."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="notes")
    note_type = models.CharField(max_length=20, choices=NoteType.choices)
    event_date = models.DateField(help_text="When it happened, not when it was typed.")
    subject = models.CharField(max_length=200)
    text = models.TextField()
    is_significant = models.BooleanField(
        "significant event", default=False, help_text="Show this in the chronology."
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="case_notes"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-event_date", "-created_at", "-pk"]
        indexes = [models.Index(fields=["child", "event_date"])]

    def __str__(self) -> str:
        return self.subject

    def clean(self) -> None:
        if self.event_date and self.event_date > timezone.localdate():
            raise ValidationError({"event_date": "The event cannot be in the future."})


class CaseNoteVersion(models.Model):
    """An earlier text of a corrected case note."""

    note = models.ForeignKey(CaseNote, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    note_type = models.CharField(max_length=20, choices=NoteType.choices)
    event_date = models.DateField()
    subject = models.CharField(max_length=200)
    text = models.TextField()
    is_significant = models.BooleanField(default=False)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    written_at = models.DateTimeField()
    replaced_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    replaced_at = models.DateTimeField(auto_now_add=True)
    correction_reason = models.CharField(max_length=300)

    class Meta:
        ordering = ["note", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["note", "number"], name="unique_note_version")
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.note}"


class ChronologyEdit(models.Model):
    """A worker's own wording for one chronology entry, keyed by the entry's source."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="chronology_edits")
    source_key = models.CharField(max_length=60)
    description = models.CharField(max_length=300)
    edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    edited_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["child", "source_key"], name="unique_chronology_edit")
        ]

    def __str__(self) -> str:
        return self.description


class DateAccuracy(models.TextChoices):
    DAY = "day", "The exact date"
    MONTH = "month", "The month and year only"
    YEAR = "year", "The year only"
    ABOUT = "about", "An approximate date"


class InformationSource(models.TextChoices):
    """Who gave the information a manual chronology entry records: a partner agency, the
    family, the child, or this authority's own earlier records."""

    POLICE = "police", "Police"
    HEALTH = "health", "Health"
    EDUCATION = "education", "Education"
    PROBATION = "probation", "Probation"
    HOUSING = "housing", "Housing"
    OTHER_AUTHORITY = "other_authority", "Another local authority"
    SOCIAL_CARE_RECORDS = "social_care", "Children's social care records"
    FAMILY = "family", "The family or a friend of the family"
    CHILD = "child", "The child"
    OTHER = "other", "Other"


class ManualChronologyEntry(VersionedModel):
    """An entry a worker writes into the chronology by hand: a historical event (before this
    record began) or another agency's information, always with its source. Only its author
    changes it, and each change keeps the words it replaced (ManualChronologyEntryVersion)."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="manual_chronology")
    event_date = models.DateField(
        "date of the event",
        help_text="As near as is known. For a month or a year only, give any day in it.",
    )
    date_accuracy = models.CharField(
        "how exact the date is", max_length=5, choices=DateAccuracy.choices, default="day"
    )
    event_time = models.TimeField(
        "time of the event", null=True, blank=True, help_text="Only if it is known."
    )
    source = models.CharField(
        "where the information came from", max_length=16, choices=InformationSource.choices
    )
    source_name = models.CharField(
        "person or organisation",
        max_length=200,
        blank=True,
        help_text="Who gave it, for example: PC Example, Demotown police station.",
    )
    description = models.TextField("what happened", max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["event_date", "event_time", "pk"]
        indexes = [models.Index(fields=["child", "event_date"])]
        verbose_name = "manual chronology entry"
        verbose_name_plural = "manual chronology entries"

    def __str__(self) -> str:
        return f"{self.date_shown}: {self.description[:60]}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.event_date and self.event_date > timezone.localdate():
            errors["event_date"] = "The event cannot be in the future."
        if self.event_time and self.date_accuracy != DateAccuracy.DAY:
            errors["event_time"] = "Give a time only with an exact date."
        if self.description is not None and not self.description.strip():
            errors["description"] = "Say what happened."
        if self.source == InformationSource.OTHER and not self.source_name.strip():
            errors["source_name"] = "Say who gave the information."
        if errors:
            raise ValidationError(errors)
        # A month or a year is kept as its first day, so the entry sorts at the period's start.
        if self.event_date and self.date_accuracy == DateAccuracy.MONTH:
            self.event_date = self.event_date.replace(day=1)
        elif self.event_date and self.date_accuracy == DateAccuracy.YEAR:
            self.event_date = self.event_date.replace(month=1, day=1)

    @property
    def date_shown(self) -> str:
        """The date as exact as it is known: "3 Mar 2019", "Mar 2019", "2019", "About 3 Mar
        2019"."""
        d = self.event_date
        shown: dict[str, str] = {
            DateAccuracy.MONTH: f"{d:%b %Y}",
            DateAccuracy.YEAR: f"{d:%Y}",
            DateAccuracy.ABOUT: f"About {day(d)}",
        }
        return shown.get(self.date_accuracy, day(d))

    @property
    def source_shown(self) -> str:
        name = f" ({self.source_name})" if self.source_name else ""
        return f"{self.get_source_display()}{name}"


class ManualChronologyEntryVersion(models.Model):
    """The words of a manual chronology entry before its author changed them."""

    entry = models.ForeignKey(
        ManualChronologyEntry, on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveIntegerField()
    event_date = models.DateField()
    date_accuracy = models.CharField(max_length=5, choices=DateAccuracy.choices)
    event_time = models.TimeField(null=True, blank=True)
    source = models.CharField(max_length=16, choices=InformationSource.choices)
    source_name = models.CharField(max_length=200, blank=True)
    description = models.TextField()
    written_at = models.DateTimeField()
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entry", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["entry", "number"], name="unique_manual_chronology_version"
            )
        ]

    def __str__(self) -> str:
        return f"Version {self.number} of {self.entry}"


class ManagementOversight(VersionedModel):
    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="oversight")
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    oversight_date = models.DateField()
    reflection = models.TextField(help_text="The manager's analysis of the child's situation.")
    direction = models.TextField(help_text="What must happen next, by whom and by when.")
    next_review_date = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-oversight_date", "-pk"]
        verbose_name = "management oversight"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.oversight_date and self.oversight_date > timezone.localdate():
            errors["oversight_date"] = "Oversight cannot be recorded in the future."
        if (
            self.oversight_date
            and self.next_review_date
            and self.next_review_date <= self.oversight_date
        ):
            errors["next_review_date"] = "The next review must be after this oversight."
        if errors:
            raise ValidationError(errors)


class ServiceReferral(VersionedModel):
    """A referral to another service (for example CAMHS), so waiting times are visible."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="service_referrals")
    service = models.CharField(
        max_length=30,
        choices=[
            ("camhs", "CAMHS (child and adolescent mental health)"),
            ("domestic_abuse", "Domestic abuse support"),
            ("substance_misuse", "Substance misuse service (parent)"),
            ("adult_mental_health", "Adult mental health (parent)"),
            ("parenting", "Parenting programme"),
            ("speech_language", "Speech and language therapy"),
            ("paediatrics", "Community paediatrics"),
            ("housing", "Housing support"),
            ("young_carers", "Young carers service"),
            ("other", "Other"),
        ],
    )
    service_detail = models.CharField(max_length=200, blank=True)
    date_referred = models.DateField()
    date_started = models.DateField(null=True, blank=True)
    date_declined = models.DateField(null=True, blank=True)
    decline_reason = models.CharField(max_length=300, blank=True)
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["-date_referred", "-pk"]

    @property
    def waiting_days(self) -> int:
        """Calendar days waited: to the start (or decline), or to today if still waiting."""
        end = self.date_started or self.date_declined or timezone.localdate()
        return (end - self.date_referred).days

    @property
    def still_waiting(self) -> bool:
        return self.date_started is None and self.date_declined is None

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.date_referred and self.date_referred > today:
            errors["date_referred"] = "The referral date cannot be in the future."
        for field in ("date_started", "date_declined"):
            value = getattr(self, field)
            if value and self.date_referred and value < self.date_referred:
                errors[field] = "This cannot be before the date referred."
            elif value and value > today:
                errors[field] = "This cannot be in the future."
        if self.date_started and self.date_declined:
            errors["date_declined"] = "A service is either started or declined, not both."
        if self.date_declined and not self.decline_reason:
            errors["decline_reason"] = "Say why the service was declined."
        if errors:
            raise ValidationError(errors)


# --- Children who go missing ------------------------------------------------------------------


class ReturnInterviewOutcome(models.TextChoices):
    TAKEN_UP = "taken_up", "Taken up: the interview was held"
    DECLINED = "declined", "Declined by the child"


class MissingEpisode(VersionedModel):
    """A time the child went missing (statutory guidance on children who run away or go missing
    from home or care): when, whether the police were told, and the return home interview that
    is offered within 72 hours of the child's return."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="missing_episodes")
    started_at = models.DateTimeField("went missing")
    ended_at = models.DateTimeField(
        "returned or found", null=True, blank=True, help_text="Leave empty while still missing."
    )
    reported_to_police = models.BooleanField("reported to the police", default=False)
    return_interview_offered_at = models.DateTimeField(
        "return home interview offered",
        null=True,
        blank=True,
        help_text="When the interview was offered to the child (within 72 hours of the return).",
    )
    return_interview_outcome = models.CharField(
        "return home interview",
        max_length=10,
        choices=ReturnInterviewOutcome.choices,
        blank=True,
        help_text="Leave empty until the child takes it up or declines it.",
    )
    details = models.TextField(
        blank=True, help_text="Where the child was found, who with, what the child said."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        indexes = [models.Index(fields=["child", "started_at"])]

    def __str__(self) -> str:
        return f"Missing from {day_time(self.started_at)}"

    @property
    def return_interview_due(self):
        """The moment 72 clock hours after the return, or None while the child is missing."""
        return timescales.return_interview_due(self.ended_at) if self.ended_at else None

    @property
    def return_interview_in_time(self) -> bool | None:
        """Whether the interview was offered within 72 hours (None: not yet offered)."""
        due = self.return_interview_due
        if due is None or self.return_interview_offered_at is None:
            return None
        return self.return_interview_offered_at <= due

    def clean(self) -> None:
        errors: dict[str, str] = {}
        now = timezone.now()
        started, ended, offered = self.started_at, self.ended_at, self.return_interview_offered_at
        if started and started > now:
            errors["started_at"] = "The child cannot go missing in the future."
        if ended and ended > now:
            errors["ended_at"] = "The return cannot be in the future: leave it empty for now."
        elif ended and started and ended < started:
            errors["ended_at"] = "The child cannot return before going missing."
        if offered and not ended:
            errors["return_interview_offered_at"] = (
                "A return home interview is offered after the child returns: give the date and "
                "time of the return first."
            )
        elif offered and offered > now:
            errors["return_interview_offered_at"] = "The offer cannot be in the future."
        elif offered and ended and offered < ended:
            errors["return_interview_offered_at"] = (
                "The interview cannot be offered before the child returned."
            )
        if self.return_interview_outcome and not offered:
            errors["return_interview_outcome"] = (
                "Say when the interview was offered before recording whether it was taken up."
            )
        if errors:
            raise ValidationError(errors)


class OpenedWithReason(models.Model):
    """A worker opened the record of a child outside their own work ("Known to us?"), giving
    a reason: read-only, for `expires_at` (settings.KNOWN_TO_US_ACCESS_HOURS), audited. A
    restricted record is never opened this way (`cases.access.may_open_with_reason`)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    child = models.ForeignKey(Child, on_delete=models.CASCADE, related_name="opened_with_reason")
    reason = models.TextField()
    opened_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [models.Index(fields=["user", "child", "expires_at"], name="opened_with_reason")]
        verbose_name_plural = "records opened with a reason"

    def __str__(self) -> str:
        return f"{self.user} opened {self.child_id}: {self.reason[:40]}"


# --- Protective legal events (Annex A List 7) -----------------------------------------------


class ProtectiveOrderKind(models.TextChoices):
    EPO = "epo", "Emergency protection order (Children Act 1989, section 44)"
    POLICE = "police", "Police protection (Children Act 1989, section 46)"


class ProtectiveOrderQuerySet(models.QuerySet["ProtectiveOrder"]):
    def in_force_between(self, start: date, end: date) -> "ProtectiveOrderQuerySet":
        """Orders in force on any day from `start` to `end` (an order without an end date is in
        force from its start)."""
        return self.filter(start_date__lte=end).filter(
            models.Q(end_date__isnull=True) | models.Q(end_date__gte=start)
        )


class ProtectiveOrder(VersionedModel):
    """An emergency protection order or a time the child was taken into police protection:
    Ofsted's Annex A List 7 asks whether a child on a plan was subject to either in the last
    six months."""

    child = models.ForeignKey(Child, on_delete=models.PROTECT, related_name="protective_orders")
    kind = models.CharField("what it was", max_length=10, choices=ProtectiveOrderKind.choices)
    start_date = models.DateField(
        "start date", help_text="The day the order was made, or the child taken into protection."
    )
    end_date = models.DateField(
        "end date",
        null=True,
        blank=True,
        help_text="The day it ended (discharged, expired, or the child released). Leave empty "
        "while it is in force.",
    )
    details = models.TextField(
        blank=True, help_text="The court or police force, and why, in a sentence or two."
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ProtectiveOrderQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-pk"]
        indexes = [models.Index(fields=["child", "start_date"])]
        verbose_name = "emergency protection order or police protection"
        verbose_name_plural = "emergency protection orders and police protection"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {day(self.start_date)}"

    @property
    def short_name(self) -> str:
        return (
            "Emergency protection order"
            if self.kind == ProtectiveOrderKind.EPO
            else ("Police protection")
        )

    def clean(self) -> None:
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.start_date and self.start_date > today:
            errors["start_date"] = "The start date cannot be in the future."
        if self.end_date and self.end_date > today:
            errors["end_date"] = "The end date cannot be in the future: leave it empty for now."
        elif self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "The end date cannot be before the start date."
        if errors:
            raise ValidationError(errors)


for _model in (
    OpenedWithReason,
    FamilyMember,
    Professional,
    Referral,
    Assessment,
    CINPlan,
    Allocation,
    PreviousPlanElsewhere,
    Visit,
    CaseNote,
    ChronologyEdit,
    ManualChronologyEntry,
    ManualChronologyEntryVersion,
    ManagementOversight,
    ServiceReferral,
    MissingEpisode,
    ProtectiveOrder,
):
    auditlog.register(_model)
