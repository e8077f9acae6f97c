"""The child's "Next due" reads the timescales the rules stored: it agrees with the alerts, and
lists every timescale of a child on a plan, statutory visits and core groups included."""

import datetime

from django.urls import reverse
from django.utils import timezone

from cases.selectors import child_summary
from conferences.models import CoreGroupMeeting
from monitoring.models import Alert, AlertStatus
from monitoring.services import timescales_scan
from tests.cases.factories import ReferralFactory, VisitFactory
from tests.conferences.factories import PlanFactory
from tests.strategy.factories import london

D = datetime.date


def test_next_due_lists_visits_core_groups_and_reviews_of_a_child_on_a_plan(world, login):
    today = timezone.localdate()
    start = today - datetime.timedelta(days=20)
    plan = PlanFactory(child=world.child, start_date=start)
    VisitFactory(
        child=world.child,
        visit_date=today - datetime.timedelta(days=2),
        visit_type="statutory_cp",
        child_seen=True,
    )
    CoreGroupMeeting.objects.create(
        plan=plan,
        meeting_date=today - datetime.timedelta(days=3),
        attendees="Mum, school nurse",
        recorded_by=world.social_worker,
    )
    timescales_scan(as_of=today)
    summary = child_summary(world.child, world.social_worker)
    due = {d["what"]: d["date"] for d in summary["due"]}
    stored = {
        a.definition.title: a.due_date
        for a in Alert.objects.filter(child=world.child, due_date__isnull=False)
        if not a.definition.immediate
    }
    assert {"Statutory visit", "Core group", "First review conference"} <= set(due)
    assert due == stored  # one source: what the rules stored
    page = login(world.social_worker).get(reverse("cases:child-detail", args=[world.child.pk]))
    content = page.content.decode()
    assert "Statutory visit" in content and "Core group" in content


def test_assessment_due_and_its_alert_are_about_the_same_referral(world):
    """The rule counts a referral that went to a strategy discussion; the summary did not."""
    ReferralFactory(child=world.child, received_at=london(2026, 8, 3, 9), decision="strategy")
    timescales_scan(as_of=D(2026, 11, 10))
    alert = Alert.objects.get(child=world.child, rule="ASSESSMENT_45")
    summary = child_summary(world.child, world.social_worker)
    assessments = [d for d in summary["due"] if d["what"] == alert.definition.title]
    assert [(d["date"], d["overdue"]) for d in assessments] == [(alert.due_date, True)]
    # And it is warned about once, not twice (the alert box lists the alert itself).
    texts = summary["alerts"] + [a.definition.title for a in summary["open_alerts"]]
    assert sum("ssessment" in t for t in texts) == 1


def test_a_timescale_not_yet_due_is_stored_but_is_no_task(world, login):
    today = timezone.localdate()
    PlanFactory(child=world.child, start_date=today)
    timescales_scan(as_of=today)
    review = Alert.objects.get(child=world.child, rule="FIRST_REVIEW")
    assert review.status == AlertStatus.UPCOMING
    tasks = login(world.social_worker).get(reverse("monitoring:my-tasks")).content.decode()
    assert review.evidence not in tasks
