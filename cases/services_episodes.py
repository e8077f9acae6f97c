"""Writes to referrals (CIN episodes), assessments and child in need plans that need more than
`record_save`.

Each is atomic and goes through `record_save` (full_clean, optimistic lock, audit actor).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction

from accounts.models import User

from . import rules
from .codes.closure_reason import ClosureReason
from .models import Assessment, Child, CINPlan, Referral
from .services import record_save


def _refuse(errors: dict[str, list[str]] | dict[str, str]) -> None:
    """Raise what the rules in cases/rules.py found, by field, so the form shows it there."""
    found = {field: messages for field, messages in errors.items() if messages}
    if found:
        raise ValidationError(found)


def _check_episode(referral: Referral) -> None:
    """The rules on how the episode fits the child's other episodes and the child (cases/rules:
    one open episode, no overlap, not too long before birth)."""
    others = Referral.objects.filter(child_id=referral.child_id).exclude(pk=referral.pk)
    _refuse(rules.episode_clash(referral, others))
    _refuse({"received_at": rules.referral_before_birth(referral, referral.child)})


@transaction.atomic
def referral_create(*, referral: Referral, user: User) -> Referral:
    """Record a new referral (a new CIN episode), refusing it while another episode is open."""
    # Lock the child so two referrals recorded at the same moment cannot both pass the check.
    Child.objects.select_for_update().filter(pk=referral.child_id).exists()
    _check_episode(referral)
    referral.created_by = user
    return record_save(instance=referral, user=user)


@transaction.atomic
def referral_update(
    *, referral: Referral, user: User, expected_version: int | None = None
) -> Referral:
    """Save changes to a referral's details, keeping the child's episodes from overlapping."""
    Child.objects.select_for_update().filter(pk=referral.child_id).exists()
    _check_episode(referral)
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
    # The episode's records as they are now, and the child's other episodes.
    _refuse({"closure_date": rules.episode_closure(referral)})
    _check_episode(referral)
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
    assessment.authorised_date = authorised_date
    assessment.authorised_by = user
    _refuse(rules.assessment_in_episode(assessment, assessment.referral))
    return record_save(instance=assessment, user=user, expected_version=expected_version)


@transaction.atomic
def cin_plan_save(*, plan: CINPlan, user: User, expected_version: int | None = None) -> CINPlan:
    """Start, change or end a child in need plan.

    The rules in cases/rules.py keep it inside its episode and clear of the child's other
    plans (a protection plan through the check conferences registers); the child is locked
    first so that two people starting or changing the same child's plans at the same moment
    are checked one after the other.
    """
    Child.objects.select_for_update().filter(pk=plan.child_id).exists()
    _refuse(rules.cin_plan_problems(plan))
    return record_save(instance=plan, user=user, expected_version=expected_version)


@transaction.atomic
def assessment_save(
    *, assessment: Assessment, user: User, expected_version: int | None = None
) -> Assessment:
    """Start or change an assessment, inside its episode (cases/rules)."""
    _refuse(rules.assessment_in_episode(assessment, assessment.referral))
    return record_save(instance=assessment, user=user, expected_version=expected_version)
