"""Rules that span several of a child's case records, each stated once.

Each rule is a plain function over records in memory (saved or not) that returns the messages a
worker sees, and nothing when the rule holds. The services call them before they save (the
forms show what the services refuse), and the census import calls the same functions on the
records it is about to load, so the import refuses a child with the same words a form would.
`Model.clean()` checks only its own row.

Two rules need the records of apps above cases (section 47 enquiries, child protection plans).
Those apps register a check here from their AppConfig.ready (as the chronology sources are
registered), so this module imports nothing above cases; the checks they register call their
own plain rules, which the census import calls directly.
"""

from collections.abc import Callable, Iterable
from datetime import date, timedelta

from django.utils.formats import date_format

from wirral_cp.dates import day

from .models import (
    PRE_BIRTH_REFERRAL_DAYS,
    Assessment,
    Child,
    CINPlan,
    Referral,
    ThresholdDecision,
)


def _day(d: date) -> str:
    return date_format(d, "j M Y")


# --- Plans' dates ------------------------------------------------------------------------------


def _span(start: date, end: date | None) -> tuple[date, date]:
    """A plan's days as a half-open range; a plan that starts and ends on one day still
    occupies that day."""
    if end is None:
        return start, date.max
    return start, max(end, start + timedelta(days=1))


def spans_overlap(a: tuple[date, date | None], b: tuple[date, date | None]) -> bool:
    """Whether two plans of different kinds run at the same time. One may start on the day the
    other ends (a step down from a child protection plan to a child in need plan, census rules
    4016 and 4017)."""
    a_start, a_end = _span(*a)
    b_start, b_end = _span(*b)
    return a_start < b_end and b_start < a_end


def meet_or_overlap(a: tuple[date, date | None], b: tuple[date, date | None]) -> bool:
    """Whether two plans of one kind share a day: the next may not even start on the day the
    last ended (census rules 4014 for child in need plans, 8940 for protection plans)."""
    return a[0] <= (b[1] or date.max) and b[0] <= (a[1] or date.max)


# --- Episodes (referrals) ----------------------------------------------------------------------


def referral_before_birth(referral: Referral, child: Child) -> list[str]:
    """Census rule 8606: a referral is at most 40 weeks before the child's (expected) birth."""
    born = child.date_of_birth or child.expected_date_of_birth
    if born and (born - referral.referral_date).days > PRE_BIRTH_REFERRAL_DAYS:
        return [
            "A referral cannot be more than 40 weeks before the child's (expected) date of "
            f"birth ({day(born)}). Check the dates."
        ]
    return []


def second_open_episode(referral: Referral, others: Iterable[Referral]) -> list[str]:
    """A child has one open episode at a time (`others`: the child's other episodes)."""
    if referral.closure_date is not None:
        return []
    current = next((o for o in others if o.closure_date is None), None)
    if current is None:
        return []
    return [
        "This child already has an open episode (referral received "
        f"{_day(current.referral_date)}). Close it before recording a new referral."
    ]


def episode_overlaps(referral: Referral, others: Iterable[Referral]) -> list[str]:
    """A child's episodes never overlap: a referral is not received inside another episode,
    though one may start on the day another closed. Reported on the date received."""
    start, end = referral.referral_date, referral.closure_date
    for other in others:
        other_end = other.closure_date
        if (other_end is None or start < other_end) and (end is None or other.referral_date < end):
            closed = f" to {_day(other_end)}" if other_end else ""
            return [
                "This date falls within another episode for this child "
                f"({_day(other.referral_date)}{closed}). Episodes cannot overlap."
            ]
    return []


def episode_clash(referral: Referral, others: Iterable[Referral]) -> dict[str, list[str]]:
    """Both episode rules, by the field a form shows them on: a second open episode first (it
    says what to do), otherwise an overlap."""
    others = list(others)
    open_one = second_open_episode(referral, others)
    if open_one:
        return {"__all__": open_one}
    overlap = episode_overlaps(referral, others)
    return {"received_at": overlap} if overlap else {}


# --- Closing an episode -------------------------------------------------------------------------

# A higher app says which of its records in an episode would still be open on a closure date:
# one message per record (it reads them itself; the census import calls its plain rules).
OpenOnClosure = Callable[[Referral, date], list[str]]
_OPEN_ON_CLOSURE: list[OpenOnClosure] = []


def register_open_on_closure(check: OpenOnClosure) -> OpenOnClosure:
    """Once, from a higher app's AppConfig.ready."""
    if check not in _OPEN_ON_CLOSURE:
        _OPEN_ON_CLOSURE.append(check)
    return check


def assessments_on_closure(closure: date, assessments: Iterable[Assessment]) -> list[str]:
    """Census rules 8867 and 8565: when an episode closes every assessment in it is authorised,
    and none started or was authorised after the closure date."""
    problems: list[str] = []
    for assessment in sorted(assessments, key=lambda a: a.start_date):
        authorised, start = assessment.authorised_date, assessment.start_date
        if authorised is not None and authorised <= closure and start <= closure:
            continue  # the usual case, without formatting a date
        started = _day(start)
        if authorised is None:
            problems.append(
                f"The assessment started {started} has not been authorised: a manager must "
                "authorise it before the episode closes."
            )
        elif authorised > closure:
            problems.append(
                f"The assessment started {started} was authorised after this closure date."
            )
        if start > closure:
            problems.append(f"The assessment started {started}, after this closure date.")
    return problems


