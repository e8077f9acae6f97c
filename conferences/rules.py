"""Rules that span this app's records and the case records below it, each stated once.

Each rule is a plain function over records in memory (saved or not) returning the messages a
worker sees, none when it holds. The services call them through the `*_problems` functions
(which read the child's saved records); the census import calls the plain rules on the records
it is about to load. The cases app cannot import this one, so ConferencesConfig.ready registers
`open_on_closure` and `saved_cin_plan_clash` with `cases.rules`, which the cases services ask.
"""

from collections.abc import Iterable
from datetime import date

from django.db.models import Q

from cases.models import CINPlan, Referral
from cases.rules import meet_or_overlap, spans_overlap
from strategy.models import S47Outcome, Section47
from wirral_cp.dates import day

from .models import INITIAL_TYPES, ChildProtectionPlan, Conference, ConferenceStatus

# --- Closing an episode (census rules 8565 and 8868) ------------------------------------------


def enquiry_open_on(
    enquiry: Section47, closure: date, initial_conferences_held: Iterable[date]
) -> list[str]:
    """Whether a section 47 enquiry would still be open on `closure`. An enquiry ends at its
    initial conference (`initial_conferences_held`: the days they were held), or with an
    outcome that needs none."""
    held = list(initial_conferences_held)
    ended_without_icpc = (
        enquiry.outcome in (S47Outcome.ICPC_NOT_REQUIRED, S47Outcome.NOT_SUBSTANTIATED)
        and enquiry.completion_date is not None
        and enquiry.completion_date <= closure
    )
    if ended_without_icpc or (held and min(held) <= closure):
        return []
    return [
        f"The section 47 enquiry started {day(enquiry.start_date)} is still open on this "
        "date: hold the initial conference or record the enquiry's outcome first."
    ]


def protection_plans_open_on(
    referral_date: date, closure: date, plans: Iterable[ChildProtectionPlan]
) -> list[str]:
    """The child's protection plans that started in the episode and would still be open on
    `closure`."""
    return [
        f"The child protection plan that started {day(plan.start_date)} is still open on "
        "this date: end the plan first."
        for plan in sorted(plans, key=lambda p: p.start_date)
        if referral_date <= plan.start_date <= closure
        and (plan.end_date is None or plan.end_date > closure)
    ]


def open_on_closure(referral: Referral, closure: date) -> list[str]:
    """The saved episode's enquiries and the child's protection plans that would still be open
    on `closure` (registered with cases.rules)."""
    problems: list[str] = []
    enquiries = Section47.objects.filter(referral_id=referral.pk).prefetch_related("conferences")
    for enquiry in enquiries.order_by("start_date", "pk"):
        held = [
            c.held_on
            for c in enquiry.conferences.all()
            if c.conference_type in INITIAL_TYPES
            and c.status == ConferenceStatus.HELD
            and c.held_on is not None
        ]
        problems.extend(enquiry_open_on(enquiry, closure, held))
    plans = ChildProtectionPlan.objects.filter(child_id=referral.child_id)
    problems.extend(protection_plans_open_on(referral.referral_date, closure, plans))
    return problems


# --- Plans ------------------------------------------------------------------------------------


def protection_plan_overlaps(
    plan: ChildProtectionPlan, others: Iterable[ChildProtectionPlan]
) -> list[str]:
    """A child has one child protection plan at a time; census rule 8940: a plan may not start
    on the day another ended either (`others`: the child's other protection plans)."""
    for other in others:
        if meet_or_overlap((plan.start_date, plan.end_date), (other.start_date, other.end_date)):
            return [
                "This plan would overlap another child protection plan for this child (from "
                f"{day(other.start_date)}): a child has one plan at a time (and a new plan "
                "cannot start on the day the last one ended)."
            ]
    return []


def cin_plan_clash(cin_plan: CINPlan, plans: Iterable[ChildProtectionPlan]) -> list[str]:
    """A child in need plan never runs alongside a child protection plan: it starts when the
    protection plan ends (on that day at the earliest). Said from the child in need plan's
    side; `protection_plan_clash` says it from the other."""
    mine = (cin_plan.start_date, cin_plan.end_date)
    for plan in plans:
        if spans_overlap(mine, (plan.start_date, plan.end_date)):
            return [
                "The child is on a child protection plan then (from "
                f"{day(plan.start_date)}): a child in need plan starts when the child "
                "protection plan ends, never at the same time."
            ]
    return []


def protection_plan_clash(plan: ChildProtectionPlan, cin_plans: Iterable[CINPlan]) -> list[str]:
    """The same rule as `cin_plan_clash`, from the protection plan's side."""
    mine = (plan.start_date, plan.end_date)
    for cin_plan in cin_plans:
        if spans_overlap(mine, (cin_plan.start_date, cin_plan.end_date)):
            return [
                "The child is on a child in need plan then (from "
                f"{day(cin_plan.start_date)}): end it on the day the child protection plan "
                "starts."
            ]
    return []


