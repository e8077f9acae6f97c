"""My work (#23 items 6 and 7): every task links to the form that takes its next step; a
manager sees the decisions waiting for them, one click from each decision form; what falls due
this week is listed; the child's summary says what comes next from the same stored due dates."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.services import child_restrict
from monitoring.actions import next_step
from monitoring.rules import RULES
from tests.cases.factories import AssessmentFactory, ChildFactory, ReferralFactory
from tests.monitoring.factories import stored_alert

TASKS = reverse("monitoring:my-tasks")


@pytest.mark.parametrize("rule", [r.code for r in RULES])
def test_every_rule_names_a_next_step_with_a_form(rule):
    step = next_step(rule, "subject:7", 3, datetime.date(2026, 12, 4))
    assert step is not None, rule
    assert step.url.startswith("/") and step.label
    assert step.sentence.endswith("by 4 Dec 2026")


def _alert(world, child, rule, status, due, subject):
    return stored_alert(child, rule, subject, due, status)


def test_a_task_is_one_click_from_its_form(world, login):
    today = timezone.localdate()
    _alert(
        world, world.child, "STATUTORY_VISIT", "open", today - datetime.timedelta(days=3), "plan:1"
    )
    client = login(world.social_worker)
    content = client.get(TASKS).content.decode()
    add_visit = reverse("cases:visit-add", args=[world.child.pk])
    assert f'<a href="{add_visit}">Record a visit' in content
    assert client.get(add_visit).status_code == 200


def test_what_falls_due_this_week_is_listed_and_later_things_are_not(world, login):
    today = timezone.localdate()
    _alert(
        world,
        world.child,
        "STATUTORY_VISIT",
        "upcoming",
        today + datetime.timedelta(days=3),
        "plan:1",
    )
    _alert(
        world,
        world.child,
        "LATER_REVIEW",
        "upcoming",
        today + datetime.timedelta(days=40),
        "plan:1",
    )
    response = login(world.social_worker).get(TASKS)
    coming = response.context["coming"]
    assert [a.rule for a in coming] == ["STATUTORY_VISIT"]
    assert "Due this week" in response.content.decode()


def test_a_manager_sees_decisions_waiting_one_click_from_the_form(world, login):
    referral = ReferralFactory(child=world.child)
    other = ChildFactory(allocated_team=world.team)
    assessment = AssessmentFactory(
        child=other,
        referral=ReferralFactory(child=other, decision="assessment"),
        outcome="cin_plan",
    )
    # Another team's referral and a restricted child the manager is not named on: not listed.
    ReferralFactory(child=ChildFactory(allocated_team=world.other_team))
    hidden = ChildFactory(allocated_team=world.team, last_name="Hiddenfield")
    ReferralFactory(child=hidden)
    child_restrict(
        child=hidden, user=world.team_manager, restricted=True, people=[world.social_worker]
    )
    client = login(world.team_manager)
    response = client.get(TASKS)
    groups = {g["title"]: g for g in response.context["decisions"]}
    referrals = groups["Threshold decisions on referrals"]
    assert referrals["count"] == 1
    decide = reverse("cases:referral-decide", args=[world.child.pk, referral.pk])
    assert referrals["rows"][0]["url"] == decide
    content = response.content.decode()
    assert f'<a href="{decide}">Decide the referral' in content
    assert "Hiddenfield" not in content
    assert client.get(decide).status_code == 200  # the form itself, one click away
    authorise = reverse("cases:assessment-authorise", args=[other.pk, assessment.pk])
    assert groups["Assessments to authorise"]["rows"][0]["url"] == authorise
    assert client.get(authorise).status_code == 200
    # A social worker has no decisions section.
    assert login(world.social_worker).get(TASKS).context["decisions"] == []


def test_my_work_costs_the_same_queries_as_it_grows(world, login, django_assert_max_num_queries):
    today = timezone.localdate()

    def grow(n):
        for _ in range(n):
            child = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
            ReferralFactory(child=child)
            _alert(world, child, "STATUTORY_VISIT", "open", today, f"plan:{child.pk}")
            _alert(
                world,
                child,
                "FIRST_CORE_GROUP",
                "upcoming",
                today + datetime.timedelta(days=2),
                f"plan:{child.pk}",
            )

    client = login(world.team_manager)
    grow(2)
    with CaptureQueriesContext(connection) as few:
        client.get(TASKS)
    grow(12)
    with django_assert_max_num_queries(len(few)):
        response = client.get(TASKS)
    assert len(response.context["coming"]) == 14


def test_the_summary_says_what_comes_next_with_a_link(world, login):
    today = timezone.localdate()
    _alert(
        world,
        world.child,
        "STATUTORY_VISIT",
        "upcoming",
        today + datetime.timedelta(days=5),
        "plan:1",
    )
    content = (
        login(world.social_worker)
        .get(reverse("cases:child-detail", args=[world.child.pk]))
        .content.decode()
    )
    assert "What comes next" in content
    assert (
        f'<a href="{reverse("cases:visit-add", args=[world.child.pk])}">Record a visit' in content
    )