def cin_plans_open_on(closure: date, cin_plans: Iterable[CINPlan]) -> list[str]:
    """Census rule 8868 for child in need plans: none outlives its episode."""
    return [
        f"The child in need plan that started {day(plan.start_date)} is still open on "
        "this date: end it first."
        for plan in sorted(cin_plans, key=lambda p: p.start_date)
        if plan.end_date is None or plan.end_date > closure
    ]


def episode_closure(referral: Referral) -> list[str]:
    """Everything in the saved episode that stops it closing on its closure date: its
    assessments and child in need plans here, its enquiries and protection plans through the
    registered checks. Reported on the closure date."""
    closure = referral.closure_date
    if closure is None or referral.pk is None:
        return []
    problems = assessments_on_closure(closure, referral.assessments.all())
    for check in _OPEN_ON_CLOSURE:
        problems.extend(check(referral, closure))
    problems.extend(cin_plans_open_on(closure, referral.cin_plans.all()))
    return problems


# --- Assessments --------------------------------------------------------------------------------


def assessment_in_episode(assessment: Assessment, referral: Referral) -> dict[str, str]:
    """An assessment belongs to its child's episode: it starts once the referral was received
    and is not authorised after the episode closed."""
    errors: dict[str, str] = {}
    if referral.child_id and assessment.child_id and referral.child_id != assessment.child_id:
        errors["referral"] = "The referral belongs to a different child."
    if assessment.start_date and assessment.start_date < referral.referral_date:
        errors["start_date"] = (
            "The assessment cannot start before the referral was received "
            f"({day(referral.referral_date)})."
        )
    closure = referral.closure_date
    if closure and assessment.authorised_date and assessment.authorised_date > closure:
        errors["authorised_date"] = (
            f"The assessment cannot be authorised after its episode closed ({_day(closure)})."
        )
    return errors


# --- Child in need plans ------------------------------------------------------------------------

# A higher app says whether a child in need plan would run alongside one of its records: one
# message for the first clash, none when there is none.
CINPlanClash = Callable[[CINPlan], list[str]]
_CIN_PLAN_CLASHES: list[CINPlanClash] = []


def register_cin_plan_clash(check: CINPlanClash) -> CINPlanClash:
    """Once, from a higher app's AppConfig.ready."""
    if check not in _CIN_PLAN_CLASHES:
        _CIN_PLAN_CLASHES.append(check)
    return check


def cin_plan_in_episode(plan: CINPlan, referral: Referral) -> dict[str, str]:
    """A child in need plan runs inside its episode: not before the referral, ending by the
    time the episode closed, and never in a referral decided as no further action."""
    if referral.child_id and plan.child_id and referral.child_id != plan.child_id:
        return {"referral": "The referral belongs to a different child."}
    if plan.start_date < referral.referral_date:
        return {
            "start_date": "A child in need plan cannot start before the referral was received "
            f"({day(referral.referral_date)})."
        }
    closure = referral.closure_date
    if closure and (plan.start_date > closure or (plan.end_date or date.max) > closure):
        return {"end_date": f"The plan must end by the time the episode closed ({day(closure)})."}
    if referral.decision in (ThresholdDecision.NFA, ThresholdDecision.EARLY_HELP):
        return {
            "referral": "This referral was decided as no further action: it has no child in "
            "need plan."
        }
    return {}


def cin_plan_overlaps(plan: CINPlan, others: Iterable[CINPlan]) -> list[str]:
    """A child has one child in need plan at a time; census rule 4014: another may not start
    on the day one ends (`others`: the child's other child in need plans)."""
    for other in others:
        if meet_or_overlap((plan.start_date, plan.end_date), (other.start_date, other.end_date)):
            return [
                "This would overlap the child in need plan from "
                f"{day(other.start_date)}: a child has one child in need plan at a time."
            ]
    return []


def cin_plan_problems(plan: CINPlan) -> dict[str, list[str]]:
    """Everything about how a child in need plan fits the child's other saved records, by
    field: its episode, then the other child in need plans, then the registered clashes (a
    child protection plan). Only the first problem found, as a form shows it."""
    if not plan.start_date:
        return {}
    if plan.referral_id:
        found = cin_plan_in_episode(plan, plan.referral)
        if found:
            return {field: [message] for field, message in found.items()}
    others = CINPlan.objects.filter(child_id=plan.child_id).exclude(pk=plan.pk)
    overlap = cin_plan_overlaps(plan, others)
    if overlap:
        return {"start_date": overlap}
    for clash in _CIN_PLAN_CLASHES:
        found_clash = clash(plan)
        if found_clash:
            return {"start_date": found_clash}
    return {}
