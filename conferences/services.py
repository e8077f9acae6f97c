"""Writes for conferences, plans and core groups: atomic, validated, audited.

The plan's life: an initial conference that decides on a plan starts it on the conference date
and asks for the first review (3 months); a review that continues it asks for the next (6
months); a review that ends it closes it with the next step. Every change to the plan's
outcomes and actions is kept as a numbered version.
"""

import dataclasses
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.actor import acting_as
from accounts.models import User
from cases.access import child_is_managed_by
from cases.codes.agency import Agency
from cases.models import Child, CINPlan
from cases.services import record_save
from people.models import Person
from strategy.models import S47Outcome, Section47
from timescales import rules as timescales
from wirral_cp import dates
from wirral_cp.concurrency import StaleEditError, save_with_version

from . import events, rules
from .models import (
    FAMILY_KINDS,
    INITIAL_TYPES,
    ActionProgress,
    ChildProtectionPlan,
    Conference,
    ConferenceDecision,
    ConferenceDissent,
    ConferenceParticipant,
    ConferenceStatus,
    ConferenceType,
    CoreGroupActionUpdate,
    CoreGroupMeeting,
    CoreGroupMember,
    FeedbackInvitation,
    FeedbackResponse,
    ParticipantKind,
    PlanAction,
    PlanOutcome,
    PlanVersion,
)
from .selectors import conference_children, family_people


def _save(obj, *, user: User, expected_version: int | None = None) -> None:
    with acting_as(user):
        obj.full_clean()
        if hasattr(obj, "version"):
            save_with_version(obj, expected_version=expected_version)
        else:
            obj.save()


def _withdraw_agreement_if_plan_changed(conference: Conference) -> None:
    """A manager agreed the interim safety plan as it was: a changed plan needs agreeing again."""
    if not conference.pk or not conference.interim_plan_agreed_by_id:
        return
    before = (
        Conference.objects.filter(pk=conference.pk)
        .values_list("interim_safety_plan", flat=True)
        .first()
    )
    if before is not None and before.strip() != conference.interim_safety_plan.strip():
        conference.interim_plan_agreed_by = None
        conference.interim_plan_agreed_at = None


@transaction.atomic
def conference_agree_interim_plan(
    *, conference: Conference, manager: User, expected_version: int | None = None
) -> Conference:
    """A manager of the child's team agrees the interim safety plan of a late conference."""
    if not child_is_managed_by(manager, conference.child):
        raise ValidationError(
            "Only a manager of the child's team can agree the interim safety plan."
        )
    if not conference.interim_safety_plan.strip():
        raise ValidationError("There is no interim safety plan to agree yet.")
    conference.interim_plan_agreed_by = manager
    conference.interim_plan_agreed_at = timezone.now()
    _save(
        conference,
        user=manager,
        expected_version=conference.version if expected_version is None else expected_version,
    )
    return conference


@transaction.atomic
def conference_schedule(
    *, conference: Conference, user: User, expected_version: int | None
) -> Conference:
    """Business support sets the date, time, venue and chair. A date after the target needs a
    reason and an interim safety plan (Conference.clean says so)."""
    _refuse_member(conference, "booked")
    if conference.status in (ConferenceStatus.REQUESTED, ConferenceStatus.ADJOURNED):
        conference.status = ConferenceStatus.SCHEDULED
    if conference.status != ConferenceStatus.SCHEDULED:
        raise ValidationError("Only a requested or adjourned conference can be scheduled.")
    _withdraw_agreement_if_plan_changed(conference)
    before = (
        Conference.objects.filter(pk=conference.pk).values_list("status", "scheduled_for").first()
    )
    _save(conference, user=user, expected_version=expected_version)
    _share_with_group(conference, user=user, fields=GROUP_ARRANGEMENTS)
    event = None
    if before is None or before[0] != ConferenceStatus.SCHEDULED or before[1] is None:
        event = events.CONFERENCE_BOOKED
    elif before[1] != conference.scheduled_for:
        event = events.CONFERENCE_MOVED
    if event is not None:
        # Each child's conference of a sibling group: a partner hears of its own child's.
        members = conference.group_members.exclude(status=ConferenceStatus.HELD).order_by("pk")
        for each in [conference, *members]:
            events.announce(event, events.conference_facts(each))
    return conference


