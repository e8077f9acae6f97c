"""Writes to referrals (CIN episodes), assessments and child in need plans that need more than
`record_save`.

Each is atomic and goes through `record_save` (full_clean, optimistic lock, audit actor).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.formats import date_format

from accounts.models import User

from .codes.closure_reason import ClosureReason
from .models import Assessment, Child, CINPlan, Referral
from .services import record_save


def _day(d: date) -> str:
    return date_format(d, "j M Y")


def _check_no_overlap(referral: Referral) -> None:
    """CIN episodes of one child may not overlap: only one is open at a time, and a referral
    cannot be received inside another episode (an episode may start the day another closed)."""
    others = Referral.objects.filter(child_id=referral.child_id).exclude(pk=referral.pk)
    if referral.closure_date is None:
        current = others.open().first()
        if current is not None:
            raise ValidationError(
                "This child already has an open episode (referral received "
                f"{_day(current.referral_date)}). Close it before recording a new referral."
            )
    start = referral.referral_date
    end = referral.closure_date
    for other in others:
        other_end = other.closure_date
        overlaps = (other_end is None or start < other_end) and (
            end is None or other.referral_date < end
        )
        if overlaps:
            closed = f" to {_day(other_end)}" if other_end else ""
            raise ValidationError(
                {
                    "received_at": "This date falls within another episode for this child "
                    f"({_day(other.referral_date)}{closed}). Episodes cannot overlap."
                }
            )


@transaction.atomic
def referral_create(*, referral: Referral, user: User) -> Referral:
    """Record a new referral (a new CIN episode), refusing it while another episode is open."""
    # Lock the child so two referrals recorded at the same moment cannot both pass the check.
    Child.objects.select_for_update().filter(pk=referral.child_id).exists()
    _check_no_overlap(referral)
    referral.created_by = user
    return record_save(instance=referral, user=user)


@transaction.atomic
def referral_update(
    *, referral: Referral, user: User, expected_version: int | None = None
) -> Referral:
    """Save changes to a referral's details, keeping the child's episodes from overlapping."""
    Child.objects.select_for_update().filter(pk=referral.child_id).exists()
    _check_no_overlap(referral)
    return record_save(instance=referral, user=user, expected_version=expected_version)


@transaction.atomic
def referral_close(
    *, referral: Referral, user: User, expected_version: int | None = None
) -> Referral:
    """Close the episode. RC9 (closed after assessment, referred to early help) is a step-down
    to early help by definition. Census rules 8867 and 8565: every assessment in the episode
    is authorised, and none started or was authorised after the closure date. The child is
    locked, as when a child in need plan starts, so that a plan cannot start in an episode
    while it closes (each check would miss the other's change)."""
    Child.objects.select_for_update().filter(pk=referral.child_id).exists()
    if referral.closure_reason == ClosureReason.RC9:
        referral.stepped_down_to_early_help = True
    errors: list[str] = []
    for assessment in referral.assessments.all():
        started = _day(assessment.start_date)
        if assessment.authorised_date is None:
            errors.append(
                f"The assessment started {started} has not been authorised: a manager must "
                "authorise it before the episode closes."
            )
        elif referral.closure_date and assessment.authorised_date > referral.closure_date:
            errors.append(
                f"The assessment started {started} was authorised after this closure date."
            )
        if referral.closure_date and assessment.start_date > referral.closure_date:
            errors.append(f"The assessment started {started}, after this closure date.")
    if errors:
        raise ValidationError({"closure_date": errors})
    _check_no_overlap(referral)
    return record_save(instance=referral, user=user, expected_version=expected_version)


@transaction.atomic
def assessment_authorise(
    *,
    assessment: Assessment,
    user: User,
    authorised_date: date,
    expected_version: int | None = None,
) -> Assessment:
    """A manager signs off the completed assessment: the date and who authorised it."""
    closure = assessment.referral.closure_date
    if closure and authorised_date > closure:
        raise ValidationError(
            {
                "authorised_date": "The assessment cannot be authorised after its episode "
                f"closed ({_day(closure)})."
            }
        )
    assessment.authorised_date = authorised_date
    assessment.authorised_by = user
    return record_save(instance=assessment, user=user, expected_version=expected_version)


@transaction.atomic
def cin_plan_save(*, plan: CINPlan, user: User, expected_version: int | None = None) -> CINPlan:
    """Start, change or end a child in need plan.

    The plan's own validation (CINPlan.clean) keeps it inside its episode and clear of the
    child's other plans; the child is locked first so that two people starting or changing the
    same child's plans at the same moment are checked one after the other.
    """
    Child.objects.select_for_update().filter(pk=plan.child_id).exists()
    return record_save(instance=plan, user=user, expected_version=expected_version)
