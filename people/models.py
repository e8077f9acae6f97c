"""The person index: one record per person the authority knows, child or adult.

A child's record (`cases.Child`) is a person who is a subject of casework (`Child.person`).
Relationships are recorded once, between two people, and read from either side: "A is the
mother of B" is also "B is a child of A" (`Relationship.word_from`). Households say who lived
with whom, at which address, over which period.

This app sits below `cases` (it imports nothing of case records): who may see a person is
decided in `cases/access.py`, from the children the person is related to.
"""

from datetime import date

from auditlog.registry import auditlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from wirral_cp.concurrency import VersionedModel

from .codes import Sex
from .search_keys import name_keys, postcode_key
from .validators import validate_nhs_number


def normalised_name(first: str, last: str) -> tuple[str, str]:
    """Names compared for "the same person": case, spacing and surrounding blanks ignored."""
    return (" ".join(first.split()).casefold(), " ".join(last.split()).casefold())


class Person(VersionedModel):
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100)
    date_of_birth = models.DateField(null=True, blank=True)
    date_of_death = models.DateField(null=True, blank=True)
    is_deceased = models.BooleanField(default=False)
    sex = models.CharField(max_length=1, choices=Sex.choices, default=Sex.UNKNOWN)
    nhs_number = models.CharField(
        "NHS number", max_length=12, blank=True, validators=[validate_nhs_number]
    )
    languages = models.CharField(
        max_length=200, blank=True, help_text="The languages they speak, first language first."
    )
    interpreter_required = models.BooleanField(default=False)
    phone = models.CharField(max_length=30, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # "Known to us?": the names' phonetic keys (people.search_keys), kept with the names.
    first_name_key = models.CharField(max_length=60, blank=True, editable=False)
    last_name_key = models.CharField(max_length=60, blank=True, editable=False)

    class Meta:
        ordering = ["last_name", "first_name", "pk"]
        indexes = [
            models.Index(fields=["last_name", "first_name"], name="person_name"),
            models.Index(fields=["nhs_number"], name="person_nhs_number"),
            models.Index(fields=["last_name_key", "first_name_key"], name="person_name_key"),
            models.Index(fields=["date_of_birth"], name="person_date_of_birth"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args: object, **kwargs: object) -> None:
        # A derived index column, like a slug: written with the names it is derived from so
        # that no writer can forget it (bulk writers call name_keys themselves).
        for field, key in name_keys(self.first_name, self.last_name).items():
            setattr(self, field, key)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "first_name_key", "last_name_key"}  # type: ignore[misc]
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def deceased(self) -> bool:
        return self.is_deceased or self.date_of_death is not None

    def clean(self) -> None:
        self.nhs_number = self.nhs_number.replace(" ", "")
        errors: dict[str, str] = {}
        today = timezone.localdate()
        if self.date_of_birth and self.date_of_birth > today:
            errors["date_of_birth"] = "The date of birth cannot be in the future."
        if self.date_of_death:
            if self.date_of_death > today:
                errors["date_of_death"] = "The date of death cannot be in the future."
            elif self.date_of_birth and self.date_of_death < self.date_of_birth:
                errors["date_of_death"] = "The date of death cannot be before the date of birth."
        if errors:
            raise ValidationError(errors)


class NameKind(models.TextChoices):
    KNOWN_AS = "known_as", "Known as"
    PREVIOUS = "previous", "Previous name"
    ALIAS = "alias", "Alias"
    BIRTH = "birth", "Name at birth"


class PersonName(models.Model):
    """Another name a person has or had: known as, a previous name, an alias."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="other_names")
    kind = models.CharField(max_length=10, choices=NameKind.choices, default=NameKind.ALIAS)
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    first_name_key = models.CharField(max_length=60, blank=True, editable=False)
    last_name_key = models.CharField(max_length=60, blank=True, editable=False)

    class Meta:
        ordering = ["person", "kind", "pk"]
        indexes = [
            models.Index(fields=["last_name_key", "first_name_key"], name="person_other_name_key")
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def save(self, *args: object, **kwargs: object) -> None:
        for field, key in name_keys(self.first_name, self.last_name).items():
            setattr(self, field, key)
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class PersonAddress(models.Model):
    """Where a person lived, from when to when (either may be unknown)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="addresses")
    address = models.CharField(max_length=300)
    postcode = models.CharField(max_length=10, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    # The postcode as searched (capitals, no spaces), on an index.
    postcode_key = models.CharField(max_length=10, blank=True, editable=False)

    class Meta:
        ordering = ["person", "-start_date", "pk"]
        verbose_name_plural = "person addresses"
        indexes = [models.Index(fields=["postcode_key"], name="person_address_postcode")]

    def __str__(self) -> str:
        return self.address

    def save(self, *args: object, **kwargs: object) -> None:
        self.postcode_key = postcode_key(self.postcode)
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "An address cannot end before it starts."})