@transaction.atomic
def conference_cancel(
    *,
    conference: Conference,
    user: User,
    status: str,
    reason: str,
    expected_version: int | None,
) -> Conference:
    if status not in (ConferenceStatus.CANCELLED, ConferenceStatus.ADJOURNED):
        raise ValidationError("Choose cancelled or adjourned.")
    if conference.status == ConferenceStatus.HELD:
        raise ValidationError("A conference that has been held cannot be cancelled.")
    _refuse_member(conference, "cancelled or adjourned")
    conference.status = status
    conference.cancelled_reason = reason
    _save(conference, user=user, expected_version=expected_version)
    _share_with_group(conference, user=user, fields=("status", "cancelled_reason"))
    return conference


@transaction.atomic
def conference_participants_save(
    *, conference: Conference, rows: Sequence[dict], user: User
) -> list[ConferenceParticipant]:
    """Replace the invitation and attendance list with `rows` (from the form). A person chosen
    for a row must be one of the children's people."""
    _refuse_member(conference, "given its invitations and attendance")
    chosen = {row["person"].pk for row in rows if row.get("person") is not None}
    if chosen - set(family_people(conference_children(conference))):
        raise ValidationError("Choose a person from the child's people.")
    with acting_as(user):
        conference.participants.all().delete()
        saved = []
        for row in rows:
            participant = ConferenceParticipant(conference=conference, **row)
            participant.full_clean()
            participant.save()
            saved.append(participant)
    return saved


@transaction.atomic
def conference_record_outcome(
    *, conference: Conference, user: User, expected_version: int | None
) -> Conference:
    """The chair records that the conference was held and what it decided.

    An initial conference deciding on a plan starts the plan on the conference date; a review
    continues it (the latest category may change) or ends it. The next review is requested.
    """
    if conference.chair_id != user.pk:
        raise ValidationError("Only the conference chair can record its outcome.")
    if not conference.decision:
        raise ValidationError({"decision": "Record the conference's decision."})
    _check_held_with_group(conference)
    conference.status = ConferenceStatus.HELD
    _withdraw_agreement_if_plan_changed(conference)
    _save(conference, user=user, expected_version=expected_version)
    held = conference.held_on
    child = conference.child
    with acting_as(user):
        if conference.decision == ConferenceDecision.PLAN and conference.plan_id is None:
            # The child is locked, as when a child in need plan starts or changes, so that the
            # two plans' checks against each other run one after the other.
            Child.objects.select_for_update().filter(pk=child.pk).exists()
            # A child in need plan running when the conference decides on a protection plan
            # ends that day (the plans may meet on a day, never overlap: census 4016, 4017).
            # One that only began that day never ran: the protection plan replaces it (the
            # audit log keeps it, with the chair as the one who removed it).
            stepping_up = CINPlan.objects.filter(
                child=child, end_date__isnull=True, start_date__lte=held
            ).first()
            if stepping_up is not None and stepping_up.start_date == held:
                stepping_up.delete()
            elif stepping_up is not None:
                stepping_up.end_date = held
                record_save(instance=stepping_up, user=user)
            plan = ChildProtectionPlan(
                child=child,
                start_date=held,
                initial_category=conference.category,
                latest_category=conference.category,
                visit_working_days=conference.visit_working_days,
                see_child_alone=conference.see_child_alone,
            )
            _check_plan(plan)
            try:
                with transaction.atomic():
                    plan.save()
            except IntegrityError as error:
                raise ValidationError(
                    "This child already has an open child protection plan."
                ) from error
            conference.plan = plan
            conference.save(update_fields=["plan"])
            if conference.outline_plan.strip():
                PlanOutcome.objects.create(
                    plan=plan, what_needs_to_change=conference.outline_plan.strip(), order=0
                )
            core_group_from_conference(plan=plan, conference=conference, user=user)
            plan_snapshot(plan=plan, user=user, reason=f"Plan made at {conference}")
            _request_review(child, plan, timescales.first_review_due(held), user)
            events.announce(events.PLAN_STARTED, events.plan_facts(plan))
        elif conference.decision == ConferenceDecision.CONTINUE and conference.plan_id:
            plan = conference.plan
            plan.latest_category = conference.category
            plan.visit_working_days = conference.visit_working_days
            plan.see_child_alone = conference.see_child_alone
            _check_plan(plan)
            plan.save()
            core_group_from_conference(plan=plan, conference=conference, user=user)
            _request_review(child, plan, timescales.later_review_due(held), user)
        elif conference.decision == ConferenceDecision.END and conference.plan_id:
            plan = conference.plan
            plan.end_date = held
            plan.end_next_step = conference.end_next_step
            _check_plan(plan)
            plan.save()
            plan.conferences.filter(
                conference_type=ConferenceType.REVIEW,
                status__in=[ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED],
            ).exclude(pk=conference.pk).update(
                status=ConferenceStatus.CANCELLED, cancelled_reason="The plan ended."
            )
            events.announce(events.PLAN_ENDED, events.plan_facts(plan))
    return conference


