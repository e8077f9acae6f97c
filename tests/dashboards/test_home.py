"""The home page puts each role's work first: tasks, the conferences an IRO chairs next, the
conferences business support has to book."""

import datetime

from django.urls import reverse
from django.utils import timezone

from monitoring.models import Alert
from tests.cases.factories import ChildFactory, ReferralFactory
from tests.conferences.factories import ConferenceFactory
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory


def _icpc_for(child, *, chair=None):
    referral = ReferralFactory(child=child)
    discussion = StrategyDiscussionFactory(referral=referral)
    enquiry = Section47Factory(strategy_discussion=discussion)
    return ConferenceFactory(section47=enquiry, chair=chair)


def _home(login, user) -> str:
    return login(user).get(reverse("home")).content.decode()


def test_iro_home_lists_the_conferences_they_chair_and_no_one_elses(world, login):
    _icpc_for(world.child, chair=world.iro)
    theirs = ChildFactory(allocated_team=world.other_team, first_name="Otto", last_name="Elsewise")
    _icpc_for(theirs, chair=world.other_iro)
    content = _home(login, world.iro)
    assert "The next conferences you chair" in content
    assert world.child.full_name in content
    assert "Initial child protection conference" in content
    assert "Otto Elsewise" not in content
    other = _home(login, world.other_iro)
    assert "Otto Elsewise" in other and world.child.full_name not in other


def test_iro_home_leaves_out_a_restricted_record_they_are_not_named_on(world, login):
    _icpc_for(world.child, chair=world.iro)
    world.child.is_restricted = True
    world.child.save(update_fields=["is_restricted"])
    content = _home(login, world.iro)
    assert world.child.full_name not in content
    assert "No upcoming conferences." in content


def test_business_support_home_counts_the_conferences_to_book(world, login):
    assert "No conference is waiting to be booked." in _home(login, world.business_support)
    _icpc_for(world.child)
    _icpc_for(ChildFactory(allocated_team=world.other_team))
    assert "2 conferences requested and not yet booked." in _home(login, world.business_support)


def test_worker_home_says_how_many_tasks_are_overdue_or_due_soon(world, login):
    assert "Nothing is overdue or due soon for you." in _home(login, world.social_worker)
    now = timezone.now()
    Alert.objects.create(
        rule="REFERRAL_DECISION",
        subject_key="referral:1",
        child=world.child,
        status="open",
        due_date=datetime.date(2026, 9, 1),
        responsible_worker=world.social_worker,
        responsible_team=world.team,
        first_found_at=now,
        last_found_at=now,
    )
    assert "1 task overdue or due soon" in _home(login, world.social_worker)
    assert "1 task overdue or due soon" in _home(login, world.team_manager)
    assert "Nothing is overdue" in _home(login, world.other_team_worker)