class Kind(models.TextChoices):
    """What `person` is to `relative`."""

    MOTHER = "mother", "Mother"
    FATHER = "father", "Father"
    PARENT = "parent", "Parent"
    STEP_PARENT = "step_parent", "Step-parent"
    PARENTS_PARTNER = "parents_partner", "Partner of parent"
    PARTNER = "partner", "Partner"
    SIBLING = "sibling", "Sibling (full)"
    HALF_SIBLING = "half_sibling", "Half-sibling"
    STEP_SIBLING = "step_sibling", "Step-sibling"
    GRANDPARENT = "grandparent", "Grandparent"
    AUNT_UNCLE = "aunt_uncle", "Aunt or uncle"
    COUSIN = "cousin", "Cousin"
    CARER = "carer", "Carer"
    FRIEND = "friend", "Family friend"
    PROFESSIONAL = "professional", "Professional"
    OTHER = "other", "Other"


PARENT_KINDS = frozenset({Kind.MOTHER, Kind.FATHER, Kind.PARENT})
# Read the same from either side.
SYMMETRIC_KINDS = frozenset(
    {
        Kind.PARTNER,
        Kind.SIBLING,
        Kind.HALF_SIBLING,
        Kind.STEP_SIBLING,
        Kind.COUSIN,
        Kind.FRIEND,
        Kind.OTHER,
    }
)
# Related through one of the relative's parents (named on the relationship when known).
THROUGH_A_PARENT_KINDS = frozenset(
    {Kind.HALF_SIBLING, Kind.GRANDPARENT, Kind.AUNT_UNCLE, Kind.COUSIN}
)
# The reverse of a directed relationship, by the sex of the relative.
_REVERSE = {
    Kind.MOTHER: ("son", "daughter", "child"),
    Kind.FATHER: ("son", "daughter", "child"),
    Kind.PARENT: ("son", "daughter", "child"),
    Kind.STEP_PARENT: ("stepson", "stepdaughter", "stepchild"),
    Kind.PARENTS_PARTNER: ("partner's son", "partner's daughter", "partner's child"),
    Kind.GRANDPARENT: ("grandson", "granddaughter", "grandchild"),
    Kind.AUNT_UNCLE: ("nephew", "niece", "nephew or niece"),
    Kind.CARER: ("cared-for child", "cared-for child", "cared-for child"),
    Kind.PROFESSIONAL: ("client", "client", "client"),
}
PARTNERSHIP_STATUSES = [
    ("married", "Married or civil partners"),
    ("partners", "Living together / partners"),
    ("separated", "Separated"),
    ("divorced", "Divorced"),
]


class RelationshipQuerySet(models.QuerySet["Relationship"]):
    def involving(self, person_ids: list[int] | set[int]) -> "RelationshipQuerySet":
        return self.filter(Q(person_id__in=person_ids) | Q(relative_id__in=person_ids))

    def current(self, on: date | None = None) -> "RelationshipQuerySet":
        on = on or timezone.localdate()
        return self.filter(Q(end_date__isnull=True) | Q(end_date__gte=on))


