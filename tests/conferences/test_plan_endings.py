"""Ending a child protection plan other than at a review: the child reaches 18, dies, leaves the
country or becomes looked after (a move to another authority: test_transfers.py). Each ends the
plan on its date with its reason, cancels the reviews to come, closes the episode with the
census reason where the authority's involvement ends, resolves the plan's alerts and is in the
chronology."""

import datetime

import pytest
from django.urls import reverse

from cases.chronology import chronology_for
from cases.models import Child, Referral
from conferences.models import ChildProtectionPlan, Conference, PlanVersion
from conferences.services_transfers import plan_end_outside_review
from monitoring.models import Alert
from monitoring.services import timescales_scan
from tests.cases.factories import AssessmentFactory, ReferralFactory
from tests.conferences.factories import ConferenceFactory, hold
from tests.strategy.factories import Section47Factory, StrategyDiscussionFactory, london
from timescales import rules as timescales

D = datetime.date
URL = "conferences:plan-end"


@pytest.fixture
def plan(world):
    """world.child (allocated to world.social_worker) on a plan from Tuesday 8 September 2026,
    made at an ICPC world.iro chaired; the child turns 18 on Friday 20 November 2026."""
    Child.objects.filter(pk=world.child.pk).update(date_of_birth=D(2008, 11, 20))
    referral = ReferralFactory(child=world.child, received_at=london(2026, 8, 17, 9))
    discussion = StrategyDiscussionFactory(referral=referral, held_at=london(2026, 8, 18, 11))
    icpc = ConferenceFactory(section47=Section47Factory(strategy_discussion=discussion))
    hold(icpc, chair=world.iro, held_on=D(2026, 9, 8))
    return ChildProtectionPlan.objects.get(child=world.child)


def _end(plan, user, reason, day, **extra):
    return plan_end_outside_review(
        plan=plan, user=user, reason=reason, end_date=day, details="Synthetic: confirmed.", **extra
    )


def test_eighteenth_birthday_of_a_leap_day_child_is_1_march():
    assert timescales.eighteenth_birthday(D(2008, 2, 29)) == D(2026, 3, 1)
    assert timescales.eighteenth_birthday(D(2008, 11, 20)) == D(2026, 11, 20)


def test_a_plan_cannot_end_for_age_before_the_18th_birthday(world, plan):
    with pytest.raises(Exception) as error:
        _end(plan, world.social_worker, "reached_18", D(2026, 11, 19))
    assert "not 18 until 20 Nov 2026" in str(error.value)
    plan.refresh_from_db()
    assert plan.is_open


def test_reaching_18_ends_the_plan_cancels_reviews_and_closes_the_episode(world, plan):
    _end(plan, world.social_worker, "reached_18", D(2026, 11, 20), closure_reason="RC6")
    plan.refresh_from_db()
    assert plan.end_date == D(2026, 11, 20)
    assert plan.end_reason == "reached_18"
    assert plan.end_next_step == "adult_services"
    assert plan.ended_by == world.social_worker
    review = Conference.objects.get(plan=plan, conference_type="review")
    assert review.status == "cancelled"
    assert review.cancelled_reason == "The plan ended on 20 Nov 2026: the child reached 18."
    episode = Referral.objects.get(child=world.child)
    assert (episode.closure_date, episode.closure_reason) == (D(2026, 11, 20), "RC6")
    assert PlanVersion.objects.filter(plan=plan, reason__startswith="Plan ended").exists()


def test_reaching_18_without_adult_services_closes_rc7(world, plan):
    _end(plan, world.social_worker, "reached_18", D(2026, 11, 23))
    assert Referral.objects.get(child=world.child).closure_reason == "RC7"
    plan.refresh_from_db()
    assert plan.end_next_step == "nfi"


def test_a_death_records_the_date_of_death_and_closes_rc2(world, plan):
    _end(plan, world.social_worker, "died", D(2026, 10, 14))
    world.child.refresh_from_db()
    assert world.child.date_of_death == D(2026, 10, 14)
    episode = Referral.objects.get(child=world.child)
    assert (episode.closure_date, episode.closure_reason) == (D(2026, 10, 14), "RC2")


def test_a_death_must_match_the_date_already_recorded(world, plan):
    Child.objects.filter(pk=world.child.pk).update(date_of_death=D(2026, 10, 13))
    with pytest.raises(Exception) as error:
        _end(plan, world.social_worker, "died", D(2026, 10, 14))
    assert "died on 13 Oct 2026" in str(error.value)


def test_leaving_the_country_closes_rc7(world, plan):
    _end(plan, world.social_worker, "left_country", D(2026, 10, 2))
    assert Referral.objects.get(child=world.child).closure_reason == "RC7"


