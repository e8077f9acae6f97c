"""Local targets for the dashboard's figures, set by an administrator."""

from django.core.exceptions import ValidationError
from django.db import models


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better (met when at or above the target)"
    LOWER = "lower", "Lower is better (met when at or below the target)"


class Status(models.TextChoices):
    MET = "met", "Met"
    NEAR = "near", "Near"
    NOT_MET = "not_met", "Not met"


class FigureTarget(models.Model):
    """The authority's own target for one figure (`dashboards.figures.FIGURES`): the card shows
    the figure against it, with its status in words and colour (`status`)."""

    figure = models.CharField(
        max_length=60, unique=True, help_text="The figure this target is for."
    )
    target = models.DecimalField(
        max_digits=7,
        decimal_places=1,
        help_text="For a percentage, the percentage (for example 90); for a count, the number.",
    )
    direction = models.CharField(max_length=6, choices=Direction.choices, default=Direction.HIGHER)
    near_margin = models.DecimalField(
        max_digits=6,
        decimal_places=1,
        default=5,
        help_text="How far short of the target still counts as near (percentage points for a "
        "percentage).",
    )

    class Meta:
        ordering = ["figure"]

    def __str__(self) -> str:
        return f"{self.figure}: {self.target}"

    def clean(self) -> None:
        from .figures import FIGURES

        if self.figure not in FIGURES:
            raise ValidationError({"figure": "Choose one of the dashboard's figures."})
        declared = FIGURES[self.figure]
        if declared.is_share and not 0 <= self.target <= 100:
            raise ValidationError({"target": "A percentage target is between 0 and 100."})
        if self.target < 0:
            raise ValidationError({"target": "A target cannot be negative."})
        if self.near_margin < 0:
            raise ValidationError({"near_margin": "The margin cannot be negative."})

    def status(self, value: float | int | None) -> Status | None:
        """Met, near or not met; None when there is no figure to judge (nothing counted)."""
        if value is None:
            return None
        target, margin = float(self.target), float(self.near_margin)
        if self.direction == Direction.HIGHER:
            if value >= target:
                return Status.MET
            return Status.NEAR if value >= target - margin else Status.NOT_MET
        if value <= target:
            return Status.MET
        return Status.NEAR if value <= target + margin else Status.NOT_MET