def saved_cin_plan_clash(cin_plan: CINPlan) -> list[str]:
    """`cin_plan_clash` against the child's saved protection plans (registered with
    cases.rules)."""
    return cin_plan_clash(cin_plan, ChildProtectionPlan.objects.filter(child_id=cin_plan.child_id))


def protection_plan_problems(plan: ChildProtectionPlan) -> dict[str, list[str]]:
    """How a protection plan fits the child's saved plans, by field (the first problem)."""
    if not plan.start_date:
        return {}
    others = ChildProtectionPlan.objects.filter(child_id=plan.child_id).exclude(pk=plan.pk)
    found = protection_plan_overlaps(plan, others) or protection_plan_clash(
        plan, CINPlan.objects.filter(child_id=plan.child_id)
    )
    return {"start_date": found} if found else {}


def icpc_before_completion(enquiry: Section47) -> dict[str, str]:
    """An enquiry whose outcome is "ICPC required" completes only once the initial conference
    exists (requested, booked or held; not cancelled): completing it first would leave the
    child waiting for a conference nobody has asked for. Registered with `strategy.models`."""
    if enquiry.outcome != S47Outcome.ICPC_REQUIRED or not enquiry.pk:
        return {}
    exists = (
        Conference.objects.filter(section47_id=enquiry.pk, conference_type__in=INITIAL_TYPES)
        .exclude(status=ConferenceStatus.CANCELLED)
        .exists()
    )
    if exists:
        return {}
    return {
        "completion_date": "The outcome is that an initial child protection conference is "
        "required, and none has been requested. Request the initial child protection "
        "conference (on the enquiry's page) before completing the enquiry."
    }


# --- Sibling-group conferences ----------------------------------------------------------------

GROUPABLE_STATUSES = (ConferenceStatus.REQUESTED, ConferenceStatus.SCHEDULED)


def sibling_group_problems(lead: Conference, member: Conference) -> list[str]:
    """Whether `member` (another child's own conference) may join the group booked as `lead`.

    A sibling group is one meeting considering several children; each child still needs its
    own reason to be conferenced: an initial conference asked for from that child's own section
    47 enquiry (outcome "ICPC required"), or a review due for that child's current plan. Each
    keeps its own target date, so joining a group never moves a child's timescale."""
    name = member.child.full_name
    if lead.group_lead_id:
        return ["Add children to the conference the group was booked for (its lead)."]
    if lead.status not in GROUPABLE_STATUSES:
        return ["Only a requested or scheduled conference can consider more children."]
    if lead.conference_type == "transfer_in" or member.conference_type == "transfer_in":
        return ["A transfer-in conference considers one child: it cannot be grouped."]
    if member.pk == lead.pk or member.child_id == lead.child_id:
        return ["That is this child's own conference."]
    if member.group_lead_id:
        return [f"{name}'s conference is already part of another sibling group."]
    if member.group_members.exists():
        return [f"{name}'s conference is already booked as a sibling group of its own."]
    if member.status not in GROUPABLE_STATUSES:
        return [f"{name}'s conference is {member.get_status_display().lower()}: it cannot join."]
    if member.is_initial:
        enquiry = member.section47
        if enquiry is None or enquiry.outcome != S47Outcome.ICPC_REQUIRED:
            return [
                f"{name} has no section 47 enquiry whose outcome requires a conference: each "
                "child considered needs their own."
            ]
    elif member.plan is None or not member.plan.is_open:
        return [f"{name} has no current child protection plan for this review to consider."]
    return []


def joint_core_group_problems(
    plan: ChildProtectionPlan, sibling_plan: ChildProtectionPlan, meeting_date: date
) -> list[str]:
    """Whether one core group may be recorded for `sibling_plan` too: the plans were made or
    reviewed at the same sibling-group conference, and the sibling's plan is open and had
    started by the meeting (its due date and timeliness are still its own)."""
    name = sibling_plan.child.full_name
    leads = {
        c.group_lead_id or c.pk
        for c in Conference.objects.filter(plan=plan).only("pk", "group_lead_id")
    }
    together = Conference.objects.filter(plan=sibling_plan).filter(
        Q(group_lead_id__in=leads) | Q(pk__in=leads)
    )
    if sibling_plan.pk == plan.pk or not leads or not together.exists():
        return [f"{name}'s plan was not made at a sibling-group conference with this one."]
    if not sibling_plan.is_open:
        return [f"{name}'s plan has ended: core groups are no longer held for it."]
    if meeting_date < sibling_plan.start_date:
        return [f"{name}'s plan started on {day(sibling_plan.start_date)}, after this meeting."]
    return []
