"""Every event page says what comes next and links to it (#23 item 6), from the same stored due
dates as the alerts and the child's summary."""

import datetime

from django.urls import reverse

from tests.cases.factories import ReferralFactory
from tests.conferences.factories import ConferenceFactory, PlanFactory
from tests.monitoring.factories import stored_alert as _alert
from tests.strategy.factories import Section47Factory


def test_a_strategy_decision_asks_for_the_strategy_discussion(world, login):
    referral = ReferralFactory(child=world.child, decision="strategy")
    url = reverse("cases:referral-detail", args=[world.child.pk, referral.pk])
    content = login(world.social_worker).get(url).content.decode()
    add = reverse("strategy:discussion-add", args=[world.child.pk])
    assert f'<a href="{add}">Record the strategy discussion</a>' in content


def test_the_plan_page_books_the_first_core_group_by_its_date(world, login):
    plan = PlanFactory(child=world.child, start_date=datetime.date(2026, 12, 1))
    _alert(world.child, "FIRST_CORE_GROUP", f"plan:{plan.pk}", datetime.date(2026, 12, 15))
    _alert(world.child, "STATUTORY_VISIT", "plan:999999", datetime.date(2026, 12, 9))
    url = reverse("conferences:plan-detail", args=[world.child.pk, plan.pk])
    content = login(world.social_worker).get(url).content.decode()
    add = reverse("conferences:core-group-add", args=[world.child.pk, plan.pk])
    assert f'<a href="{add}">Record the first core group</a> by 15 Dec 2026' in content
    # Another record's step is not this page's.
    assert "Record a visit" not in content


def test_the_conference_page_shows_its_plans_next_steps(world, login):
    plan = PlanFactory(child=world.child, start_date=datetime.date(2026, 12, 1))
    conference = ConferenceFactory(
        section47__child=world.child,
        child=world.child,
        plan=plan,
        status="held",
        held_on=datetime.date(2026, 12, 1),
    )
    _alert(world.child, "FIRST_CORE_GROUP", f"plan:{plan.pk}", datetime.date(2026, 12, 15))
    content = (
        login(world.social_worker)
        .get(reverse("conferences:detail", args=[conference.pk]))
        .content.decode()
    )
    assert "Record the first core group</a> by 15 Dec 2026" in content


def test_the_enquiry_page_asks_for_the_icpc_and_a_reader_gets_no_link(world, login):
    enquiry = Section47Factory(child=world.child)
    _alert(
        world.child,
        "ICPC_15",
        f"section47:{enquiry.pk}",
        datetime.date(2026, 12, 10),
        status="due_soon",
    )
    url = reverse("strategy:section47-detail", args=[world.child.pk, enquiry.pk])
    content = login(world.social_worker).get(url).content.decode()
    detail = reverse("strategy:section47-detail", args=[world.child.pk, enquiry.pk])
    assert f'<a href="{detail}">Request the initial child protection conference</a>' in content
    # Someone who may read the record but not write it sees the step, not a link to a form.
    content = login(world.senior_manager).get(url).content.decode()
    if "Request the initial child protection conference" in content:
        assert f'<a href="{detail}">Request the initial' not in content
