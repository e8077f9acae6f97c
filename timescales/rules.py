"""Due-date arithmetic for every statutory and local timescale, in one place.

National timescales are constants here; local ones come from LocalPolicy (administrator-set).
Working days come from the England working-day calendar.
"""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from .calendar import add_working_days, calendar_version, is_working_day, working_days_between
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
# Working Together 2023: a child on another authority's plan who moves here has a transfer-in
# conference within 15 working days of this authority being notified of the move.
TRANSFER_IN_WORKING_DAYS = 15
# A child protection plan is for a child: it ends, at the latest, on the 18th birthday.
ADULT_AGE_YEARS = 18
# Statutory guidance on children who run away or go missing from home or care (DfE 2014): a
# return home interview is offered within 72 hours of the child's return. Clock hours, not
# working days: a weekend or a bank holiday does not stretch it.
RETURN_INTERVIEW_HOURS = 72
# Working Together (flow chart 1): within one working day of a contact being received, the
# referrer's receipt is acknowledged and a decision is made about the next steps. The decision
# is the same national timescale as the referral decision above (Working Together's "referral"
# is what arrives at the front door, which this system calls a contact).
REFERRER_ACKNOWLEDGEMENT_WORKING_DAYS = 1


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
        "transfer_in": quantity(TRANSFER_IN_WORKING_DAYS, "working day"),
        "first_core_group": quantity(policy.first_core_group_working_days, "working day"),
        "core_group_interval": quantity(policy.core_group_interval_weeks, "week"),
        "statutory_visit": quantity(policy.statutory_visit_working_days, "working day"),
        "oversight": quantity(policy.oversight_weeks, "week"),
        "minutes": quantity(policy.minutes_working_days, "working day"),
        "iro_caseload": str(policy.iro_caseload_warning),
        "post_birth_review": quantity(policy.post_birth_review_working_days, "working day"),
        "return_interview": quantity(RETURN_INTERVIEW_HOURS, "hour"),
        "reports_in_advance": quantity(policy.reports_in_advance_working_days, "working day"),
        "contact_decision": quantity(REFERRAL_DECISION_WORKING_DAYS, "working day"),
        "acknowledgement": quantity(REFERRER_ACKNOWLEDGEMENT_WORKING_DAYS, "working day"),
        "check_red": quantity(policy.check_red_hours, "hour"),
        "check_amber": quantity(policy.check_amber_hours, "hour"),
        "check_green": quantity(policy.check_green_hours, "hour"),
        "family_help_review": quantity(policy.family_help_review_weeks, "week"),
    }


def referral_decision_due(received: date) -> date:
    """A decision on a referral within 1 working day of receiving it."""
    return add_working_days(received, REFERRAL_DECISION_WORKING_DAYS)


def contact_decision_due(received: date) -> date:
    """A decision on a contact (no further action, advice, Family Help, referral or a strategy
    discussion) by the end of the first working day after it was received: a contact on Friday
    afternoon is decided by the end of Monday (Tuesday when Monday is a bank holiday)."""
    return add_working_days(received, REFERRAL_DECISION_WORKING_DAYS)


def referrer_acknowledgement_due(received: date) -> date:
    """The referrer told that their contact was received within 1 working day of receiving it."""
    return add_working_days(received, REFERRER_ACKNOWLEDGEMENT_WORKING_DAYS)


def check_response_hours(urgency: str, policy: LocalPolicy | None = None) -> int:
    """How many clock hours a partner agency has to answer a multi-agency check of this urgency
    ("red", "amber" or "green"; local: by default 4, 24 and 72 hours)."""
    policy = policy or LocalPolicy.current()
    return {
        "red": policy.check_red_hours,
        "amber": policy.check_amber_hours,
        "green": policy.check_green_hours,
    }[urgency]


def check_response_due(
    sent_at: datetime, urgency: str, policy: LocalPolicy | None = None
) -> datetime:
    """When a partner agency's answer to a multi-agency (MASH) check is due: the local target
    for its urgency in clock hours from the moment it was sent (nights and weekends count, as
    a safeguarding hub works them; counted in UTC so a change of the clocks changes nothing)."""
    hours = check_response_hours(urgency, policy)
    return sent_at.astimezone(UTC) + timedelta(hours=hours)