def _check_plan(plan: ChildProtectionPlan) -> None:
    """How the plan fits the child's other plans (conferences/rules.py), then its own row and
    the database's constraints (whose one-open-plan message the rule's overlap says better)."""
    problems = rules.protection_plan_problems(plan)
    if problems:
        raise ValidationError(problems)
    plan.full_clean()


def _request_review(child, plan, target, user) -> Conference:
    review = Conference(
        child=child,
        plan=plan,
        conference_type=ConferenceType.REVIEW,
        status=ConferenceStatus.REQUESTED,
        target_date=target,
        requested_by=user,
    )
    review.full_clean()
    review.save()
    return review


@transaction.atomic
def minutes_approve(*, conference: Conference, user: User) -> Conference:
    if conference.chair_id != user.pk:
        raise ValidationError("Only the chair can approve the minutes.")
    _refuse_member(conference, "given its minutes")
    if not conference.minutes.strip():
        raise ValidationError("There are no minutes to approve.")
    waiting = [
        m.child.full_name
        for m in conference.group_members.select_related("child")
        if m.status not in (ConferenceStatus.HELD, ConferenceStatus.CANCELLED)
    ]
    if waiting:
        raise ValidationError(
            f"Record the conference's decision for {', '.join(waiting)} before approving the "
            "minutes: they are the whole group's."
        )
    conference.minutes_approved_at = timezone.now()
    conference.minutes_approved_by = user
    _save(conference, user=user, expected_version=conference.version)
    _share_with_group(
        conference, user=user, fields=("minutes_approved_at", "minutes_approved_by"), held_too=True
    )
    # The approved minutes as a PDF, kept as a document of the conference to distribute.
    from .letters import minutes_store

    minutes_store(conference=conference, user=user)
    return conference


@transaction.atomic
def minutes_distribute(*, conference: Conference, user: User, on) -> Conference:
    _refuse_member(conference, "given its minutes")
    conference.minutes_distributed_on = on
    _save(conference, user=user, expected_version=conference.version)
    _share_with_group(conference, user=user, fields=("minutes_distributed_on",), held_too=True)
    return conference


# --- Sibling-group conferences ----------------------------------------------------------------

# What a sibling group shares and business support book once: copied from the lead to each
# child's conference, so each child's own row (which the diary, the alerts, the dashboards and
# the returns read) says when and where it was considered and by whom.
# (Reports shared with parents are each child's own: the documents of that child's conference.)
GROUP_ARRANGEMENTS = ("status", "scheduled_for", "venue", "chair")


def _refuse_member(conference: Conference, what: str) -> None:
    if conference.group_lead_id:
        raise ValidationError(
            f"This conference is part of a sibling group: it is {what} with the group, on "
            f"{conference.group_lead.child.full_name}'s conference."
        )


def _share_with_group(
    lead: Conference, *, user: User, fields: Sequence[str], held_too: bool = False
) -> None:
    """Copy the shared `fields` from `lead` to each child's conference in its group (those
    already held only when `held_too`: the minutes' approval and distribution), each checked
    as that child's own (a date after that child's target date needs that child's reason and
    interim safety plan)."""
    members = Conference.objects.select_for_update().filter(group_lead=lead).order_by("pk")
    if not held_too:
        members = members.exclude(status=ConferenceStatus.HELD)
    for member in members:
        for field in fields:
            setattr(member, field, getattr(lead, field))
        try:
            _save(member, user=user, expected_version=member.version)
        except ValidationError as error:
            raise ValidationError(
                [f"{member.child.full_name}: {message}" for message in error.messages]
            ) from error


