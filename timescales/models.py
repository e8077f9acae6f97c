from typing import Any

from django.core.cache import cache
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


class LocalPolicy(models.Model):
    """Local timescales and thresholds, set by an administrator. National ones live in code.

    One row (pk=1); `LocalPolicy.current()` returns it, created with the defaults on first use.
    """

    first_core_group_working_days = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="First core group within this many working days of the ICPC.",
    )
    core_group_interval_weeks = models.PositiveSmallIntegerField(
        default=6,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Core groups at most this many weeks apart.",
    )
    statutory_visit_working_days = models.PositiveSmallIntegerField(
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Statutory visits to a child on a plan at most this many working days apart.",
    )
    oversight_weeks = models.PositiveSmallIntegerField(
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text="Management oversight of a child on a plan at least this often (weeks).",
    )
    minutes_working_days = models.PositiveSmallIntegerField(
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="Conference minutes distributed within this many working days.",
    )
    iro_caseload_warning = models.PositiveSmallIntegerField(
        default=70,
        validators=[MinValueValidator(1)],
        help_text="Warn when an IRO chairs conferences for more children than this.",
    )
    post_birth_review_working_days = models.PositiveSmallIntegerField(
        default=20,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text="A child on a plan made before birth: a review conference within this many "
        "working days of the birth.",
    )
    reports_in_advance_working_days = models.PositiveSmallIntegerField(
        default=2,
        validators=[MinValueValidator(0), MaxValueValidator(15)],
        help_text="Reports count as shared with parents in advance when shared at least this "
        "many working days before the conference.",
    )
    # Multi-agency (MASH) checks: how many clock hours a partner agency has to answer, by the
    # urgency the front door gave the check (red: immediate risk).
    check_red_hours = models.PositiveSmallIntegerField(
        "red checks answered within (hours)",
        default=4,
        validators=[MinValueValidator(1), MaxValueValidator(72)],
        help_text="A red (urgent) multi-agency check is answered within this many hours.",
    )
    check_amber_hours = models.PositiveSmallIntegerField(
        "amber checks answered within (hours)",
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(168)],
        help_text="An amber multi-agency check is answered within this many hours.",
    )
    check_green_hours = models.PositiveSmallIntegerField(
        "green checks answered within (hours)",
        default=72,
        validators=[MinValueValidator(1), MaxValueValidator(336)],
        help_text="A green multi-agency check is answered within this many hours.",
    )
    family_help_review_weeks = models.PositiveSmallIntegerField(
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(26)],
        help_text="A Family Help plan is reviewed at most this many weeks after it starts, and "
        "after each review.",
    )
    due_soon_working_days = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(0), MaxValueValidator(20)],
        help_text="Warn this many working days before something falls due.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    CACHE_KEY = "timescales.local_policy"

    class Meta:
        verbose_name = "local timescale policy"
        verbose_name_plural = "local timescale policy"

    def __str__(self) -> str:
        return "Local timescale policy"

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.pk = 1  # a single row
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)

    @classmethod
    def current(cls) -> "LocalPolicy":
        policy: LocalPolicy | None = cache.get(cls.CACHE_KEY)
        if policy is None:
            policy, _ = cls.objects.get_or_create(pk=1)
            cache.set(cls.CACHE_KEY, policy, 60)
        return policy
