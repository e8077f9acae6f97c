"""Optimistic locking: two people editing the same record cannot silently overwrite each other.

Every editable case record carries a `version`. Edit forms send back the version they were
based on; `save_with_version` saves only if the row still has that version, inside the
caller's transaction, and bumps it. A stale save raises `StaleEditError`, which views turn
into a message on the form (the user's input is kept, nothing is lost).

Hand-written rather than django-concurrency: it is twenty lines, works with our services'
`full_clean()` + explicit save, and needs no monkey-patching of model save().
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F


class StaleEditError(ValidationError):
    def __init__(self) -> None:
        super().__init__(
            "Someone else saved this record after you opened it. Your changes have not been "
            "saved: reload the page to see their changes, then make yours again.",
            code="stale",
        )


class MissingVersionError(ValidationError):
    """An edit that does not say which version it started from: saving it could silently
    overwrite someone else's newer edit, so it is refused like a stale one."""

    def __init__(self) -> None:
        super().__init__(
            "This page did not say which version of the record you started from, so your "
            "changes have not been saved: they could overwrite someone else's. Reload the page "
            "and make your changes again.",
            code="no_version",
        )


class VersionedModel(models.Model):
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True


def save_with_version(obj: VersionedModel, *, expected_version: int | None) -> None:
    """Save `obj` if nobody else saved it since `expected_version`; bump its version.

    `None` means "the version `obj` holds", for services that read the row themselves; an edit
    form never passes it (the forms refuse an edit without a version, MissingVersionError).
    """
    model = type(obj)
    if obj.pk is None:
        obj.save()
        return
    if expected_version is None:
        expected_version = obj.version
    updated = model._default_manager.filter(pk=obj.pk, version=expected_version).update(
        version=F("version") + 1
    )
    if not updated:
        raise StaleEditError()
    obj.version = expected_version + 1
    obj.save()
