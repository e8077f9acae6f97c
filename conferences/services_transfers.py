"""Ending a child protection plan other than at a review, and moves between authorities.

A plan ends outside a review when the child reaches 18, dies, moves permanently to another
authority (on the day the receiving authority's transfer-in conference is held), leaves the
country or becomes looked after. Each is recorded with its date and what happened, ends the
plan, cancels the reviews still to come and, where the authority's involvement ends with it,
closes the episode with the census reason for closure (the CIN census has no reason code of its
own for the end of a plan). The episode's closure is checked by the rules every closure obeys
(`Referral.clean`, `referral_close`), so nothing here restates them.

A child on another authority's plan who moves here is recorded as a transfer-in notification:
it asks for the transfer-in conference with its target date; holding it is recorded as any
initial conference's outcome is (`conference_record_outcome`), and a plan made there counts
the other authority's plan among the child's previous plans.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.actor import acting_as
from accounts.models import User
from cases.models import Child, Referral
from cases.services_episodes import referral_close
from timescales import rules as timescales
from wirral_cp.concurrency import save_with_version
from wirral_cp.dates import day

from . import events
from .models import (
    END_REASON_EPISODE_CLOSURE,
    ChildProtectionPlan,
    Conference,
    ConferenceDecision,
    ConferenceStatus,
    ConferenceType,
    PlanEndReason,
    TransferIn,
    TransferOut,
    end_next_step,
)
from .services import conference_record_outcome, plan_snapshot

STILL_TO_COME = (ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED, ConferenceStatus.ADJOURNED)


def _day(d: date) -> str:
    return f"{day(d)}"


@transaction.atomic
def plan_end_outside_review(
    *,
    plan: ChildProtectionPlan,
    user: User,
    reason: str,
    end_date: date,
    details: str,
    closure_reason: str = "",
    expected_version: int | None = None,
) -> ChildProtectionPlan:
    """End the plan on `end_date` for `reason` (a PlanEndReason), closing the episode with the
    census reason where the reason says it closes (END_REASON_EPISODE_CLOSURE)."""
    child = Child.objects.select_for_update().get(pk=plan.child_id)
    current = ChildProtectionPlan.objects.select_for_update().get(pk=plan.pk)
    if not current.is_open:
        raise ValidationError("This plan has already ended.")
    errors: dict[str, str] = {}
    if reason not in PlanEndReason.values:
        raise ValidationError({"reason": "Choose why the plan ended."})
    allowed = END_REASON_EPISODE_CLOSURE[reason]
    if allowed and not closure_reason:
        closure_reason = allowed[0]
    if closure_reason and closure_reason not in allowed:
        errors["closure_reason"] = (
            "That reason for closing the episode does not fit why the plan ended"
            + (f": choose {' or '.join(allowed)}." if allowed else ": the episode stays open.")
        )
    if not (details or "").strip():
        errors["details"] = "Say what happened and how you know."
    if end_date > timezone.localdate():
        errors["end_date"] = "The plan cannot end in the future: record it on the day."
    elif reason == PlanEndReason.REACHED_18:
        if child.date_of_birth is None:
            errors["end_date"] = "The child's date of birth is not recorded: add it first."
        elif end_date < timescales.eighteenth_birthday(child.date_of_birth):
            errors["end_date"] = (
                "The child is not 18 until "
                f"{_day(timescales.eighteenth_birthday(child.date_of_birth))}."
            )
    elif reason == PlanEndReason.DIED:
        if child.date_of_death and child.date_of_death != end_date:
            errors["end_date"] = (
                f"The child's record says they died on {_day(child.date_of_death)}: the plan "
                "ends that day."
            )
        elif child.date_of_birth and end_date < child.date_of_birth:
            errors["end_date"] = "The date of death cannot be before the date of birth."
    if errors:
        raise ValidationError(errors)

    with acting_as(user):
        if reason == PlanEndReason.DIED and child.date_of_death is None:
            # Only the date of death is written (checked above): a record still missing
            # something asked for at entry (a UPN, say) must not stop a death being recorded.
            child.date_of_death = end_date
            save_with_version(child, expected_version=None)
        plan.end_date = end_date
        plan.end_reason = reason
        plan.end_reason_details = details.strip()
        plan.end_next_step = end_next_step(reason, closure_reason)
        plan.ended_by = user
        plan.full_clean()
        save_with_version(plan, expected_version=expected_version)
        label = PlanEndReason(reason).label.lower()
        plan_snapshot(plan=plan, user=user, reason=f"Plan ended on {_day(end_date)}: {label}")
        plan.conferences.filter(
            conference_type=ConferenceType.REVIEW, status__in=STILL_TO_COME
        ).update(
            status=ConferenceStatus.CANCELLED,
            cancelled_reason=f"The plan ended on {_day(end_date)}: {label}.",
        )
        if closure_reason:
            _close_episode(child, end_date, closure_reason, user)
    events.announce(events.PLAN_ENDED, events.plan_facts(plan))
    return plan


def _close_episode(child: Child, day: date, closure_reason: str, user: User) -> None:
    """Close the child's open episode on the day the plan ended. Whatever else in it is still
    open (an enquiry, an unauthorised assessment) refuses the closure, and so the ending."""
    episode = Referral.objects.filter(child=child, closure_date__isnull=True).first()
    if episode is None:
        return
    episode.closure_date = day
    episode.closure_reason = closure_reason
    try:
        referral_close(referral=episode, user=user, expected_version=episode.version)
    except ValidationError as error:
        where = f"The episode (referral of {_day(episode.referral_date)}) cannot close that day"
        raise ValidationError([f"{where}: {m}" for m in error.messages]) from error


# --- Moving in ----------------------------------------------------------------------------------


def pending_transfer_in(child: Child) -> TransferIn | None:
    """A notification whose transfer-in conference has not been held or cancelled."""
    return (
        TransferIn.objects.filter(child=child, conference__status__in=STILL_TO_COME)
        .select_related("conference")
        .first()
    )


@transaction.atomic
def transfer_in_record(*, transfer: TransferIn, user: User) -> TransferIn:
    """Record that another authority told us a child on its plan moved here, and ask for the
    transfer-in conference, due within 15 working days of the notification (stored on it)."""
    child = Child.objects.select_for_update().get(pk=transfer.child_id)
    if ChildProtectionPlan.objects.filter(child=child, end_date__isnull=True).exists():
        raise ValidationError("The child already has a child protection plan here.")
    if pending_transfer_in(child) is not None:
        raise ValidationError(
            "A transfer-in conference has already been asked for: arrange or hold that one."
        )
    notified = transfer.notified_on
    episode = Referral.objects.filter(child=child, closure_date__isnull=True).first()
    if episode is None:
        raise ValidationError(
            "The child has no open episode here. Record the referral first (source 5C, "
            "another local authority's children's social care), then the notification."
        )
    if notified and episode.referral_date > notified:
        raise ValidationError(
            {
                "notified_on": "The child's open episode starts on "
                f"{_day(episode.referral_date)}, after this date: the notification is the "
                "referral, or part of it."
            }
        )
    transfer.referral = episode
    transfer.recorded_by = user
    with acting_as(user):
        conference = Conference(
            child=child,
            conference_type=ConferenceType.TRANSFER_IN,
            status=ConferenceStatus.REQUESTED,
            target_date=timescales.transfer_in_conference_due(notified),
            requested_by=user,
        )
        transfer.full_clean(exclude=["conference"])
        conference.full_clean()
        conference.save()
        transfer.conference = conference
        transfer.full_clean()
        transfer.save()
    return transfer


@transaction.atomic
def transfer_in_hold(
    *, conference: Conference, user: User, expected_version: int | None
) -> Conference:
    """The chair records the transfer-in conference as any initial conference (the outcome
    path starts the plan). The other authority's plan is one of the child's previous plans."""
    conference = conference_record_outcome(
        conference=conference, user=user, expected_version=expected_version
    )
    plan = conference.plan
    if conference.decision == ConferenceDecision.PLAN and plan is not None:
        here_before = ChildProtectionPlan.objects.filter(
            child_id=plan.child_id, start_date__lt=plan.start_date
        ).count()
        plan.number_of_previous_plans = here_before + 1
        with acting_as(user):
            plan.full_clean()
            plan.save(update_fields=["number_of_previous_plans"])
    return conference


# --- Moving out ---------------------------------------------------------------------------------


def pending_transfer_out(plan: ChildProtectionPlan) -> TransferOut | None:
    return plan.transfers_out.filter(receiving_conference_held=False).first()


@transaction.atomic
def transfer_out_record(
    *, transfer: TransferOut, user: User, expected_version: int | None = None
) -> TransferOut:
    """Record (or complete) a move to another authority. Once the receiving authority's
    transfer-in conference has been held the plan here ends that day (the census reason RC5,
    "transferred to services of another local authority", closes the episode)."""
    plan = ChildProtectionPlan.objects.select_for_update().get(pk=transfer.plan_id)
    if not plan.is_open:
        raise ValidationError("The plan has ended: there is nothing to transfer.")
    transfer.child_id = plan.child_id
    if transfer.recorded_by_id is None:
        transfer.recorded_by = user
    with acting_as(user):
        transfer.full_clean()
        save_with_version(transfer, expected_version=expected_version)
    if transfer.receiving_conference_held and transfer.receiving_conference_on:
        plan_end_outside_review(
            plan=plan,
            user=user,
            reason=PlanEndReason.MOVED,
            end_date=transfer.receiving_conference_on,
            details=(
                f"Moved to {transfer.to_authority} on {_day(transfer.moved_on)}; their "
                f"transfer-in conference was held on {_day(transfer.receiving_conference_on)}."
            ),
        )
    return transfer