def assessment_due(referral_date: date) -> date:
    """An assessment completed (authorised) within 45 working days of the referral."""
    return add_working_days(referral_date, ASSESSMENT_WORKING_DAYS)


def icpc_due(strategy_date: date) -> date:
    """The initial conference within 15 working days of the strategy discussion that started
    the section 47 enquiry."""
    return add_working_days(strategy_date, ICPC_WORKING_DAYS)


def transfer_in_conference_due(notified: date) -> date:
    """The transfer-in conference within 15 working days of this authority being notified that
    a child on another authority's plan has moved here."""
    return add_working_days(notified, TRANSFER_IN_WORKING_DAYS)


def eighteenth_birthday(born: date) -> date:
    """The day a child becomes an adult (29 February birthdays fall on 1 March)."""
    try:
        return born.replace(year=born.year + ADULT_AGE_YEARS)
    except ValueError:
        return date(born.year + ADULT_AGE_YEARS, 3, 1)


def icpc_day_18(target: date) -> date:
    """Day 18 after the strategy discussion, from its day-15 target: three working days on."""
    return add_working_days(target, ICPC_DAY_18_WORKING_DAYS - ICPC_WORKING_DAYS)


def working_day_on_or_before(d: date) -> date:
    """`d` itself if it is a working day, else the working day before it: where a timescale in
    calendar months ends on a weekend or a bank holiday, it falls due on the working day
    before (a conference cannot be held on a day the council is closed)."""
    while not is_working_day(d):
        d -= timedelta(days=1)
    return d


@lru_cache(maxsize=65536)
def months_after(start: date, months: int) -> date:
    """The same day `months` calendar months on (31 August + 6 months is 28 or 29 February),
    brought back to a working day."""
    return working_day_on_or_before(start + relativedelta(months=months))


def first_review_due(icpc_date: date) -> date:
    """The first review conference within 3 months of the initial conference (on the working
    day before, when that day is a weekend or a bank holiday)."""
    return months_after(icpc_date, FIRST_REVIEW_MONTHS)


def later_review_due(previous_review: date) -> date:
    """Later review conferences at most 6 months apart (on the working day before, when that
    day is a weekend or a bank holiday)."""
    return months_after(previous_review, LATER_REVIEW_MONTHS)


def first_core_group_due(icpc_date: date, policy: LocalPolicy | None = None) -> date:
    """The first core group within 10 working days of the initial conference (local)."""
    policy = policy or LocalPolicy.current()
    return add_working_days(icpc_date, policy.first_core_group_working_days)


def next_core_group_due(previous: date, policy: LocalPolicy | None = None) -> date:
    """Core groups at most 6 weeks apart (local)."""
    policy = policy or LocalPolicy.current()
    return previous + timedelta(weeks=policy.core_group_interval_weeks)


# The visiting frequency a conference may set for a child, in working days (the local default
# is LocalPolicy.statutory_visit_working_days; some authorities use 15).
VISIT_FREQUENCY_WORKING_DAYS = (1, 30)


def next_statutory_visit_due(
    previous: date, policy: LocalPolicy | None = None, every: int | None = None
) -> date:
    """Statutory visits to a child on a plan at most 10 working days apart (local), or as often
    as the child's conference set (`every` working days)."""
    if every is None:
        policy = policy or LocalPolicy.current()
        every = policy.statutory_visit_working_days
    return add_working_days(previous, every)


def statutory_visit_due(
    plan_start: date | None,
    last_visit: date | None,
    policy: LocalPolicy | None = None,
    every: int | None = None,
) -> date | None:
    """When the next statutory visit falls due: measured from the later of the last visit with
    the child seen and the start of the child's plan, at the frequency the conference set (or
    the local default). None: nothing to measure from."""
    base = max((d for d in (plan_start, last_visit) if d), default=None)
    return next_statutory_visit_due(base, policy, every) if base else None


def core_group_due(
    plan_start: date, last_meeting: date | None, policy: LocalPolicy | None = None
) -> date:
    """When a plan's next core group falls due: the first from the initial conference, later
    ones from the last meeting."""
    if last_meeting is None:
        return first_core_group_due(plan_start, policy)
    return next_core_group_due(last_meeting, policy)


