"""Visits set at the conference (issue 15, item 13): the conference sets how often the child is
visited and whether the child is to be seen alone; the visit rule and the stored timeliness use
the child's own frequency; any visit where the child was seen counts, not only visits typed
"statutory". Dates are worked by hand."""

import datetime

import pytest
from django.urls import reverse

from cases.models import Visit
from conferences.models import ChildProtectionPlan
from conferences.timeliness import refresh_timeliness
from monitoring.models import Alert, AlertStatus
from monitoring.services import timescales_scan
from tests.cases.factories import VisitFactory
from tests.conferences.diary_helpers import book, days_ago, icpc_for, today
from tests.conferences.factories import PlanFactory
from tests.conferences.test_chairing import _outcome_post

D = datetime.date


def _alert(rule, plan):
    return Alert.objects.filter(rule=rule, subject_key=f"plan:{plan.pk}").exclude(
        status=AlertStatus.RESOLVED
    )


def test_the_icpc_sets_the_visits_and_the_plan_carries_them(world, login):
    conference = book(icpc_for(world.child, strategy_on=days_ago(1)), chair=world.iro)
    response = login(world.iro).post(
        reverse("conferences:outcome", args=[conference.pk]),
        _outcome_post(conference, visit_working_days="15"),  # see_child_alone unticked
    )
    assert response.status_code == 302
    plan = ChildProtectionPlan.objects.get(child=world.child)
    assert (plan.visit_working_days, plan.see_child_alone) == (15, False)
    page = login(world.social_worker).get(
        reverse("conferences:plan-detail", args=[world.child.pk, plan.pk])
    )
    assert "At most 15 working days apart (set by the conference)" in page.content.decode()


def test_a_frequency_out_of_range_is_refused_on_the_form(world, login):
    conference = book(icpc_for(world.child, strategy_on=days_ago(1)), chair=world.iro)
    response = login(world.iro).post(
        reverse("conferences:outcome", args=[conference.pk]),
        _outcome_post(conference, visit_working_days="45", see_child_alone="on"),
    )
    assert response.status_code == 200
    assert "visit_working_days" in response.context["form"].errors
    assert not ChildProtectionPlan.objects.filter(child=world.child).exists()


def test_the_form_says_the_local_default(db):
    from conferences.forms.diary import OutcomeForm
    from conferences.models import Conference, ConferenceType

    form = OutcomeForm(
        instance=Conference(conference_type=ConferenceType.INITIAL, target_date=today())
    )
    assert "at most 10 working days apart" in form.fields["visit_working_days"].help_text


def test_the_rule_and_the_stored_visits_use_the_childs_own_frequency(world):
    """Plan from Mon 2 Nov 2026 with visits every 15 working days: a visit on Mon 2 Nov is
    followed by one due by Mon 23 Nov (15 working days), not Mon 16 Nov (the local 10)."""
    plan = PlanFactory(child=world.child, start_date=D(2026, 11, 2), visit_working_days=15)
    VisitFactory(child=world.child, visit_date=D(2026, 11, 2))
    later = VisitFactory(child=world.child, visit_date=D(2026, 11, 20))
    timescales_scan(as_of=D(2026, 11, 20), child_ids=[world.child.pk])
    later.refresh_from_db()
    assert (later.due_date, later.in_timescale) == (D(2026, 11, 23), True)
    # From Fri 20 Nov, 15 working days: Fri 11 Dec.
    assert _alert("STATUTORY_VISIT", plan).get().due_date == D(2026, 12, 11)


def test_any_visit_where_the_child_was_seen_counts(world):
    """A child in need visit, an assessment visit: the child was seen, so it counts."""
    plan = PlanFactory(child=world.child, start_date=D(2026, 11, 2))
    seen = VisitFactory(child=world.child, visit_date=D(2026, 11, 12), visit_type="s47")
    VisitFactory(
        child=world.child,
        visit_date=D(2026, 11, 13),
        visit_type="statutory_cp",
        child_seen=False,
        seen_alone=False,
        childs_words="",
        reason_not_seen="No one answered the door.",
    )
    timescales_scan(as_of=D(2026, 11, 13), child_ids=[world.child.pk])
    seen.refresh_from_db()
    assert (seen.due_date, seen.in_timescale) == (D(2026, 11, 16), True)
    # Measured from the s47 visit on Thu 12 Nov, not from the unseen one: Thu 26 Nov.
    assert _alert("STATUTORY_VISIT", plan).get().due_date == D(2026, 11, 26)


def test_a_visit_when_the_child_is_on_no_plan_is_not_a_statutory_visit(world):
    PlanFactory(child=world.child, start_date=D(2026, 6, 1), end_date=D(2026, 9, 30))
    after = VisitFactory(child=world.child, visit_date=D(2026, 10, 14))
    refresh_timeliness([world.child.pk])
    after.refresh_from_db()
    assert (after.due_date, after.in_timescale) == (None, None)
    assert not Visit.objects.statutory().filter(pk=after.pk).exists()


@pytest.mark.parametrize("asked", [True, False])
def test_a_child_not_seen_alone_when_the_conference_asked_is_an_alert(world, asked):
    plan = PlanFactory(child=world.child, start_date=D(2026, 11, 2), see_child_alone=asked)
    VisitFactory(child=world.child, visit_date=D(2026, 11, 10), seen_alone=False)
    timescales_scan(as_of=D(2026, 11, 10), child_ids=[world.child.pk])
    found = _alert("SEEN_ALONE", plan)
    assert found.exists() == asked
    if asked:
        assert "10 Nov 2026" in found.get().evidence
    # Seen alone at the next visit: the gap is closed.
    VisitFactory(child=world.child, visit_date=D(2026, 11, 17), seen_alone=True)
    timescales_scan(as_of=D(2026, 11, 17), child_ids=[world.child.pk])
    assert not _alert("SEEN_ALONE", plan).exists()


def test_a_review_changes_the_frequency(world):
    from conferences import services
    from tests.conferences.factories import hold

    conference = icpc_for(world.child, strategy_on=days_ago(40))
    hold(conference, chair=world.iro, held_on=days_ago(30))
    plan = ChildProtectionPlan.objects.get(child=world.child)
    assert plan.visit_working_days is None
    review = plan.conferences.get(conference_type="review")
    review.chair = world.iro
    review.held_on = today()
    review.decision = "continue"
    review.category = plan.latest_category
    review.visit_working_days = 5
    review.see_child_alone = False
    review.save()
    services.conference_record_outcome(
        conference=review, user=world.iro, expected_version=review.version
    )
    plan.refresh_from_db()
    assert (plan.visit_working_days, plan.see_child_alone) == (5, False)
