from functools import cached_property

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone

from wirral_cp.dates import day_time


class Role(models.TextChoices):
    """Roles are Django groups with these names; a user may hold more than one."""

    SOCIAL_WORKER = "Social worker"
    TEAM_MANAGER = "Team manager"
    IRO = "IRO"
    BUSINESS_SUPPORT = "Business support"
    SENIOR_MANAGER = "Senior manager"
    ADMINISTRATOR = "Administrator"


class TeamQuerySet(models.QuerySet["Team"]):
    def family_help(self) -> "TeamQuerySet":
        """The teams a child can be sent to for Family Help: those marked so; every team
        while an authority has marked none (so that nothing waits on the set-up)."""
        marked = self.filter(family_help=True)
        return marked if marked.exists() else self.all()

    def social_care(self) -> "TeamQuerySet":
        """The teams a child can be stepped up to: every team not marked Family Help."""
        return self.exclude(family_help=True)


class Team(models.Model):
    name = models.CharField(max_length=100, unique=True)
    managers = models.ManyToManyField("accounts.User", related_name="managed_teams", blank=True)
    front_door = models.BooleanField(
        "the front door (MASH, duty)",
        default=False,
        help_text="Its social workers may chair strategy discussions, as team managers may.",
    )
    family_help = models.BooleanField(
        "a Family Help (early help) team",
        default=False,
        help_text="Offered when a contact is decided Family Help or a child is stepped down.",
    )
    # How a partner agency reaches the team (the partner API names the allocated team's).
    contact_phone = models.CharField("contact telephone", max_length=40, blank=True)
    contact_email = models.EmailField("contact email", blank=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    job_title = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["last_name", "first_name", "username"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @cached_property
    def roles(self) -> frozenset[str]:
        if not self.is_authenticated or not self.pk:
            return frozenset()
        return frozenset(self.groups.values_list("name", flat=True))

    def has_role(self, *roles: str) -> bool:
        return any(role in self.roles for role in roles)

    @property
    def is_social_worker(self) -> bool:
        return self.has_role(Role.SOCIAL_WORKER)

    @property
    def is_team_manager(self) -> bool:
        return self.has_role(Role.TEAM_MANAGER)

    @property
    def is_iro(self) -> bool:
        return self.has_role(Role.IRO)

    @property
    def is_business_support(self) -> bool:
        return self.has_role(Role.BUSINESS_SUPPORT)

    @property
    def is_senior_manager(self) -> bool:
        return self.has_role(Role.SENIOR_MANAGER)

    @property
    def is_administrator(self) -> bool:
        return self.has_role(Role.ADMINISTRATOR)

    @cached_property
    def managed_team_ids(self) -> frozenset[int]:
        if not self.pk:
            return frozenset()
        return frozenset(self.managed_teams.values_list("pk", flat=True))


class FormSubmission(models.Model):
    """A form's one-use token, spent by the first POST that carries it.

    Every form that makes or changes a record carries a token drawn when the page was shown
    (`{% form_token %}`). A double click, a resubmitted page or a retried request sends the same
    token again: `accounts.middleware.OnceOnlyMiddleware` answers it with the first submission's
    result instead of doing the work twice.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    token = models.CharField(max_length=64)
    path = models.CharField(max_length=300)
    # Where the first submission's response sent the user; empty while it is in progress, or
    # when it did not redirect (the form came back with a message).
    location = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "token"], name="one_submission_per_form_token")
        ]
        indexes = [models.Index(fields=["created_at"])]

    def __str__(self) -> str:
        return f"Form sent by {self.user_id} to {self.path}"


class EnrolmentCodeQuerySet(models.QuerySet["EnrolmentCode"]):
    def usable(self) -> "EnrolmentCodeQuerySet":
        """Codes that may still be entered: not used, not cancelled, not expired."""
        return self.filter(used_at=None, cancelled_at=None, expires_at__gt=timezone.now())


class EnrolmentCode(models.Model):
    """A one-time code an administrator gives a user (in person, by phone) so they can set up
    their first authenticator app: the password alone must not be enough to enrol.

    Only a hash of the code is stored; the code itself is shown once, to the administrator.
    """

    MAX_ATTEMPTS = 5

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="enrolment_codes")
    code_hash = models.CharField(max_length=128)
    created_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)

    objects = EnrolmentCodeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Enrolment code for {self.user} ({day_time(self.created_at)})"

    @property
    def is_usable(self) -> bool:
        return (
            self.used_at is None and self.cancelled_at is None and self.expires_at > timezone.now()
        )
