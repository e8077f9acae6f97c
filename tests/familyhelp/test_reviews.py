"""Family Help plans and their reviews: the review interval is local (LocalPolicy, 12 weeks by
default), the due dates are stored when the plan or a review is written.

Hand-worked: a plan started Mon 2 Mar 2026 is due for review 12 weeks on, Mon 25 May 2026 --
a bank holiday (the spring bank holiday), so due Fri 22 May. Reviewed Wed 20 May (in time): the
next review is due Wed 12 Aug 2026. With the interval set to 8 weeks, a plan started Mon 2 Mar
2026 is due Mon 27 Apr 2026.
"""

import datetime

import pytest
from django.urls import reverse

from familyhelp import services
from familyhelp.models import EarlyHelpAssessment, FamilyHelpPlan
from familyhelp.selectors import plans_due_review
from monitoring.models import Alert
from monitoring.services import timescales_scan
from timescales.models import LocalPolicy

D = datetime.date


MON_2_MAR_2026 = D(2026, 3, 2)


def _plan(world, start=MON_2_MAR_2026):
    return services.plan_save(
        plan=FamilyHelpPlan(
            child=world.child,
            start_date=start,
            lead_practitioner="Ann Lead",
            lead_agency="education",
            outcomes="Attendance above 90%.",
        ),
        user=world.social_worker,
    )


def test_the_first_review_is_due_the_local_interval_after_the_start(world):
    assert _plan(world).next_review_due == D(2026, 5, 22)


def test_a_review_stores_its_due_date_and_moves_the_next_one(world):
    plan = _plan(world)
    review = services.review_record(
        plan=plan, user=world.social_worker, review_date=D(2026, 5, 20), notes="Going well."
    )
    assert (review.due_date, review.in_time) == (D(2026, 5, 22), True)
    plan.refresh_from_db()
    assert plan.next_review_due == D(2026, 8, 12)
    late = services.review_record(plan=plan, user=world.social_worker, review_date=D(2026, 8, 14))
    assert (late.due_date, late.in_time) == (D(2026, 8, 12), False)


def test_the_interval_is_set_by_the_local_policy(world):
    policy = LocalPolicy.current()
    policy.family_help_review_weeks = 8
    policy.save()
    assert _plan(world).next_review_due == D(2026, 4, 27)


def test_reviews_due_are_listed_and_raised_as_tasks(world, login):
    plan = _plan(world)
    assert list(plans_due_review(world.social_worker, by=D(2026, 5, 22))) == [plan]
    assert list(plans_due_review(world.social_worker, by=D(2026, 5, 21))) == []
    assert list(plans_due_review(world.other_team_worker, by=D(2026, 5, 22))) == []
    timescales_scan(as_of=D(2026, 5, 26))
    alert = Alert.objects.get(rule="FAMILY_HELP_REVIEW", subject_key=f"fh_plan:{plan.pk}")
    assert alert.due_date == D(2026, 5, 22)
    assert alert.status == "open"
    page = login(world.social_worker).get(reverse("familyhelp:waiting")).content.decode()
    assert world.child.full_name in page


def test_an_ended_plan_is_not_due_for_review(world):
    plan = _plan(world)
    plan.end_date = D(2026, 4, 1)
    services.plan_save(plan=plan, user=world.social_worker, expected_version=plan.version)
    plan.refresh_from_db()
    assert plan.next_review_due is None


def test_one_open_plan_at_a_time(world):
    from django.core.exceptions import ValidationError

    _plan(world)
    with pytest.raises(ValidationError):
        _plan(world, start=D(2026, 4, 1))


def test_the_pages_record_an_assessment_a_plan_and_a_review(world, login):
    client = login(world.social_worker)
    response = client.post(
        reverse("familyhelp:assessment-add", args=[world.child.pk]),
        {
            "start_date": "2026-02-02",
            "completion_date": "2026-02-20",
            "lead_practitioner": "Ann Lead",
            "lead_agency": "education",
            "organisation": "Church Road Primary",
        },
    )
    assert response.status_code == 302
    assessment = EarlyHelpAssessment.objects.get(child=world.child)
    response = client.post(
        reverse("familyhelp:plan-add", args=[world.child.pk]),
        {
            "assessment": assessment.pk,
            "start_date": "2026-03-02",
            "lead_practitioner": "Ann Lead",
            "lead_agency": "education",
            "outcomes": "Attendance above 90%.",
        },
    )
    assert response.status_code == 302
    plan = FamilyHelpPlan.objects.get(child=world.child)
    assert plan.next_review_due == D(2026, 5, 22)
    response = client.post(
        reverse("familyhelp:review-add", args=[world.child.pk, plan.pk]),
        {"review_date": "2026-05-20", "notes": "Going well."},
    )
    assert response.status_code == 302
    page = client.get(reverse("familyhelp:child", args=[world.child.pk])).content.decode()
    assert "Church Road Primary" in page
    assert "12 Aug 2026" in page


@pytest.mark.parametrize(
    "persona,status",
    [
        ("social_worker", 200),
        ("team_manager", 200),
        ("other_team_worker", 404),
        ("other_manager", 404),
        ("iro", 404),
        ("administrator", 404),
        ("senior_manager", 200),
    ],
)
def test_the_family_help_page_is_behind_the_one_door(world, login, persona, status):
    response = login(world.persona(persona)).get(reverse("familyhelp:child", args=[world.child.pk]))
    assert response.status_code == status
