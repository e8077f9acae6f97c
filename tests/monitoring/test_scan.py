import datetime
import json
import os
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from monitoring.models import Alert, AlertStatus, DigestLog
from monitoring.notifications import digests_send
from monitoring.services import timescales_scan
from tests.cases.factories import ReferralFactory
from tests.strategy.factories import StrategyDiscussionFactory, full_participation, london
from timescales.calendar import working_days_between

D = datetime.date


@pytest.fixture
def late_referral(world):
    return ReferralFactory(child=world.child, received_at=london(2026, 11, 2, 9))


def test_scan_twice_gives_the_same_alerts(late_referral):
    discussion = StrategyDiscussionFactory(child=late_referral.child, referral=late_referral)
    full_participation(discussion, health=None)
    first = timescales_scan(as_of=D(2026, 11, 10))
    rows = list(Alert.objects.values_list("pk", "rule", "subject_key", "status", "due_date"))
    second = timescales_scan(as_of=D(2026, 11, 10))
    assert first.created == 2 and second.created == 0 and second.updated == 0
    assert (
        list(Alert.objects.values_list("pk", "rule", "subject_key", "status", "due_date")) == rows
    )


def test_alert_carries_worker_team_and_overdue_days(world, late_referral):
    timescales_scan(as_of=D(2026, 11, 10))
    alert = Alert.objects.get(rule="REFERRAL_DECISION")
    assert alert.responsible_worker == world.social_worker
    assert alert.responsible_team == world.team
    assert alert.due_date == D(2026, 11, 3)
    assert alert.days_overdue_on(D(2026, 11, 10)) == 5


def test_acknowledged_alert_stays_acknowledged_while_overdue(world, late_referral):
    from monitoring.services import alert_acknowledge

    timescales_scan(as_of=D(2026, 11, 10))
    alert = Alert.objects.get(rule="REFERRAL_DECISION")
    alert_acknowledge(alert=alert, user=world.team_manager, note="Deciding today.")
    timescales_scan(as_of=D(2026, 11, 11))
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert alert.days_overdue_on(D(2026, 11, 11)) == 6


def test_per_child_task_runs_after_a_save(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ReferralFactory(child=world.child, received_at=london(2026, 11, 2, 9))
    assert Alert.objects.filter(rule="REFERRAL_DECISION", child=world.child).exists()


def test_a_failed_evaluation_does_not_break_a_save(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    from monitoring import services

    def broken(*args, **kwargs):
        raise ConnectionError("The database went away")

    monkeypatch.setattr(services, "timescales_scan", broken)
    with django_capture_on_commit_callbacks(execute=True):
        referral = ReferralFactory(child=world.child)
    assert referral.pk


def test_check_timescales_json(world, late_referral):
    out = StringIO()
    call_command("check_timescales", "--as-of", "2026-11-10", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    row = next(r for r in rows if r["rule"] == "REFERRAL_DECISION")
    assert row == {
        "rule": "REFERRAL_DECISION",
        "child": world.child.la_child_id,
        "subject": f"referral:{late_referral.pk}",
        "due": "2026-11-03",
        "days_overdue": 5,
        "status": "open",
        "evidence": "Referral received 2 Nov 2026 has no threshold decision.",
    }


def test_my_tasks_shows_team_alerts_and_hides_others(world, late_referral, login):
    timescales_scan(as_of=D(2026, 11, 10))
    page = login(world.team_manager).get(reverse("monitoring:my-tasks")).content.decode()
    assert "Referral decision" in page
    # Worked out from the due date as the page is drawn, today, not as of the scan.
    overdue = working_days_between(D(2026, 11, 3), timezone.localdate())
    assert f"Overdue by {overdue} working days" in page
    other = login(world.other_team_worker).get(reverse("monitoring:my-tasks")).content.decode()
    assert "Nothing needs attention." in other


def test_acknowledge_needs_a_note_and_access(world, late_referral, login):
    timescales_scan(as_of=D(2026, 11, 10))
    alert = Alert.objects.get(rule="REFERRAL_DECISION")
    url = reverse("monitoring:acknowledge", args=[alert.pk])
    assert login(world.other_team_worker).post(url, {"note": "x"}).status_code == 404
    client = login(world.team_manager)
    client.post(url, {"note": ""})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    client.post(url, {"note": "Decision today with the worker."})
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert alert.acknowledged_by == world.team_manager


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/tasks/?status=open", "/tasks/?status=open"),
        ("not-a-page", "/tasks/"),
        ("https://elsewhere.example/", "/tasks/"),
        ("//elsewhere.example/", "/tasks/"),
    ],
)
def test_acknowledge_goes_back_only_to_a_page_of_this_site(
    world, late_referral, login, next_url, lands_on
):
    timescales_scan(as_of=D(2026, 11, 10))
    alert = Alert.objects.get(rule="REFERRAL_DECISION")
    url = reverse("monitoring:acknowledge", args=[alert.pk])
    response = login(world.team_manager).post(url, {"note": "Deciding today.", "next": next_url})
    assert response.status_code == 302
    assert response["Location"] == lands_on


@pytest.mark.parametrize(
    ("note", "message"),
    [
        ("x" * 501, "Ensure this value has at most 500 characters (it has 501)."),
        ("Deciding\x00 today", "Null characters are not allowed."),
    ],
)
def test_acknowledge_refuses_a_note_the_box_would_not_allow(
    world, late_referral, login, note, message
):
    timescales_scan(as_of=D(2026, 11, 10))
    alert = Alert.objects.get(rule="REFERRAL_DECISION")
    url = reverse("monitoring:acknowledge", args=[alert.pk])
    response = login(world.team_manager).post(url, {"note": note}, follow=True)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert message in response.content.decode()


def test_badge_counts_open_items(world, late_referral, login):
    timescales_scan(as_of=D(2026, 11, 10))
    page = login(world.social_worker).get(reverse("home")).content.decode()
    assert '1<span class="visually-hidden"> needing attention</span>' in page


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the data version is a PostgreSQL sequence"
)
def test_badge_is_counted_once_per_data_version(world, late_referral, login, monkeypatch, settings):
    """Issue 17: every page shows the badge; counted again only once case data is written."""
    from monitoring import context_processors

    settings.TASK_BADGE_KEEP_SECONDS = 600
    timescales_scan(as_of=D(2026, 11, 10))
    client = login(world.social_worker)
    badge = '{n}<span class="visually-hidden"> needing attention</span>'
    counted = []
    real = context_processors.pending_alerts_for_user
    monkeypatch.setattr(
        context_processors,
        "pending_alerts_for_user",
        lambda user: counted.append(user) or real(user),
    )
    assert badge.format(n=1) in client.get(reverse("home")).content.decode()
    assert badge.format(n=1) in client.get(reverse("home")).content.decode()
    assert len(counted) == 1  # the second page took the kept count
    # A second late item (a write: the version moves) is on the next page's badge.
    Alert.objects.create(
        rule="STATUTORY_VISIT",
        subject_key="badge:1",
        child=world.child,
        status=AlertStatus.OPEN,
        due_date=D(2026, 11, 1),
        responsible_worker=world.social_worker,
        first_found_at=timezone.now(),
        last_found_at=timezone.now(),
    )
    assert badge.format(n=2) in client.get(reverse("home")).content.decode()
    assert len(counted) == 2