def test_becoming_looked_after_keeps_the_episode_open(world, plan):
    _end(plan, world.social_worker, "looked_after", D(2026, 10, 2))
    plan.refresh_from_db()
    assert plan.end_next_step == "looked_after"
    assert Referral.objects.get(child=world.child).closure_date is None


def test_a_closure_reason_that_does_not_fit_is_refused(world, plan):
    with pytest.raises(Exception) as error:
        _end(plan, world.social_worker, "died", D(2026, 10, 14), closure_reason="RC5")
    assert "choose RC2" in str(error.value)


def test_the_plan_cannot_end_on_the_day_it_started(world, plan):
    # Census rule 8840, held by ChildProtectionPlan.clean.
    with pytest.raises(Exception) as error:
        _end(plan, world.social_worker, "looked_after", D(2026, 9, 8))
    assert "same day" in str(error.value)


def test_an_episode_that_cannot_close_leaves_everything_as_it_was(world, plan):
    # An assessment in the episode not yet authorised: the episode cannot close (census 8867),
    # so neither does the plan, nor is the date of death recorded.
    referral = Referral.objects.get(child=world.child)
    AssessmentFactory(referral=referral, child=world.child, start_date=D(2026, 8, 18))
    with pytest.raises(Exception) as error:
        _end(plan, world.social_worker, "died", D(2026, 10, 14))
    assert "cannot close that day" in str(error.value)
    plan.refresh_from_db()
    world.child.refresh_from_db()
    assert plan.is_open and world.child.date_of_death is None


def test_the_plans_alerts_resolve_when_it_ends(world, plan, django_capture_on_commit_callbacks):
    timescales_scan(child_ids=[world.child.pk])
    subject = f"plan:{plan.pk}"
    pending = Alert.objects.filter(subject_key=subject).exclude(status="resolved")
    assert {"FIRST_REVIEW", "FIRST_CORE_GROUP", "STATUTORY_VISIT"} <= set(
        pending.values_list("rule", flat=True)
    )
    with django_capture_on_commit_callbacks(execute=True):
        _end(plan, world.social_worker, "looked_after", D(2026, 10, 2))
    assert not pending.exists()
    assert Alert.objects.filter(subject_key=subject, status="resolved").count() >= 3


def test_the_ending_is_in_the_chronology(world, plan):
    _end(plan, world.social_worker, "left_country", D(2026, 10, 2))
    events = [e.description for e in chronology_for(world.child)]
    assert any(
        "plan ended (the child left the country); next: No further involvement" in e for e in events
    )


# --- The page -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("social_worker", 200),
        ("same_team_worker", 200),
        ("team_manager", 200),
        ("iro", 404),
        ("other_team_worker", 404),
        ("administrator", 404),
    ],
)
def test_only_the_childs_team_and_managers_may_end_the_plan(world, plan, login, persona, status):
    client = login(world.persona(persona))
    assert client.get(reverse(URL, args=[world.child.pk, plan.pk])).status_code == status


def test_the_form_says_what_is_missing_in_an_error_summary(world, plan, login):
    client = login(world.social_worker)
    page = client.post(
        reverse(URL, args=[world.child.pk, plan.pk]),
        {"version": plan.version, "reason": "", "end_date": ""},
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "There is a problem" in html
    assert "Choose why the plan is ending." in html
    assert "Give the date the plan ends." in html
    plan.refresh_from_db()
    assert plan.is_open


def test_the_form_ends_the_plan_and_the_plan_page_says_why(world, plan, login):
    client = login(world.social_worker)
    url = reverse(URL, args=[world.child.pk, plan.pk])
    page = client.post(
        url,
        {
            "version": plan.version,
            "reason": "looked_after",
            "end_date": "2026-10-02",
            "details": "Placed with foster carers under an interim care order.",
        },
    )
    assert page.status_code == 302
    plan.refresh_from_db()
    assert plan.end_date == D(2026, 10, 2)
    detail = client.get(reverse("conferences:plan-detail", args=[world.child.pk, plan.pk]))
    html = detail.content.decode()
    assert "The child became looked after: Placed with foster carers" in html
    assert "End the plan outside a review" not in html  # an ended plan is closed
    again = client.get(url)
    assert again.status_code == 302


def test_a_stale_form_is_refused(world, plan, login):
    client = login(world.social_worker)
    page = client.post(
        reverse(URL, args=[world.child.pk, plan.pk]),
        {
            "version": plan.version - 1 if plan.version > 1 else plan.version + 5,
            "reason": "left_country",
            "end_date": "2026-10-02",
            "details": "Moved abroad.",
        },
    )
    assert page.status_code == 200
    assert "Someone else saved this record" in page.content.decode()
    plan.refresh_from_db()
    assert plan.is_open
