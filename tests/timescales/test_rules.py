"""The due-date arithmetic of timescales/rules.py, on dates worked out by hand."""

from datetime import date

import pytest

from timescales import rules


@pytest.mark.parametrize(
    "previous, due",
    [
        # Thu 6 Aug 2026 + 6 months is Saturday 6 Feb 2027: due Friday 5 Feb.
        (date(2026, 8, 6), date(2027, 2, 5)),
        # Wed 1 Jul 2026 + 6 months is Friday 1 Jan 2027, a bank holiday: Thursday 31 Dec.
        (date(2026, 7, 1), date(2026, 12, 31)),
        # Mon 26 Jul 2027 + 6 months is Wednesday 26 Jan 2028, a working day: as it is.
        (date(2027, 7, 26), date(2028, 1, 26)),
        # Mon 30 Aug 2027 (a bank holiday, the review held late) + 6 months is Wednesday
        # 29 Feb 2028 (the end of February): a working day.
        (date(2027, 8, 30), date(2028, 2, 29)),
    ],
)
def test_later_review_due_on_a_non_working_day_falls_on_the_working_day_before(previous, due):
    assert rules.later_review_due(previous) == due


@pytest.mark.parametrize(
    "icpc, due",
    [
        # Mon 27 Sep 2027 + 3 months is Monday 27 Dec 2027, the Christmas Day substitute; back
        # over Sunday 26 and Saturday 25 Dec to Friday 24 Dec.
        (date(2027, 9, 27), date(2027, 12, 24)),
        # Tue 29 Dec 2026 + 3 months is Easter Monday 29 Mar 2027; back over the weekend and
        # Good Friday 26 Mar to Thursday 25 Mar.
        (date(2026, 12, 29), date(2027, 3, 25)),
        # Mon 30 Nov 2026 + 3 months is Sunday 28 Feb 2027: Friday 26 Feb.
        (date(2026, 11, 30), date(2027, 2, 26)),
        # Mon 2 Mar 2026 + 3 months is Tuesday 2 Jun 2026, a working day: as it is.
        (date(2026, 3, 2), date(2026, 6, 2)),
    ],
)
def test_first_review_due_on_a_non_working_day_falls_on_the_working_day_before(icpc, due):
    assert rules.first_review_due(icpc) == due


def test_working_day_on_or_before():
    assert rules.working_day_on_or_before(date(2026, 12, 28)) == date(2026, 12, 24)
    assert rules.working_day_on_or_before(date(2026, 12, 24)) == date(2026, 12, 24)


def test_re_referral_counts_from_the_previous_referral():
    # Referral Tue 1 Jun 2027: a previous referral on Tue 1 Jun 2026 (the same date a year
    # before) is within 12 months; one on Mon 31 May 2026 is not.
    assert rules.is_re_referral(date(2027, 6, 1), [date(2026, 6, 1)])
    assert not rules.is_re_referral(date(2027, 6, 1), [date(2026, 5, 31)])
    assert not rules.is_re_referral(date(2027, 6, 1), [])
    # 29 Feb 2028: the year before starts on 28 Feb 2027.
    assert rules.is_re_referral(date(2028, 2, 29), [date(2027, 2, 28)])
    assert not rules.is_re_referral(date(2028, 2, 29), [date(2027, 2, 27)])


def test_re_referral_after_closure_counts_from_the_closure():
    # Referred 3 Mar 2026, closed 1 Jun 2026; referred again 1 Jun 2027: more than 12 months
    # after the referral (not a DfE re-referral) but within 12 months of the closure.
    assert not rules.is_re_referral(date(2027, 6, 1), [date(2026, 3, 3)])
    assert rules.is_re_referral_after_closure(date(2027, 6, 1), [date(2026, 6, 1)])
    assert not rules.is_re_referral_after_closure(date(2027, 6, 2), [date(2026, 6, 1)])
