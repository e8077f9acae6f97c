import secrets
from datetime import date

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from wirral_cp.concurrency import VersionedModel

from .codes.disability import Disability
from .codes.ethnicity import Ethnicity
from .codes.sex import Sex
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
        query = query.strip()
        if not query:
            return self
        q = models.Q(la_child_id__iexact=query)
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
            q = name_q | models.Q(la_child_id__iexact=query)
        return self.filter(q)


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
    source = models.CharField(
        max_length=10, choices=RecordSource.choices, default=RecordSource.ENTERED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ChildQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        verbose_name_plural = "children"
        indexes = [models.Index(fields=["last_name", "first_name"])]

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

    def clean(self) -> None:
        self.upn = self.upn.strip().upper()
        self.nhs_number = self.nhs_number.replace(" ", "")
        errors: dict[str, list[str]] = {}
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
        if errors:
            raise ValidationError(errors)


auditlog.register(Child)
