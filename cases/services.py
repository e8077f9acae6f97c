"""Writes to the child's record. Each is atomic, validated with full_clean() and audited
(django-auditlog records the change; the actor comes from the request, or `as_actor`)."""

from collections.abc import Callable
from datetime import date
from typing import TypeVar

from django.db import transaction
from django.db.models import Model
from django.utils import timezone

from accounts.actor import acting_as
from accounts.models import Team, User
from wirral_cp.concurrency import StaleEditError, VersionedModel, save_with_version

from .models import (
    PRE_BIRTH_REFERRAL_DAYS,
    Allocation,
    CaseNote,
    CaseNoteVersion,
    Child,
    ChronologyEdit,
    Referral,
    Visit,
)

M = TypeVar("M", bound=Model)

# What else a visit changes, in apps above this one (a section 47 visit where the child was
# seen marks the enquiry "child seen"): they register from their AppConfig.ready and run in
# the visit's transaction, as the same user.
VisitListener = Callable[[Visit, User], object]
_visit_listeners: list[VisitListener] = []


def register_visit_listener(listener: VisitListener) -> VisitListener:
    if listener not in _visit_listeners:
        _visit_listeners.append(listener)
    return listener


@transaction.atomic
def visit_record(*, visit: Visit, user: User, expected_version: int | None = None) -> Visit:
    """Save a visit, and let the records it bears on hear of it."""
    if visit.recorded_by_id is None:
        visit.recorded_by = user
    record_save(instance=visit, user=user, expected_version=expected_version)
    with acting_as(user):
        for listener in _visit_listeners:
            listener(visit, user)
    return visit


@transaction.atomic
def record_save(*, instance: M, user: User, expected_version: int | None = None) -> M:
    """Validate and save one record, refusing a save over someone else's newer version."""
    with acting_as(user):
        instance.full_clean()
        if isinstance(instance, VersionedModel):
            save_with_version(instance, expected_version=expected_version)
        else:
            instance.save()
    return instance


@transaction.atomic
def child_create(
    *, child: Child, user: User, team: Team | None = None, worker: User | None = None
) -> Child:
    """Register a child, allocated to `team`/`worker` (by default the user's team and the user)."""
    team = team or user.team
    if worker is None and user.is_social_worker:
        worker = user
    child.allocated_team = team
    child.allocated_worker = worker
    with acting_as(user):
        child.full_clean()
        child.save()
        if team:
            Allocation.objects.create(
                child=child,
                team=team,
                worker=worker,
                start_date=timezone.localdate(),
                allocated_by=user,
                reason="Child registered",
            )
    return child


@transaction.atomic
def child_allocate(
    *,
    child: Child,
    user: User,
    team: Team,
    worker: User | None,
    start_date: date,
    reason: str = "",
    expected_version: int | None = None,
) -> Allocation:
    """Allocate the child to a team and worker from `start_date`, closing the current allocation."""
    from django.core.exceptions import ValidationError

    if worker is not None and worker.team_id != team.pk:
        raise ValidationError({"worker": f"{worker} is not a member of {team}."})
    if start_date > timezone.localdate():
        raise ValidationError({"start_date": "An allocation cannot start in the future."})
    current = Allocation.objects.select_for_update().filter(child=child, end_date__isnull=True)
    with acting_as(user):
        for allocation in current:
            if start_date < allocation.start_date:
                raise ValidationError(
                    {
                        "start_date": "The new allocation cannot start before the current one "
                        f"({allocation.start_date:%d/%m/%Y})."
                    }
                )
            allocation.end_date = start_date
            allocation.save(update_fields=["end_date"])
        child.allocated_team = team
        child.allocated_worker = worker
        save_with_version(child, expected_version=expected_version)
        return Allocation.objects.create(
            child=child,
            team=team,
            worker=worker,
            start_date=start_date,
            allocated_by=user,
            reason=reason,
        )


@transaction.atomic
def referral_decide(
    *,
    referral: Referral,
    user: User,
    decision: str,
    reason: str,
    expected_version: int | None = None,
) -> Referral:
    """Record the threshold decision on a referral, and who made it and when."""
    referral.decision = decision
    referral.decision_reason = reason
    referral.decided_by = user
    referral.decided_at = timezone.now()
    return record_save(instance=referral, user=user, expected_version=expected_version)


