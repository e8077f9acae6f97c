"""Due-date arithmetic for every statutory and local timescale, in one place.

National timescales are constants here; local ones come from LocalPolicy (administrator-set).
Working days come from the England working-day calendar.
"""

from datetime import UTC, date, datetime, timedelta

from dateutil.relativedelta import relativedelta

from .calendar import add_working_days
from .models import LocalPolicy

# National (Working Together and the CIN census): not configurable.
REFERRAL_DECISION_WORKING_DAYS = 1
ASSESSMENT_WORKING_DAYS = 45
ICPC_WORKING_DAYS = 15
# Ofsted counts late initial conferences that were held by "day 18": three working days late.
ICPC_DAY_18_WORKING_DAYS = 18
FIRST_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6
RE_REFERRAL_MONTHS = 12
# Statutory guidance on children who run away or go missing from home or care (DfE 2014): a
# return home interview is offered within 72 hours of the child's return. Clock hours, not
# working days: a weekend or a bank holiday does not stretch it.
RETURN_INTERVIEW_HOURS = 72


def quantity(n: int, unit: str) -> str:
    """A timescale in words for a sentence: `quantity(1, "working day")` is "1 working day"."""
    return f"{n} {unit}" if n == 1 else f"{n} {unit}s"


def in_words(policy: LocalPolicy | None = None) -> dict[str, str]:
    """Every timescale in words, the local ones as the policy in force says: the sentences that
    explain the rules are filled in from these when they are read, so they never go stale."""
    policy = policy or LocalPolicy.current()
    return {
        "referral_decision": quantity(REFERRAL_DECISION_WORKING_DAYS, "working day"),
        "assessment": quantity(ASSESSMENT_WORKING_DAYS, "working day"),
        "icpc": quantity(ICPC_WORKING_DAYS, "working day"),
        "first_review": quantity(FIRST_REVIEW_MONTHS, "month"),
        "later_review": quantity(LATER_REVIEW_MONTHS, "month"),
        "re_referral": quantity(RE_REFERRAL_MONTHS, "month"),
        "first_core_group": quantity(policy.first_core_group_working_days, "working day"),
        "core_group_interval": quantity(policy.core_group_interval_weeks, "week"),
        "statutory_visit": quantity(policy.statutory_visit_working_days, "working day"),
        "oversight": quantity(policy.oversight_weeks, "week"),
        "minutes": quantity(policy.minutes_working_days, "working day"),
        "iro_caseload": str(policy.iro_caseload_warning),
        "post_birth_review": quantity(policy.post_birth_review_working_days, "working day"),
        "return_interview": quantity(RETURN_INTERVIEW_HOURS, "hour"),
    }


def referral_decision_due(received: date) -> date:
    """A decision on a referral within 1 working day of receiving it."""
    return add_working_days(received, REFERRAL_DECISION_WORKING_DAYS)


def assessment_due(referral_date: date) -> date:
    """An assessment completed (authorised) within 45 working days of the referral."""
    return add_working_days(referral_date, ASSESSMENT_WORKING_DAYS)


def icpc_due(strategy_date: date) -> date:
    """The initial conference within 15 working days of the strategy discussion that started
    the section 47 enquiry."""
    return add_working_days(strategy_date, ICPC_WORKING_DAYS)


def icpc_day_18(target: date) -> date:
    """Day 18 after the strategy discussion, from its day-15 target: three working days on."""
    return add_working_days(target, ICPC_DAY_18_WORKING_DAYS - ICPC_WORKING_DAYS)


def first_review_due(icpc_date: date) -> date:
    """The first review conference within 3 months of the initial conference."""
    return icpc_date + relativedelta(months=FIRST_REVIEW_MONTHS)


def later_review_due(previous_review: date) -> date:
    """Later review conferences at most 6 months apart."""
    return previous_review + relativedelta(months=LATER_REVIEW_MONTHS)


def first_core_group_due(icpc_date: date, policy: LocalPolicy | None = None) -> date:
    """The first core group within 10 working days of the initial conference (local)."""
    policy = policy or LocalPolicy.current()
    return add_working_days(icpc_date, policy.first_core_group_working_days)


def next_core_group_due(previous: date, policy: LocalPolicy | None = None) -> date:
    """Core groups at most 6 weeks apart (local)."""
    policy = policy or LocalPolicy.current()
    return previous + timedelta(weeks=policy.core_group_interval_weeks)


def next_statutory_visit_due(previous: date, policy: LocalPolicy | None = None) -> date:
    """Statutory visits to a child on a plan at most 10 working days apart (local)."""
    policy = policy or LocalPolicy.current()
    return add_working_days(previous, policy.statutory_visit_working_days)


def next_oversight_due(previous: date, policy: LocalPolicy | None = None) -> date:
    """Management oversight of a child on a plan at least every 4 weeks (local)."""
    policy = policy or LocalPolicy.current()
    return previous + timedelta(weeks=policy.oversight_weeks)


def minutes_due(conference_date: date, policy: LocalPolicy | None = None) -> date:
    """Conference minutes distributed within 15 working days (local)."""
    policy = policy or LocalPolicy.current()
    return add_working_days(conference_date, policy.minutes_working_days)


def post_birth_review_due(born: date, policy: LocalPolicy | None = None) -> date:
    """A child made subject to a plan before birth: a review conference within 20 working days
    of the birth (local)."""
    policy = policy or LocalPolicy.current()
    return add_working_days(born, policy.post_birth_review_working_days)


def return_interview_due(returned_at: datetime) -> datetime:
    """A return home interview offered within 72 clock hours of the child's return. Counted in
    UTC, so a change of the clocks in March or October neither adds nor takes an hour."""
    return returned_at.astimezone(UTC) + timedelta(hours=RETURN_INTERVIEW_HOURS)


def re_referral_window_start(referral_date: date) -> date:
    """A referral is a re-referral if an earlier episode closed (or stepped down) on or after the
    same date 12 months before (29 February falls back to 28 February)."""
    year = referral_date.year - RE_REFERRAL_MONTHS // 12
    try:
        return referral_date.replace(year=year)
    except ValueError:
        return referral_date.replace(year=year, day=28)
