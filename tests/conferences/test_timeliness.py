"""Stored timeliness of visits and core groups (conferences.timeliness): each one's due date and
whether it was met are stored when it is written and read everywhere else, worked out again
when the local timescales or the calendar change. Dates are worked by hand."""

import datetime

import pytest
from django.urls import reverse

from cases.models import Visit
from conferences.models import CoreGroupMeeting
from conferences.timeliness import refresh_timeliness
from monitoring.models import Alert
from monitoring.services import timescales_scan
from tests.accounts.factories import UserFactory
from tests.cases.factories import VisitFactory
from tests.conferences.factories import PlanFactory
from timescales.models import LocalPolicy

D = datetime.date


def stored(visit):
    visit.refresh_from_db()
    return visit.due_date, visit.in_timescale


@pytest.fixture
def plan(world):
    # Plan from Monday 2 Nov 2026 for the world's child.
    return PlanFactory(child=world.child, start_date=D(2026, 11, 2))


def test_a_visit_recorded_on_the_page_stores_when_it_was_due(
    world, plan, login, django_capture_on_commit_callbacks
):
    """The first visit after a plan that began Mon 2 Nov 2026 is due by the 10th working day,
    Mon 16 Nov: one on Wed 18 Nov is late, and stored as late at once."""
    with django_capture_on_commit_callbacks(execute=True):
        response = login(world.social_worker).post(
            reverse("cases:visit-add", args=[world.child.pk]),
            {
                "visit_date": "2026-11-18",
                "visit_type": "statutory_cp",
                "child_seen": "on",
                "seen_alone": "on",
                "childs_words": "I like school.",
            },
        )
    assert response.status_code == 302
    visit = Visit.objects.get(child=world.child)
    assert stored(visit) == (D(2026, 11, 16), False)


def test_a_visit_put_in_between_changes_when_the_next_one_was_due(world, plan):
    first = VisitFactory(child=world.child, visit_date=D(2026, 11, 13))  # due 16 Nov: met
    later = VisitFactory(child=world.child, visit_date=D(2026, 12, 4))
    refresh_timeliness([world.child.pk])
    # From Fri 13 Nov, the 10th working day is Fri 27 Nov: the 4 Dec visit was late.
    assert stored(first) == (D(2026, 11, 16), True)
    assert stored(later) == (D(2026, 11, 27), False)
    # A visit on Wed 25 Nov recorded afterwards: the 4 Dec one is now due by Wed 9 Dec.
    VisitFactory(child=world.child, visit_date=D(2026, 11, 25))
    assert refresh_timeliness([world.child.pk]) == 2
    assert stored(later) == (D(2026, 12, 9), True)


def test_a_visit_that_no_longer_counts_keeps_no_timeliness(world, plan):
    """Recorded afterwards as a visit where the child was not seen, it is no statutory visit."""
    visit = VisitFactory(child=world.child, visit_date=D(2026, 11, 13))
    refresh_timeliness([world.child.pk])
    assert stored(visit) == (D(2026, 11, 16), True)
    Visit.objects.filter(pk=visit.pk).update(
        child_seen=False, seen_alone=False, reason_not_seen="Asleep."
    )
    refresh_timeliness([world.child.pk])
    assert stored(visit) == (None, None)


def test_bank_holidays_give_more_time(world):
    """From Fri 22 Dec 2023 (25, 26 Dec and 1 Jan bank holidays) the 10th working day is Wed
    10 Jan 2024."""
    PlanFactory(child=world.child, start_date=D(2023, 12, 1))
    VisitFactory(child=world.child, visit_date=D(2023, 12, 22))
    in_time = VisitFactory(child=world.child, visit_date=D(2024, 1, 10))
    refresh_timeliness()
    assert stored(in_time) == (D(2024, 1, 10), True)


def test_core_groups_first_from_the_plan_then_six_weeks(world):
    """Plan from Thu 17 Dec 2026: the first core group is due by the 10th working day, Tue 5 Jan
    2027 (Christmas, Boxing Day's substitute Mon 28 Dec and 1 Jan are bank holidays); the next
    six weeks after it, Tue 16 Feb."""
    plan = PlanFactory(child=world.child, start_date=D(2026, 12, 17))
    user = UserFactory()
    first, second = (
        CoreGroupMeeting.objects.create(plan=plan, meeting_date=d, attendees="x", recorded_by=user)
        for d in (D(2027, 1, 5), D(2027, 2, 20))
    )
    refresh_timeliness()
    assert stored(first) == (D(2027, 1, 5), True)
    assert stored(second) == (D(2027, 2, 16), False)


def test_a_change_of_local_timescale_is_caught_up_by_the_next_scan(world, plan):
    """Stored timeliness does not change with the date, so a whole scan works it out again only
    when the local timescales or the calendar changed since it was stored."""
    visit = VisitFactory(child=world.child, visit_date=D(2026, 11, 11))  # 7th working day
    timescales_scan(as_of=D(2026, 11, 20))
    assert stored(visit) == (D(2026, 11, 16), True)
    # Nothing changed: the next whole scan does not read visits again.
    Visit.objects.filter(pk=visit.pk).update(in_timescale=None)  # a marker the scan would undo
    timescales_scan(as_of=D(2026, 11, 21))
    assert stored(visit) == (D(2026, 11, 16), None)
    policy = LocalPolicy.current()
    policy.statutory_visit_working_days = 5
    policy.save()
    timescales_scan(as_of=D(2026, 11, 22))
    assert stored(visit) == (D(2026, 11, 9), False)


def test_the_next_due_alert_and_the_stored_due_date_are_one_rule(world, plan):
    """What the child's record says the next visit is due by is what the visit, once recorded,
    is stored as due by: over a run of visits, some late, each agrees."""
    for visited in (D(2026, 11, 12), D(2026, 11, 30), D(2026, 12, 3), D(2026, 12, 21)):
        timescales_scan(as_of=visited, child_ids=[world.child.pk])
        alert = Alert.objects.get(rule="STATUTORY_VISIT", subject_key=f"plan:{plan.pk}")
        visit = VisitFactory(child=world.child, visit_date=visited)
        timescales_scan(as_of=visited, child_ids=[world.child.pk])
        assert stored(visit)[0] == alert.due_date, visited


def test_the_visits_page_says_which_visit_was_late(world, plan, login):
    VisitFactory(child=world.child, visit_date=D(2026, 11, 13))  # due Mon 16 Nov: in time
    VisitFactory(child=world.child, visit_date=D(2026, 11, 30))  # due Fri 27 Nov: late
    refresh_timeliness([world.child.pk])
    page = login(world.social_worker).get(reverse("cases:visits", args=[world.child.pk]))
    text = page.content.decode()
    assert "In timescale (due by 16 Nov 2026)" in text
    assert "Late: was due by 27 Nov 2026" in text
