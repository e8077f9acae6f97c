"""Code sets a person carries (the census values, so a child's record stores the same codes)."""

from django.db import models


class Sex(models.TextChoices):
    MALE = "M", "Male"
    FEMALE = "F", "Female"
    UNKNOWN = "U", "Not known / not stated"
