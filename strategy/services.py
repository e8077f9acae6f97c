"""Writes for strategy discussions and section 47 enquiries: atomic, validated, audited."""

from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.actor import acting_as
from accounts.models import User
from cases.models import Child, RecordSource, Visit, VisitType
from wirral_cp.concurrency import save_with_version

from . import rules
from .models import (
    S47Decision,
    S47Outcome,
    SafetyAction,
    Section47,
    StrategyDiscussion,
    StrategyParticipant,
    missing_agency_reason_errors,
)


@transaction.atomic
def strategy_discussion_record(
    *,
    discussion: StrategyDiscussion,
    participants: Sequence[dict],
    safety_actions: Sequence[dict],
    user: User,
    siblings: Sequence[Child] = (),
) -> list[StrategyDiscussion]:
    """Record a strategy discussion for the child and for each sibling discussed with them.

    Each child gets their own record (with the same participants, decisions and actions), linked
    by a shared sibling_group. A decision to start a section 47 enquiry starts one per child.
    """
    records = []
    _check_participation(discussion, participants)
    with acting_as(user):
        for child in [discussion.child, *siblings]:
            if child.pk == discussion.child_id:
                record = discussion
            else:
                referral = child.referrals.open().order_by("-received_at").first()
                if referral is None:
                    raise ValidationError(
                        f"{child.full_name} has no open referral: record the referral for them "
                        "first, or leave them out of this discussion."
                    )
                record = StrategyDiscussion(
                    **{
                        f.attname: getattr(discussion, f.attname)
                        for f in StrategyDiscussion._meta.concrete_fields
                        if f.attname
                        not in {
                            "id",
                            "child_id",
                            "referral_id",
                            "follows_enquiry_id",
                            "version",
                            "created_at",
                        }
                    }
                )
                record.child = child
                record.referral = referral
            record.created_by = user
            record.full_clean()
            record.save()
            _replace_children(record, participants, safety_actions)
            if record.s47_decision == S47Decision.START:
                section47_start(discussion=record, user=user)
            records.append(record)
    return records


@transaction.atomic
def strategy_discussion_update(
    *,
    discussion: StrategyDiscussion,
    participants: Sequence[dict],
    safety_actions: Sequence[dict],
    user: User,
    expected_version: int | None,
) -> StrategyDiscussion:
    _check_participation(discussion, participants)
    with acting_as(user):
        discussion.full_clean()
        save_with_version(discussion, expected_version=expected_version)
        _replace_children(discussion, participants, safety_actions)
        enquiry = getattr(discussion, "started_enquiry", None)
        if enquiry is not None and enquiry.start_date != discussion.held_date:
            # The enquiry starts on the day of its strategy discussion, whatever the edit.
            enquiry.start_date = discussion.held_date
            enquiry.full_clean()
            enquiry.save()
        if (
            enquiry is None
            and discussion.s47_decision == S47Decision.START
            and not discussion.follows_enquiry_id
        ):
            section47_start(discussion=discussion, user=user)
    return discussion


def _check_participation(discussion: StrategyDiscussion, participants: Sequence[dict]) -> None:
    """The discussion's own checks and, for entered records, the rule the form states: the
    reason an agency did not take part. All the problems at once."""
    errors: dict[str, list[str]] = {}
    try:
        discussion.full_clean()
    except ValidationError as error:
        errors.update(error.message_dict)
    if discussion.source_system != RecordSource.CENSUS_IMPORT:
        rule = missing_agency_reason_errors(
            ((p.get("agency", ""), p.get("participation", "")) for p in participants),
            discussion.missing_agency_reason,
        )
        for field, message in rule.items():
            errors.setdefault(field, []).append(message)
    if errors:
        raise ValidationError(errors)


def _replace_children(discussion, participants, safety_actions) -> None:
    discussion.participants.all().delete()
    discussion.safety_actions.all().delete()
    for data in participants:
        participant = StrategyParticipant(discussion=discussion, **data)
        participant.full_clean()
        participant.save()
    for data in safety_actions:
        action = SafetyAction(discussion=discussion, **data)
        action.full_clean()
        action.save()