class Standing:
    """Where a due date stands on a day, the one rule for "overdue" and "due soon" (the scan's
    alert status and the diary's words both read it): `left` is working days left (negative:
    working days past the date)."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    UPCOMING = "upcoming"

    def __init__(self, due: date, day: date, policy: LocalPolicy | None = None) -> None:
        policy = policy or LocalPolicy.current()
        self.left = working_days_between(day, due)
        if day > due:
            self.kind = self.OVERDUE
        elif self.left <= policy.due_soon_working_days:
            self.kind = self.DUE_SOON
        else:
            self.kind = self.UPCOMING


def timeliness_fingerprint(policy: LocalPolicy | None = None) -> str:
    """What stored visit and core group timeliness was worked out with: the local timescales
    and the bank holidays. When it changes, the stored values are worked out again."""
    policy = policy or LocalPolicy.current()
    return "|".join(
        str(n)
        for n in (
            policy.statutory_visit_working_days,
            policy.first_core_group_working_days,
            policy.core_group_interval_weeks,
            calendar_version(),
        )
    )


def family_help_review_due(previous: date, policy: LocalPolicy | None = None) -> date:
    """A Family Help plan is reviewed within 12 weeks (local) of its start, then of each review;
    on the working day before when that day is a weekend or a bank holiday."""
    policy = policy or LocalPolicy.current()
    return working_day_on_or_before(previous + timedelta(weeks=policy.family_help_review_weeks))


def next_oversight_due(previous: date, policy: LocalPolicy | None = None) -> date:
    """Management oversight of a child on a plan at least every 4 weeks (local)."""
    policy = policy or LocalPolicy.current()
    return previous + timedelta(weeks=policy.oversight_weeks)


def minutes_due(conference_date: date, policy: LocalPolicy | None = None) -> date:
    """Conference minutes distributed within 15 working days (local)."""
    policy = policy or LocalPolicy.current()
    return add_working_days(conference_date, policy.minutes_working_days)


def reports_share_deadline(conference_date: date, policy: LocalPolicy | None = None) -> date:
    """The last day reports may be shared with parents and count as shared in advance: 2
    working days before the conference (local). Shared on Monday for a Wednesday conference
    counts; shared on Tuesday does not."""
    policy = policy or LocalPolicy.current()
    return add_working_days(conference_date, -policy.reports_in_advance_working_days)


def reports_shared_in_advance(
    shared_on: date | None, conference_date: date | None, policy: LocalPolicy | None = None
) -> bool | None:
    """Whether reports shared on `shared_on` were shared in advance of the conference (None:
    not known, because either date is missing)."""
    if shared_on is None or conference_date is None:
        return None
    return shared_on <= reports_share_deadline(conference_date, policy)


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
    """The first day of the 12 months before a referral: the same date a year earlier
    (29 February falls back to 28 February)."""
    year = referral_date.year - RE_REFERRAL_MONTHS // 12
    try:
        return referral_date.replace(year=year)
    except ValueError:
        return referral_date.replace(year=year, day=28)


def within_re_referral_window(referral_date: date, earlier: date) -> bool:
    """Whether `earlier` falls in the 12 months up to and including `referral_date`."""
    return re_referral_window_start(referral_date) <= earlier <= referral_date


def is_re_referral(referral_date: date, previous_referral_dates: Iterable[date]) -> bool:
    """The DfE measure ("re-referrals within 12 months", CIN census): a referral of a child
    within 12 months of a *previous referral* of the same child, whatever became of it.
    `previous_referral_dates` are the dates of the child's referrals received before this one."""
    return any(within_re_referral_window(referral_date, d) for d in previous_referral_dates)


def is_re_referral_after_closure(referral_date: date, closure_dates: Iterable[date]) -> bool:
    """A local measure ("re-referred within 12 months of closure or step-down"): a referral
    of a child whose earlier episode closed, or stepped down to early help, in the 12 months
    before it. It counts from the closure, so it is not the DfE measure."""
    return any(within_re_referral_window(referral_date, d) for d in closure_dates)