@transaction.atomic
def case_note_correct(
    *, note: CaseNote, user: User, reason: str, expected_version: int | None = None
) -> CaseNote:
    """Save a corrected note, keeping the text it replaces as a numbered earlier version.

    `note` carries the new values (from the form); the previous ones are read from the database.
    """
    previous = CaseNote.objects.select_for_update().get(pk=note.pk)
    number = previous.versions.count() + 1
    with acting_as(user):
        note.full_clean()
        save_with_version(note, expected_version=expected_version)
        CaseNoteVersion.objects.create(
            note=note,
            number=number,
            note_type=previous.note_type,
            event_date=previous.event_date,
            subject=previous.subject,
            text=previous.text,
            is_significant=previous.is_significant,
            written_by=previous.versions.first().replaced_by if number > 1 else previous.author,
            written_at=previous.updated_at,
            replaced_by=user,
            correction_reason=reason,
        )
    return note


@transaction.atomic
def chronology_describe(
    *, child: Child, user: User, source_key: str, description: str, was: str | None = None
) -> ChronologyEdit | None:
    """Give a chronology entry the worker's own short description, or (an empty description)
    go back to the system's wording.

    `was` is the description the worker changed ("" for the system's wording): if someone else
    has changed it since, nothing is saved (StaleEditError). The child is locked so that two
    first descriptions of the same entry are checked one after the other.
    """
    Child.objects.select_for_update().filter(pk=child.pk).exists()
    current = ChronologyEdit.objects.filter(child=child, source_key=source_key).first()
    if was is not None and (current.description if current else "") != was:
        raise StaleEditError()
    with acting_as(user):
        if not description:
            if current is not None:
                current.delete()  # the audit log keeps the wording that was removed
            return None
        edit, _ = ChronologyEdit.objects.update_or_create(
            child=child,
            source_key=source_key,
            defaults={"description": description, "edited_by": user},
        )
    return edit


@transaction.atomic
def child_restrict(*, child: Child, user: User, restricted: bool, people: list[User]) -> Child:
    """Restrict a child's record to named people, or lift the restriction."""
    from django.core.exceptions import ValidationError

    if restricted and not people:
        raise ValidationError(
            {"restricted_to": "Name at least one person who may open the restricted record."}
        )
    with acting_as(user):
        child.is_restricted = restricted
        child.save(update_fields=["is_restricted", "updated_at"])
        child.restricted_to.set(people if restricted else [])
    return child


@transaction.atomic
def child_birth_record(
    *,
    child: Child,
    user: User,
    date_of_birth: date,
    sex: str,
    ethnicity: str,
    first_name: str,
    last_name: str,
    known_as: str = "",
    expected_version: int | None = None,
) -> Child:
    """An unborn child is born: the same record becomes the born child's, with the real date of
    birth, sex and names. Everything recorded before the birth (referrals, enquiries, the
    pre-birth conference, the plan) stays with it; the expected date is kept
    (`birth_expected_on`) and the chronology says "Born on ...". The audit log has the change.
    """
    from django.core.exceptions import ValidationError

    locked = Child.objects.select_for_update().get(pk=child.pk)
    if not locked.is_unborn:
        raise ValidationError("The child's birth has already been recorded.")
    if expected_version is not None and locked.version != expected_version:
        raise StaleEditError()
    earliest = (
        Referral.objects.filter(child=locked).order_by("received_at").first()
        if date_of_birth
        else None
    )
    future = date_of_birth > timezone.localdate()  # full_clean says so below
    if (
        earliest
        and not future
        and (date_of_birth - earliest.referral_date).days > PRE_BIRTH_REFERRAL_DAYS
    ):
        raise ValidationError(
            {
                "date_of_birth": f"The referral of {earliest.referral_date:%d/%m/%Y} would be "
                "more than 40 weeks before this date of birth (census rule 8606). Check the "
                "date."
            }
        )
    locked.birth_expected_on = locked.expected_date_of_birth
    locked.expected_date_of_birth = None
    locked.date_of_birth = date_of_birth
    locked.sex = sex
    locked.ethnicity = ethnicity
    locked.first_name = first_name
    locked.last_name = last_name
    locked.known_as = known_as
    locked.birth_recorded_at = timezone.now()
    with acting_as(user):
        locked.full_clean()
        save_with_version(locked, expected_version=locked.version)
    return locked