class Relationship(VersionedModel):
    """`person` is `kind` of `relative` ("Jade is the mother of Ruby"), recorded once.

    The reverse is implied, never stored: Ruby is Jade's daughter. `through` names the
    relative's parent a half-sibling, grandparent, aunt, uncle or cousin is related through, so
    that every child of that parent shares them (one grandmother, on every grandchild's
    genogram). `parental_responsibility` is the person's towards the relative (a child).
    """

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships")
    relative = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="relationships_to")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    through = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="relationships_through",
        help_text="The relative's parent they are related through, where it applies.",
    )
    parental_responsibility = models.BooleanField(default=False)
    partnership_status = models.CharField(max_length=12, blank=True, choices=PARTNERSHIP_STATUSES)
    lives_with = models.BooleanField(
        "lives with them", default=False, help_text="As recorded on the family page."
    )
    involved_in_safety_plan = models.BooleanField(default=False)
    # Fathers and the wider family (issue 19 item 5): why a significant adult is not invited to
    # conferences and core groups, and a recorded reason they are not to be involved at all.
    not_invited_reason = models.CharField(
        "why they are not invited to conferences and core groups", max_length=300, blank=True
    )
    not_involved_reason = models.CharField(
        "why they are not to be involved",
        max_length=300,
        blank=True,
        help_text="For example a risk to the child or the other parent, recorded by a manager.",
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RelationshipQuerySet.as_manager()

    class Meta:
        ordering = ["relative", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(person=models.F("relative")), name="relationship_not_self"
            ),
            models.UniqueConstraint(
                fields=["person", "relative", "kind"], name="relationship_once"
            ),
        ]
        indexes = [
            models.Index(fields=["relative", "kind"], name="relationship_relative"),
            models.Index(fields=["through"], name="relationship_through"),
        ]

    def __str__(self) -> str:
        return f"{self.person} is {self.get_kind_display().lower()} of {self.relative}"

    def other(self, viewpoint_id: int) -> Person:
        return self.relative if self.person_id == viewpoint_id else self.person

    def word_from(self, viewpoint_id: int) -> str:
        """What the other person is to `viewpoint` ("Mother", "Daughter", "Sibling")."""
        if self.relative_id == viewpoint_id or self.kind in SYMMETRIC_KINDS:
            return self.get_kind_display()
        words = _REVERSE.get(Kind(self.kind))
        if words is None:
            return self.get_kind_display()
        sex = self.relative.sex
        word = words[0] if sex == Sex.MALE else words[1] if sex == Sex.FEMALE else words[2]
        return word[0].upper() + word[1:]

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.person_id and self.person_id == self.relative_id:
            errors["relative"] = "A person cannot be related to themselves."
        if self.through_id and self.kind not in THROUGH_A_PARENT_KINDS:
            errors["through"] = (
                "Only say which parent someone is related through for a half-sibling, "
                "grandparent, aunt, uncle or cousin."
            )
        if self.kind == Kind.PARTNER and not self.partnership_status:
            errors["partnership_status"] = "Say what kind of partnership this is."
        if self.start_date and self.end_date and self.end_date < self.start_date:
            errors["end_date"] = "A relationship cannot end before it starts."
        if errors:
            raise ValidationError(errors)


class Household(VersionedModel):
    """A household at an address over a period: who lived with whom (`HouseholdMember`)."""

    address = models.CharField(max_length=300, blank=True)
    postcode = models.CharField(max_length=10, blank=True)
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-start_date", "pk"]

    def __str__(self) -> str:
        return self.address or "Address not recorded"

    def clean(self) -> None:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": "A household cannot end before it starts."})


class HouseholdMemberQuerySet(models.QuerySet["HouseholdMember"]):
    def current(self, on: date | None = None) -> "HouseholdMemberQuerySet":
        on = on or timezone.localdate()
        return self.filter(
            (Q(end_date__isnull=True) | Q(end_date__gte=on))
            & (Q(start_date__isnull=True) | Q(start_date__lte=on))
            & (Q(household__end_date__isnull=True) | Q(household__end_date__gte=on))
        )