def _check_held_with_group(conference: Conference) -> None:
    """The children of a sibling group are considered at one meeting: each child's outcome is
    recorded for the day it was held."""
    shared = conference.shared_record
    days = {
        c.held_on
        for c in Conference.objects.filter(
            Q(pk=shared.pk) | Q(group_lead_id=shared.pk), status=ConferenceStatus.HELD
        ).exclude(pk=conference.pk)
    }
    if days and conference.held_on not in days:
        day = min(days)
        raise ValidationError(
            {
                "held_on": f"The sibling group's conference was held on {dates.day(day)}: each "
                "child's outcome is recorded for that day."
            }
        )


@transaction.atomic
def conference_group_add(
    *, lead: Conference, member: Conference, user: User, expected_version: int | None
) -> Conference:
    """Business support add another child's own conference to the one they are booking, so one
    meeting considers both: the shared arrangements are copied to it; its enquiry, target date,
    late reason, decision and plan stay its own (rules.sibling_group_problems)."""
    if not user.is_business_support:
        raise ValidationError("Business support arrange sibling-group conferences.")
    locked = {
        c.pk: c
        for c in Conference.objects.select_for_update(of=("self",))
        .select_related("child", "section47", "plan")
        .filter(pk__in=[lead.pk, member.pk])
    }
    if locked.get(lead.pk) is None or locked[lead.pk].version != (
        lead.version if expected_version is None else expected_version
    ):
        raise StaleEditError()
    lead, member = locked[lead.pk], locked[member.pk]
    problems = rules.sibling_group_problems(lead, member)
    if problems:
        raise ValidationError(problems)
    member.group_lead = lead
    try:
        for field in GROUP_ARRANGEMENTS:
            setattr(member, field, getattr(lead, field))
        _save(member, user=user, expected_version=member.version)
    except ValidationError as error:
        raise ValidationError(
            [f"{member.child.full_name}: {message}" for message in error.messages]
        ) from error
    # The group changed: an edit of the lead begun before this is stale.
    _save(lead, user=user, expected_version=lead.version)
    return member


@transaction.atomic
def conference_group_remove(
    *, lead: Conference, member: Conference, user: User, expected_version: int | None
) -> Conference:
    """Take a child's conference out of a sibling group before it is held: it is requested
    again, to be booked on its own (its target date is unchanged)."""
    if not user.is_business_support:
        raise ValidationError("Business support arrange sibling-group conferences.")
    expected = lead.version if expected_version is None else expected_version
    lead = Conference.objects.select_for_update().get(pk=lead.pk)
    if lead.version != expected:
        raise StaleEditError()
    member = Conference.objects.select_for_update().get(pk=member.pk)
    if member.group_lead_id != lead.pk:
        raise ValidationError("That conference is not part of this sibling group.")
    if member.status == ConferenceStatus.HELD:
        raise ValidationError("A conference that has been held stays in its sibling group.")
    member.group_lead = None
    member.status = ConferenceStatus.REQUESTED
    member.scheduled_for = None
    member.venue = ""
    _save(member, user=user, expected_version=member.version)
    _save(lead, user=user, expected_version=lead.version)
    return member