@transaction.atomic
def section47_start(*, discussion: StrategyDiscussion, user: User) -> Section47:
    """Start a section 47 enquiry on the date of the strategy discussion that decided on it."""
    enquiry = Section47(
        child=discussion.child,
        referral=discussion.referral,
        strategy_discussion=discussion,
        start_date=discussion.held_date,
    )
    with acting_as(user):
        _check_enquiry(enquiry)
        enquiry.full_clean()
        try:
            with transaction.atomic():
                enquiry.save()
        except IntegrityError as error:
            # Another enquiry started at the same moment.
            raise ValidationError(rules.SECOND_OPEN_ENQUIRY) from error
    return enquiry


def _check_enquiry(enquiry: Section47) -> None:
    """How the enquiry fits its episode and the child's other enquiries (strategy/rules.py)."""
    errors = rules.enquiry_in_episode(enquiry, enquiry.referral, enquiry.strategy_discussion)
    if errors:
        raise ValidationError(errors)
    others = Section47.objects.filter(child_id=enquiry.child_id).exclude(pk=enquiry.pk)
    second = rules.second_open_enquiry(enquiry, others)
    if second:
        raise ValidationError(second)


@transaction.atomic
def section47_update(*, enquiry: Section47, user: User, expected_version: int | None) -> Section47:
    """Save the enquiry's progress and outcome. Changing the outcome withdraws any agreement."""
    previous = Section47.objects.get(pk=enquiry.pk)
    if previous.outcome != enquiry.outcome:
        enquiry.manager_agreed_by = None
        enquiry.manager_agreed_at = None
    with acting_as(user):
        _check_enquiry(enquiry)
        enquiry.full_clean()
        save_with_version(enquiry, expected_version=expected_version)
    return enquiry


@transaction.atomic
def section47_agree_no_icpc(*, enquiry: Section47, manager: User) -> Section47:
    """A team manager agrees that an ICPC is not required, on the recorded rationale."""
    if enquiry.outcome != S47Outcome.ICPC_NOT_REQUIRED:
        raise ValidationError("There is no 'ICPC not required' decision to agree.")
    if not enquiry.outcome_rationale.strip():
        raise ValidationError("The rationale must be recorded before a manager can agree it.")
    enquiry.manager_agreed_by = manager
    enquiry.manager_agreed_at = timezone.now()
    with acting_as(manager):
        enquiry.full_clean()
        save_with_version(enquiry, expected_version=enquiry.version)
    return enquiry


def section47_child_seen_from_visit(visit: Visit, user: User) -> Section47 | None:
    """Registered with `cases.services`: a section 47 visit where the child was seen marks the
    enquiry open on the visit's date "child seen" (the earliest such date; seen alone if any
    such visit saw the child alone)."""
    if visit.visit_type != VisitType.S47 or not visit.child_seen:
        return None
    enquiry = (
        Section47.objects.select_for_update()
        .filter(child_id=visit.child_id, start_date__lte=visit.visit_date)
        .filter(Q(completion_date__isnull=True) | Q(completion_date__gte=visit.visit_date))
        .order_by("-start_date", "-pk")
        .first()
    )
    if enquiry is None:
        return None
    changed = False
    if enquiry.child_seen_date is None or visit.visit_date < enquiry.child_seen_date:
        enquiry.child_seen_date = visit.visit_date
        changed = True
    if visit.seen_alone and not enquiry.child_seen_alone:
        enquiry.child_seen_alone = True
        changed = True
    if changed:
        with acting_as(user):
            enquiry.full_clean()
            save_with_version(enquiry, expected_version=enquiry.version)
    return enquiry


@transaction.atomic
def section47_record_icpc_without_child_seen(
    *, enquiry: Section47, manager: User, reason: str
) -> Section47:
    """A team manager records why an ICPC is requested before the child has been seen."""
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say why the conference is needed before the child has been seen."}
        )
    enquiry.unseen_icpc_reason = reason.strip()
    enquiry.unseen_icpc_agreed_by = manager
    enquiry.unseen_icpc_agreed_at = timezone.now()
    with acting_as(manager):
        enquiry.full_clean()
        save_with_version(enquiry, expected_version=enquiry.version)
    return enquiry