class HouseholdMember(models.Model):
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="households")
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    objects = HouseholdMemberQuerySet.as_manager()

    class Meta:
        ordering = ["household", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "person"],
                condition=Q(end_date__isnull=True),
                name="household_member_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} at {self.household}"


class Resolution(models.TextChoices):
    SAME = "same", "The same person"
    DIFFERENT = "different", "Different people"
    MERGED = "merged", "Merged into one record"


class PossibleSamePersonQuerySet(models.QuerySet["PossibleSamePerson"]):
    def open(self) -> "PossibleSamePersonQuerySet":
        return self.filter(resolved_at__isnull=True)

    def between(self, a: int, b: int) -> "PossibleSamePersonQuerySet":
        return self.filter(Q(first_id=a, second_id=b) | Q(first_id=b, second_id=a))


class PossibleSamePerson(models.Model):
    """Two person records that may be one person, with the signals that say so and their
    score (people.selectors.score). Found when a family entry is linked (same names, a date of
    birth missing), by the nightly duplicates job, or at registration (a worker saying why the
    child is someone else). Listed for a data officer; never merged automatically."""

    first = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=200)
    score = models.PositiveSmallIntegerField(default=0)
    found_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolution = models.CharField(max_length=10, blank=True, choices=Resolution.choices)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution_reason = models.TextField("why", blank=True)

    objects = PossibleSamePersonQuerySet.as_manager()

    class Meta:
        ordering = ["found_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="possible_same_pair_once")
        ]
        indexes = [
            models.Index(
                fields=["-score"], condition=Q(resolved_at__isnull=True), name="possible_same_open"
            )
        ]
        verbose_name_plural = "possible same people"
        permissions = [
            ("review_duplicates", "Can review the list of likely duplicate person records")
        ]

    def __str__(self) -> str:
        return f"{self.first} / {self.second}"


class PersonMerge(VersionedModel):
    """Two person records merged into one (`survivor`), by a manager, with a reason.

    Every row that pointed at the duplicate person (or the duplicate child's record) was moved
    to the survivor; each move is a `PersonMergeMove` (model, pk, field, old value) and the
    records the merge removed (the duplicate person and child, and rows that said the same as
    one of the survivor's) are kept here as serialized rows, so that `reversible_until` a
    manager can reverse it: the rows moved back, the duplicate restored with its own ids.
    """

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges")
    duplicate_id = models.PositiveIntegerField()
    duplicate_name = models.CharField(max_length=200)
    survivor_child_id = models.PositiveIntegerField(null=True, blank=True)
    duplicate_child_id = models.PositiveIntegerField(null=True, blank=True)
    reason = models.TextField()
    removed = models.JSONField(default=list, blank=True, editable=False)
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    merged_at = models.DateTimeField(default=timezone.now)
    reversible_until = models.DateTimeField()
    reversed_at = models.DateTimeField(null=True, blank=True)
    reversed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reversal_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-merged_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.duplicate_name} merged into {self.survivor}"

    def may_be_reversed(self, now: object = None) -> bool:
        return self.reversed_at is None and (now or timezone.now()) < self.reversible_until  # type: ignore[operator]


class PersonMergeMove(models.Model):
    """One row a merge moved: `model`'s row `object_pk` had `field` = `old_value`."""

    merge = models.ForeignKey(PersonMerge, on_delete=models.CASCADE, related_name="moves")
    model = models.CharField(max_length=100)
    object_pk = models.CharField(max_length=40)
    field = models.CharField(max_length=100)
    old_value = models.JSONField(null=True)
    new_value = models.JSONField(null=True)

    class Meta:
        ordering = ["merge", "pk"]

    def __str__(self) -> str:
        return f"{self.model} {self.object_pk}.{self.field}"


auditlog.register(Person)
auditlog.register(PersonName)
auditlog.register(PersonAddress)
auditlog.register(Relationship)
auditlog.register(Household)
auditlog.register(HouseholdMember)
auditlog.register(PossibleSamePerson)
auditlog.register(PersonMerge, exclude_fields=["removed"])