def test_daily_digest_is_sent_once(world, late_referral):
    world.social_worker.email = "sw@example.invalid"
    world.social_worker.save()
    timescales_scan(as_of=D(2026, 11, 10))
    assert digests_send(day=D(2026, 11, 10)) >= 1
    first = len(mail.outbox)
    assert digests_send(day=D(2026, 11, 10)) == 0
    assert len(mail.outbox) == first
    body = next(m.body for m in mail.outbox if m.to == ["sw@example.invalid"])
    assert world.child.la_child_id in body
    assert world.child.last_name not in body  # no names in email
    assert DigestLog.objects.filter(user=world.social_worker).count() == 1


def test_scan_query_count_does_not_grow(db, django_assert_max_num_queries):
    from tests.cases.factories import ChildFactory

    def build(n):
        for _ in range(n):
            child = ChildFactory()
            referral = ReferralFactory(child=child, received_at=london(2026, 11, 2, 9))
            full_participation(StrategyDiscussionFactory(referral=referral), health=None)

    build(3)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        timescales_scan(as_of=D(2026, 11, 10))
    build(30)
    with django_assert_max_num_queries(len(small.captured_queries)):
        timescales_scan(as_of=D(2026, 11, 10))


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_scan_task_through_real_redis(world):
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        if os.environ.get("CI"):
            pytest.fail("CI must provide REDIS_URL")
        pytest.skip("REDIS_URL not set")
    from celery.contrib.testing.worker import start_worker

    from monitoring.tasks import scan_all
    from wirral_cp.celery import app

    ReferralFactory(child=world.child, received_at=london(2026, 11, 2, 9))
    app.conf.update(broker_url=redis_url, result_backend=redis_url, task_always_eager=False)
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            result = scan_all.delay("2026-11-10").get(timeout=60)
    finally:
        app.conf.task_always_eager = True
    assert result["found"] >= 1
    assert Alert.objects.filter(rule="REFERRAL_DECISION", child=world.child).exists()


def test_my_tasks_lists_overdue_before_due_soon(world, login):
    ReferralFactory(child=world.child, received_at=london(2026, 11, 2, 9))  # overdue by the 10th
    from tests.cases.factories import ChildFactory

    other = ChildFactory(allocated_team=world.team, allocated_worker=world.social_worker)
    ReferralFactory(child=other, received_at=london(2026, 11, 9, 9))  # due on the 10th
    timescales_scan(as_of=D(2026, 11, 10))
    page = login(world.social_worker).get(reverse("monitoring:my-tasks")).content.decode()
    assert page.index('status-overdue">Overdue by') < page.index('status-due-soon">Due soon')