def plan_snapshot(*, plan: ChildProtectionPlan, user: User, reason: str) -> PlanVersion:
    """Keep the plan as it is now as the next numbered version."""
    outcomes = plan.outcomes.prefetch_related("actions").order_by("order", "pk")
    snapshot = {
        "start_date": plan.start_date.isoformat(),
        "latest_category": plan.latest_category,
        "contingency_plan": plan.contingency_plan,
        "outcomes": [
            {
                "what_needs_to_change": o.what_needs_to_change,
                "actions": [
                    {
                        "action": a.action,
                        "owner": a.owner,
                        "timescale": a.timescale.isoformat(),
                        "evidence_of_done": a.evidence_of_done,
                        "progress": a.progress,
                        "progress_evidence": a.progress_evidence,
                    }
                    for a in o.actions.all()
                ],
            }
            for o in outcomes
        ],
    }
    number = (plan.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    with acting_as(user):
        return PlanVersion.objects.create(
            plan=plan, number=number, snapshot=snapshot, reason=reason, created_by=user
        )


def _lock_plan(plan_id: int) -> ChildProtectionPlan:
    """Every change to a plan's outcomes and actions holds the plan's row, so the one-page
    editor's check that nobody changed them meanwhile (`plan_content_digest`) holds."""
    return ChildProtectionPlan.objects.select_for_update().get(pk=plan_id)


@transaction.atomic
def plan_outcome_save(*, outcome: PlanOutcome, user: User) -> PlanOutcome:
    _lock_plan(outcome.plan_id)
    _save(outcome, user=user)
    plan_snapshot(plan=outcome.plan, user=user, reason="Outcome changed")
    return outcome


@transaction.atomic
def plan_action_save(
    *, action: PlanAction, user: User, expected_version: int | None = None, reason: str = ""
) -> PlanAction:
    """Save an action; refused without an owner or a timescale. Versions the plan."""
    _lock_plan(action.outcome.plan_id)
    _own_by_member(action, action.outcome.plan_id)
    _save(action, user=user, expected_version=expected_version)
    plan_snapshot(plan=action.outcome.plan, user=user, reason=reason or "Action changed")
    return action


@transaction.atomic
def core_group_record(
    *,
    meeting: CoreGroupMeeting,
    updates: Sequence[dict],
    user: User,
    sibling_plans: Sequence[ChildProtectionPlan] = (),
    family_attendees: Sequence[Person] = (),
) -> CoreGroupMeeting:
    """Record a core group and the progress it found on each plan action, and which of the
    child's people attended (`family_attendees`, each one of the child's people; the others
    stay in words in `attendees`).

    One meeting can be the core group of a sibling group's plans (`sibling_plans`, made at the
    same sibling-group conference): each plan gets its own record of it, pointing to this one
    (`held_with`), with its own stored due date and timeliness; the child's views and the
    action updates stay with the plan they were recorded on."""
    chosen = {p.pk for p in family_attendees}
    if chosen - set(family_people([meeting.plan.child])):
        raise ValidationError("Choose those who attended from the child's people.")
    meeting = _core_group_record(meeting=meeting, updates=updates, user=user)
    with acting_as(user):
        meeting.family_attendees.set(chosen)
    for sibling_plan in sibling_plans:
        problems = rules.joint_core_group_problems(meeting.plan, sibling_plan, meeting.meeting_date)
        if problems:
            raise ValidationError(problems)
        joint = CoreGroupMeeting(
            plan=sibling_plan,
            meeting_date=meeting.meeting_date,
            attendees=meeting.attendees,
            parents_attended=meeting.parents_attended,
            discussion=meeting.discussion,
            next_meeting_date=meeting.next_meeting_date,
            recorded_by=user,
            held_with=meeting,
        )
        _save(joint, user=user)
        with acting_as(user):
            # Each plan's record names those of its own child's people who came.
            joint.family_attendees.set(chosen & set(family_people([sibling_plan.child])))
        plan_snapshot(plan=sibling_plan, user=user, reason=f"{joint} (with a sibling's)")
    return meeting


def _core_group_record(
    *, meeting: CoreGroupMeeting, updates: Sequence[dict], user: User
) -> CoreGroupMeeting:
    if not meeting.plan.is_open:
        raise ValidationError("The plan has ended: core groups are no longer held.")
    _lock_plan(meeting.plan_id)
    meeting.recorded_by = user
    _save(meeting, user=user)
    with acting_as(user):
        for row in updates:
            action: PlanAction = row["action"]
            if action.outcome.plan_id != meeting.plan_id:
                raise ValidationError("That action belongs to another plan.")
            CoreGroupActionUpdate.objects.create(
                meeting=meeting,
                action=action,
                progress=row["progress"],
                evidence=row.get("evidence", ""),
            )
            action.progress = row["progress"]
            if row.get("evidence"):
                action.progress_evidence = row["evidence"]
            if action.progress == ActionProgress.DONE and not action.progress_evidence:
                raise ValidationError(f'Say what shows "{action.action[:40]}" has been done.')
            action.full_clean()
            save_with_version(action, expected_version=action.version)
    plan_snapshot(plan=meeting.plan, user=user, reason=f"{meeting}")
    return meeting


@transaction.atomic
def feedback_invite(
    *, conference: Conference, respondent_type: str, user: User
) -> FeedbackInvitation:
    if conference.status != ConferenceStatus.HELD:
        raise ValidationError("Feedback is asked for after the conference has been held.")
    return FeedbackInvitation.objects.create(
        conference=conference, respondent_type=respondent_type, created_by=user
    )


@transaction.atomic
def feedback_submit_by_link(*, token: str, answers: dict) -> FeedbackResponse:
    """Record feedback through a one-time link; the link is then spent."""
    invitation = FeedbackInvitation.objects.select_for_update().filter(token=token).first()
    if invitation is None or not invitation.usable:
        raise ValidationError("This feedback link has expired or has already been used.")
    response = FeedbackResponse(
        conference_id=invitation.conference_id,
        respondent_type=invitation.respondent_type,
        via="link",
        **answers,
    )
    response.full_clean()
    response.save()
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return response


@transaction.atomic
def icpc_request(*, enquiry: Section47, user: User) -> Conference:
    """Ask for an initial child protection conference, carrying the enquiry's target date.

    The section 47 enquiry records who asked and when; the conference is this app's record, so
    the request is made here (strategy sits below conferences and never creates one)."""
    enquiry = Section47.objects.select_for_update().get(pk=enquiry.pk)
    existing = enquiry.conferences.filter(conference_type__in=INITIAL_TYPES).first()
    if existing is not None:
        raise ValidationError("An initial child protection conference has already been requested.")
    if not enquiry.may_request_icpc_unseen:
        raise ValidationError(
            "The child has not been seen for this enquiry. See the child first (a section 47 "
            "visit where the child is seen records it), or ask a team manager to record on "
            "the enquiry's page why the conference cannot wait."
        )
    if enquiry.outcome not in ("", S47Outcome.ICPC_REQUIRED):
        raise ValidationError(
            "The enquiry's outcome says no conference is needed: change the outcome first."
        )
    with acting_as(user):
        enquiry.outcome = S47Outcome.ICPC_REQUIRED
        enquiry.icpc_requested_at = timezone.now()
        enquiry.icpc_requested_by = user
        enquiry.full_clean()
        save_with_version(enquiry, expected_version=enquiry.version)
        conference = Conference(
            child=enquiry.child,
            section47=enquiry,
            # An unborn child's initial conference is the pre-birth conference (same target).
            conference_type=ConferenceType.PRE_BIRTH
            if enquiry.child.is_unborn
            else ConferenceType.INITIAL,
            status=ConferenceStatus.REQUESTED,
            target_date=enquiry.icpc_target_date,
            requested_by=user,
        )
        conference.full_clean()
        conference.save()
    return conference


# --- The outcome's dissent, and the core group ------------------------------------------------


@transaction.atomic
def conference_dissents_save(
    *, conference: Conference, rows: Sequence[dict], user: User
) -> list[ConferenceDissent]:
    """Replace the conference's record of dissent with `rows` (who, from what, why)."""
    with acting_as(user):
        conference.dissents.all().delete()
        saved = []
        for row in rows:
            dissent = ConferenceDissent(conference=conference, **row)
            dissent.full_clean()
            dissent.save()
            saved.append(dissent)
    return saved


def _same_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def core_group_from_conference(
    *, plan: ChildProtectionPlan, conference: Conference, user: User
) -> list[CoreGroupMember]:
    """Add to the plan's core group those invited to the conference that made or reviewed it
    (the sibling group's list for a group conference) and the allocated social worker, each
    once (by name). A family member is linked to the person chosen for them on the
    participants form; the child to their own."""
    child = plan.child
    members = list(plan.core_group_members.all())
    seen = {_same_name(m.name) for m in members}
    added = []
    with acting_as(user):
        participants = (
            conference.shared_record.participants.exclude(kind=ParticipantKind.ADVOCATE)
            .select_related("person")
            .order_by("pk")
        )
        for p in participants:
            key = _same_name(p.name)
            if not key or key in seen:
                continue
            seen.add(key)
            person = None
            if p.kind == ParticipantKind.CHILD:
                person = child.person
            elif p.kind in FAMILY_KINDS:
                person = p.person
            role = p.role or ("" if p.agency else p.get_kind_display())
            member = CoreGroupMember(
                plan=plan, name=p.name.strip(), role=role, agency=p.agency, person=person
            )
            member.full_clean()
            member.save()
            added.append(member)
        worker = child.allocated_worker
        if worker is not None and _same_name(worker.get_full_name() or worker.username) not in seen:
            member = CoreGroupMember(
                plan=plan,
                name=worker.get_full_name() or worker.username,
                role="Social worker",
                agency=Agency.SOCIAL_CARE,
                user=worker,
            )
            member.full_clean()
            member.save()
            added.append(member)
    return added


def _own_by_member(action: PlanAction, plan_id: int) -> None:
    """An action owned by a core group member names them in words too (what the lists, the
    alerts and the family's plan show); the member must be of this plan's core group."""
    member = action.owner_member
    if member is None:
        return
    if member.plan_id != plan_id:
        raise ValidationError({"owner_member": "Choose someone from this plan's core group."})
    action.owner = member.label[:200]


# --- Outcomes and actions on one page ---------------------------------------------------------

PLAN_ENDED = "This plan has ended: it is kept as it was and can no longer be changed."


def plan_content_digest(plan: ChildProtectionPlan) -> str:
    """A fingerprint of everything the one-page editor shows: the contingency plan and every
    outcome and action as stored. The page carries the one it was drawn from; a save whose
    fingerprint no longer matches was begun before someone else's change and is refused."""
    outcomes = [
        [
            o.pk,
            o.what_needs_to_change,
            o.order,
            [
                [a.pk, a.version, a.action, a.owner, a.owner_member_id, str(a.timescale)]
                + [a.evidence_of_done, a.progress]
                for a in sorted(o.actions.all(), key=lambda a: a.pk)
            ],
        ]
        for o in sorted(plan.outcomes.all(), key=lambda o: o.pk)
    ]
    body = json.dumps([plan.contingency_plan, outcomes], sort_keys=True, default=str)
    return hashlib.sha256(body.encode()).hexdigest()


@dataclass
class OutcomeChange:
    """One outcome as the editor sent it: its new text (an unsaved or changed instance),
    whether it is to be removed, and its actions as (action, remove)."""

    outcome: PlanOutcome
    remove: bool = False
    actions: list[tuple[PlanAction, bool]] = dataclasses.field(default_factory=list)


def _refuse_removal(action: PlanAction) -> None:
    if action.pk and CoreGroupActionUpdate.objects.filter(action_id=action.pk).exists():
        raise ValidationError(
            f'"{action.action[:60]}" has progress recorded at a core group, so it stays in the '
            "plan: record it as done, or change what it says, instead of removing it."
        )


@transaction.atomic
def plan_outcomes_save(
    *,
    plan: ChildProtectionPlan,
    contingency_plan: str,
    changes: Sequence[OutcomeChange],
    expected_digest: str,
    user: User,
) -> ChildProtectionPlan:
    """Save the plan's outcomes, their actions and the contingency plan from the one-page
    editor, all or nothing: refused on an ended plan, or when anything shown on the page was
    changed by someone else after it was opened. Outcomes keep the page's order. Versions the
    plan once."""
    locked = _lock_plan(plan.pk)
    if not locked.is_open:
        raise ValidationError(PLAN_ENDED)
    if plan_content_digest(locked) != expected_digest:
        raise StaleEditError()
    with acting_as(user):
        order = 0
        for change in changes:
            outcome = change.outcome
            if change.remove:
                for action, _ in change.actions:
                    _refuse_removal(action)
                if outcome.pk:
                    for action in outcome.actions.all():
                        _refuse_removal(action)
                    outcome.delete()
                continue
            outcome.plan = locked
            outcome.order = order
            order += 1
            outcome.full_clean()
            outcome.save()
            for action, remove in change.actions:
                if remove:
                    _refuse_removal(action)
                    if action.pk:
                        action.delete()
                    continue
                action.outcome = outcome
                _own_by_member(action, locked.pk)
                action.full_clean()
                save_with_version(action, expected_version=action.version)
        locked.contingency_plan = contingency_plan
        locked.full_clean()
        save_with_version(locked, expected_version=locked.version)
    plan_snapshot(plan=locked, user=user, reason="Outcomes and actions changed")
    return locked


@transaction.atomic
def plan_family_words_save(
    *,
    plan: ChildProtectionPlan,
    family_worries: str,
    user: User,
    expected_version: int | None,
) -> ChildProtectionPlan:
    """The worker's words for the family-friendly plan: saved, audited, refused when someone
    else saved the plan after the page was opened, or when the plan has ended."""
    locked = _lock_plan(plan.pk)
    if not locked.is_open:
        raise ValidationError(PLAN_ENDED)
    locked.family_worries = family_worries.strip()
    _save(locked, user=user, expected_version=expected_version)
    return locked
