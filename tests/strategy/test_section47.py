import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from strategy import rules, services
from strategy.models import Section47
from tests.accounts.factories import UserFactory
from tests.cases.factories import ReferralFactory
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london


def test_icpc_target_is_15_working_days_across_a_bank_holiday(db):
    referral = ReferralFactory(received_at=london(2018, 8, 21))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2018, 8, 22, 14))
    enquiry = services.section47_start(discussion=discussion, user=UserFactory())
    assert enquiry.start_date == datetime.date(2018, 8, 22)
    assert enquiry.icpc_target_date == datetime.date(2018, 9, 13)


def test_only_one_open_section47_per_child(db):
    first = Section47Factory()
    second_discussion = StrategyDiscussionFactory(
        referral=first.referral, held_at=first.strategy_discussion.held_at
    )
    with pytest.raises(ValidationError, match="already has an open section 47"):
        services.section47_start(discussion=second_discussion, user=UserFactory())
    # And the database itself refuses it.
    with pytest.raises(IntegrityError), transaction.atomic():
        Section47.objects.create(
            child=first.child, referral=first.referral, start_date=first.start_date
        )


def test_a_second_enquiry_can_start_once_the_first_is_completed(db):
    first = Section47Factory()
    first.outcome = "unsubstantiated"
    first.outcome_rationale = "Medical found accidental injury consistent with account."
    first.completion_date = first.start_date
    first.save()
    discussion = StrategyDiscussionFactory(referral=first.referral)
    assert services.section47_start(discussion=discussion, user=UserFactory()).pk


def test_later_strategy_discussion_does_not_move_the_target_date(db):
    enquiry = Section47Factory()
    target = enquiry.icpc_target_date
    later = StrategyDiscussionFactory(
        referral=enquiry.referral,
        follows_enquiry=enquiry,
        s47_decision="continue",
        held_at=enquiry.strategy_discussion.held_at + datetime.timedelta(days=6),
    )
    later.full_clean()
    enquiry.refresh_from_db()
    assert enquiry.icpc_target_date == target
    assert list(enquiry.later_discussions.all()) == [later]


def test_section47_cannot_start_before_the_referral(db):
    referral = ReferralFactory(received_at=london(2026, 10, 5))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2026, 10, 6))
    enquiry = Section47(
        child=referral.child,
        referral=referral,
        strategy_discussion=discussion,
        start_date=datetime.date(2026, 10, 1),
    )
    found = rules.enquiry_in_episode(enquiry, referral, discussion)
    assert "cannot start before the referral was received (5 Oct 2026)" in found["start_date"]


def test_discussion_before_the_referral_is_refused(db):
    referral = ReferralFactory(received_at=london(2026, 10, 5))
    discussion = StrategyDiscussionFactory.build(
        referral=referral,
        child=referral.child,
        held_at=london(2026, 10, 2),
        chair=UserFactory(),
    )
    with pytest.raises(ValidationError, match="cannot be before the referral"):
        discussion.full_clean()


def test_discussion_in_the_future_is_refused(db):
    referral = ReferralFactory()
    discussion = StrategyDiscussionFactory.build(
        referral=referral,
        child=referral.child,
        chair=UserFactory(),
        held_at=london(2099, 1, 1),
    )
    with pytest.raises(ValidationError, match="cannot be recorded in the future"):
        discussion.full_clean()


def test_single_agency_enquiry_needs_a_reason(db):
    referral = ReferralFactory()
    discussion = StrategyDiscussionFactory.build(
        referral=referral,
        child=referral.child,
        chair=UserFactory(),
        enquiry_type="single",
    )
    with pytest.raises(ValidationError, match="reason the enquiry is single-agency"):
        discussion.full_clean()


def test_police_declining_abe_needs_their_reason(db):
    referral = ReferralFactory()
    discussion = StrategyDiscussionFactory.build(
        referral=referral,
        child=referral.child,
        chair=UserFactory(),
        abe_decision="police_declined",
    )
    with pytest.raises(ValidationError, match="reason police gave"):
        discussion.full_clean()


def test_icpc_not_required_needs_a_rationale(db):
    enquiry = Section47Factory()
    enquiry.outcome = "no_icpc"
    with pytest.raises(ValidationError, match="Record the rationale"):
        enquiry.full_clean()


def test_icpc_not_required_cannot_complete_without_manager_agreement(db):
    enquiry = Section47Factory()
    enquiry.outcome = "no_icpc"
    enquiry.outcome_rationale = "Risk managed by the family safety plan and early help."
    enquiry.save()
    enquiry.completion_date = enquiry.start_date
    with pytest.raises(ValidationError, match="manager must agree"):
        enquiry.full_clean()
    enquiry.completion_date = None
    manager = UserFactory()
    services.section47_agree_no_icpc(enquiry=enquiry, manager=manager)
    enquiry.refresh_from_db()
    assert enquiry.manager_agreed_by == manager
    enquiry.completion_date = enquiry.start_date
    enquiry.full_clean()
