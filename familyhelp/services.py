"""Writes to Family Help records: each atomic, validated (`full_clean`), audited as the user,
and refused when someone else saved first (through `cases.services.record_save`)."""

from datetime import date, datetime, time
from typing import TypeVar

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Team, User
from cases import services_episodes
from cases.codes.closure_reason import ClosureReason
from cases.codes.referral_source import ReferralSource
from cases.models import Child, Referral
from cases.services import child_allocate, record_save
from frontdoor.models import Contact, ContactDecision
from wirral_cp.dates import day

from .models import (
    EarlyHelpAssessment,
    FamilyHelpPlan,
    FamilyHelpRequest,
    FamilyHelpReview,
    StepDown,
    StepUp,
    review_due_after,
)

# A hand-over to a Family Help team that waits for its acceptance.
_Handover = TypeVar("_Handover", StepDown, FamilyHelpRequest)


@transaction.atomic
def assessment_save(
    *, assessment: EarlyHelpAssessment, user: User, expected_version: int | None = None
) -> EarlyHelpAssessment:
    """Start, change or complete an early help assessment."""
    if assessment.recorded_by_id is None:
        assessment.recorded_by = user
    return record_save(instance=assessment, user=user, expected_version=expected_version)


def _next_review_due(plan: FamilyHelpPlan) -> date | None:
    if not plan.is_open:
        return None
    last = plan.reviews.order_by("-review_date").values_list("review_date", flat=True).first()
    return review_due_after(last or plan.start_date)


@transaction.atomic
def plan_save(
    *, plan: FamilyHelpPlan, user: User, expected_version: int | None = None
) -> FamilyHelpPlan:
    """Start, change or end a Family Help plan; its next review's due date is stored now
    (from its start, or its last review; none once it has ended). One open plan at a time."""
    Child.objects.select_for_update().filter(pk=plan.child_id).exists()
    if (
        plan.is_open
        and FamilyHelpPlan.objects.filter(child_id=plan.child_id, end_date__isnull=True)
        .exclude(pk=plan.pk)
        .exists()
    ):
        raise ValidationError(
            {"start_date": "This child already has an open Family Help plan: end it first."}
        )
    if plan.recorded_by_id is None:
        plan.recorded_by = user
    plan.next_review_due = _next_review_due(plan) if plan.pk else review_due_after(plan.start_date)
    if not plan.is_open:
        plan.next_review_due = None
    return record_save(instance=plan, user=user, expected_version=expected_version)


@transaction.atomic
def review_record(
    *, plan: FamilyHelpPlan, user: User, review_date: date, notes: str = ""
) -> FamilyHelpReview:
    """Record a review of the plan: the review keeps the date it was due by and whether it was
    held by then; the plan's next review is due the local interval after this one."""
    plan = FamilyHelpPlan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_open:
        raise ValidationError({"review_date": "This plan has ended: it is not reviewed again."})
    due = plan.next_review_due
    review = FamilyHelpReview(
        plan=plan,
        review_date=review_date,
        due_date=due,
        in_time=None if due is None else review_date <= due,
        notes=notes,
        recorded_by=user,
    )
    record_save(instance=review, user=user)
    latest = max(plan.reviews.values_list("review_date", flat=True))
    plan.next_review_due = review_due_after(latest)
    record_save(instance=plan, user=user)
    return review


@transaction.atomic
def _refuse_unless_family_help(team_id: int, field: str) -> None:
    if not Team.objects.family_help().filter(pk=team_id).exists():
        raise ValidationError({field: "Choose a Family Help team: this team is not one."})


def step_down_agree(
    *,
    referral: Referral,
    user: User,
    closure_date: date,
    closure_reason: str,
    to_team: Team,
    reason: str,
    expected_version: int | None = None,
) -> StepDown:
    """A manager closes the social care episode with the child stepped down to Family Help.

    The episode closes through the cases service for closing episodes (its checks: every
    assessment authorised, no plan or enquiry open), marked as a step-down to early help; the
    step-down then waits for the receiving Family Help team to accept it."""
    if hasattr(referral, "family_help_step_down"):
        raise ValidationError("This episode has already been stepped down to Family Help.")
    _refuse_unless_family_help(to_team.pk, "to_team")
    referral.closure_date = closure_date
    referral.closure_reason = closure_reason
    referral.stepped_down_to_early_help = True
    services_episodes.referral_close(
        referral=referral, user=user, expected_version=expected_version
    )
    step_down = StepDown(
        child=referral.child, referral=referral, to_team=to_team, reason=reason, agreed_by=user
    )
    return record_save(instance=step_down, user=user)


@transaction.atomic
def step_down_accept(*, step_down: StepDown, user: User, accepted_on: date) -> StepDown:
    """The receiving Family Help team accepts the step-down on `accepted_on`: the child is
    allocated to it from that day."""
    step_down = StepDown.objects.select_for_update().select_related("referral").get(pk=step_down.pk)
    return _accept_and_allocate(
        step_down,
        "step-down",
        user=user,
        accepted_on=accepted_on,
        reason="Stepped down to Family Help",
    )


def _accept_and_allocate(
    item: _Handover, what: str, *, user: User, accepted_on: date, reason: str
) -> _Handover:
    """A pending step-down or front-door request (locked by the caller) accepted on
    `accepted_on` by the receiving team: the child is allocated to it from that day."""
    if not item.is_pending:
        raise ValidationError(f"This {what} was already accepted on {day(item.accepted_on)}.")
    item.accepted_on = accepted_on
    item.accepted_by = user
    record_save(instance=item, user=user)
    child_allocate(
        child=Child.objects.get(pk=item.child_id),
        user=user,
        team=item.to_team,
        worker=None,
        start_date=accepted_on,
        reason=reason,
    )
    return item


@transaction.atomic
def step_up_request(
    *, child: Child, user: User, to_team: Team, reason: str, plan: FamilyHelpPlan | None = None
) -> StepUp:
    """A Family Help practitioner asks children's social care to take the child on."""
    if StepUp.objects.filter(child=child, accepted_on__isnull=True).exists():
        raise ValidationError("A step-up for this child is already waiting to be accepted.")
    step_up = StepUp(child=child, plan=plan, to_team=to_team, reason=reason, requested_by=user)
    return record_save(instance=step_up, user=user)


def _received_at(day: date) -> datetime:
    """The moment a referral accepted on `day` was received: now, when accepted today; else
    midday that day (the referral's date is what the census counts)."""
    if day == timezone.localdate():
        return timezone.now()
    return timezone.make_aware(datetime.combine(day, time(12, 0)))


@transaction.atomic
def step_up_accept(*, step_up: StepUp, user: User, accepted_on: date, primary_need: str) -> StepUp:
    """The receiving social care team accepts the step-up on `accepted_on`: the census referral
    is recorded through the cases service for referrals (received that day, source 5D, early
    help), the child is allocated to the team, and an open Family Help plan ends that day."""
    step_up = StepUp.objects.select_for_update().get(pk=step_up.pk)
    if not step_up.is_pending:
        raise ValidationError(f"This step-up was already accepted on {day(step_up.accepted_on)}.")
    step_up.accepted_on = accepted_on
    step_up.accepted_by = user
    step_up.full_clean()
    child = Child.objects.get(pk=step_up.child_id)
    referral = services_episodes.referral_create(
        referral=Referral(
            child=child,
            received_at=_received_at(accepted_on),
            source=ReferralSource.LA_EARLY_HELP,
            referrer_name=str(step_up.requested_by),
            reason=step_up.reason,
            primary_need=primary_need,
        ),
        user=user,
    )
    step_up.referral = referral
    record_save(instance=step_up, user=user)
    child_allocate(
        child=child,
        user=user,
        team=step_up.to_team,
        worker=None,
        start_date=accepted_on,
        reason="Stepped up from Family Help",
    )
    for plan in FamilyHelpPlan.objects.filter(child=child, end_date__isnull=True):
        plan.end_date = max(accepted_on, plan.start_date)
        plan.next_review_due = None
        record_save(instance=plan, user=user)
    return step_up


def request_from_contact(contact: Contact, user: User) -> FamilyHelpRequest | None:
    """Registered with `frontdoor.services.register_decision_listener`: a contact decided
    "Family Help" asks the team the front door chose to take the child on. Runs inside the
    decision's transaction, as the deciding user (audited as them); once per contact, so a
    second call returns the request already made."""
    if contact.decision != ContactDecision.FAMILY_HELP:
        return None
    existing = FamilyHelpRequest.objects.filter(contact_id=contact.pk).first()
    if existing is not None:
        return existing
    if contact.family_help_team_id is None:
        raise ValidationError(
            {"family_help_team": "Choose the Family Help team asked to take the child on."}
        )
    _refuse_unless_family_help(contact.family_help_team_id, "family_help_team")
    request = FamilyHelpRequest(
        child_id=contact.child_id,
        contact=contact,
        to_team_id=contact.family_help_team_id,
        reason=contact.decision_reason,
        requested_by=user,
        requested_at=contact.decided_at or timezone.now(),
    )
    return record_save(instance=request, user=user)


@transaction.atomic
def request_accept(
    *, request: FamilyHelpRequest, user: User, accepted_on: date
) -> FamilyHelpRequest:
    """The receiving Family Help team accepts the front door's request on `accepted_on`: the
    child is allocated to it from that day."""
    request = FamilyHelpRequest.objects.select_for_update().get(pk=request.pk)
    return _accept_and_allocate(
        request,
        "request",
        user=user,
        accepted_on=accepted_on,
        reason="Family Help, from the front door",
    )


STEP_DOWN_CLOSURE_REASONS = [
    (ClosureReason.RC9.value, ClosureReason.RC9.label),
    (ClosureReason.RC7.value, ClosureReason.RC7.label),
]
