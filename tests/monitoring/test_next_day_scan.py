"""The nightly scan on the next day: it writes only the alerts that changed, holds no lock a user
waits on, and never overwrites an acknowledgement made while it runs."""

import datetime
import threading

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from monitoring import services
from monitoring.models import Alert, AlertStatus
from monitoring.services import alert_acknowledge, timescales_scan
from tests.cases.factories import ChildFactory, ReferralFactory
from tests.strategy.factories import StrategyDiscussionFactory, full_participation, london
from timescales.calendar import add_working_days, working_days_between

D = datetime.date
MONDAY, TUESDAY, WEDNESDAY = D(2026, 11, 2), D(2026, 11, 3), D(2026, 11, 4)


def row_versions() -> dict[int, str]:
    """Each alert's physical row version: PostgreSQL writes a new one on every UPDATE of a row
    (even one that sets the same values), so a changed ctid is a row the scan wrote."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, ctid::text FROM monitoring_alert")
        return dict(cursor.fetchall())


def referral(child, on: D, **kwargs):
    return ReferralFactory(child=child, received_at=london(on.year, on.month, on.day, 9), **kwargs)


def test_the_next_day_scan_writes_only_the_alerts_that_changed(world):
    # Due on Tuesday: due soon on Tuesday, overdue on Wednesday (the one status that crosses).
    crossing = referral(world.child, MONDAY)
    # Long overdue, and an assessment not due for weeks: the same on both days.
    quiet = [referral(ChildFactory(), D(2026, 10, 1)) for _ in range(5)]
    waiting = [referral(ChildFactory(), MONDAY, decision="assessment") for _ in range(5)]
    decided = referral(ChildFactory(), D(2026, 10, 1))
    timescales_scan(as_of=TUESDAY)
    alerts = {a.subject_key: a for a in Alert.objects.all()}
    assert alerts[f"referral:{crossing.pk}"].status == AlertStatus.DUE_SOON
    assert {alerts[f"referral:{r.pk}"].status for r in quiet} == {AlertStatus.OPEN}
    assert {alerts[f"referral:{r.pk}"].rule for r in waiting} == {"ASSESSMENT_45"}
    assert {alerts[f"referral:{r.pk}"].status for r in waiting} == {AlertStatus.UPCOMING}
    # Overnight: one referral is decided, one arrives.
    decided.decision = "nfa"
    decided.save()
    new = referral(ChildFactory(), TUESDAY)
    before = row_versions()

    result = timescales_scan(as_of=WEDNESDAY)

    after = row_versions()
    written = {pk for pk in before if after.get(pk) != before[pk]}
    assert written == {
        alerts[f"referral:{crossing.pk}"].pk,
        alerts[f"referral:{decided.pk}"].pk,
    }
    assert (result.created, result.updated, result.resolved) == (1, 1, 1)
    assert Alert.objects.get(pk=alerts[f"referral:{crossing.pk}"].pk).status == AlertStatus.OPEN
    assert Alert.objects.get(pk=alerts[f"referral:{decided.pk}"].pk).status == "resolved"
    assert Alert.objects.filter(subject_key=f"referral:{new.pk}").exists()
    # How overdue each one is follows from its due date, without a write.
    quiet_alert = alerts[f"referral:{quiet[0].pk}"]
    assert quiet_alert.days_overdue_on(WEDNESDAY) == quiet_alert.days_overdue_on(TUESDAY) + 1


def test_the_scan_writes_in_batches(world, monkeypatch):
    monkeypatch.setattr(services, "BATCH_SIZE", 2)
    for _ in range(5):
        referral(ChildFactory(), MONDAY)
    timescales_scan(as_of=TUESDAY)
    assert Alert.objects.filter(status=AlertStatus.DUE_SOON).count() == 5
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        result = timescales_scan(as_of=WEDNESDAY)
    assert result.updated == 5
    sql = [q["sql"] for q in queries.captured_queries]
    # Three batches (2, 2, 1), each re-reading its rows under lock, then one UPDATE.
    assert sum(s.startswith("UPDATE") for s in sql) == 3
    assert sum(s.endswith("FOR UPDATE") for s in sql) == 3
    assert Alert.objects.filter(status=AlertStatus.OPEN).count() == 5


def test_an_acknowledgement_made_while_the_scan_runs_is_kept(world, monkeypatch):
    late = referral(world.child, MONDAY)
    timescales_scan(as_of=TUESDAY)
    alert = Alert.objects.get(subject_key=f"referral:{late.pk}")
    assert alert.status == AlertStatus.DUE_SOON
    apply = services._apply

    def acknowledged_meanwhile(changes, **kwargs):
        # The scan has read the alert as due soon and means to make it overdue; a manager
        # acknowledges it (it is overdue by now) before the scan writes.
        alert_acknowledge(alert=alert, user=world.team_manager, note="Deciding today.")
        return apply(changes, **kwargs)

    monkeypatch.setattr(services, "_apply", acknowledged_meanwhile)
    timescales_scan(as_of=WEDNESDAY)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    assert (alert.acknowledged_by, alert.acknowledgement_note) == (
        world.team_manager,
        "Deciding today.",
    )


def test_an_alert_resolved_by_another_scan_meanwhile_is_left_resolved(world, monkeypatch):
    late = referral(world.child, MONDAY)
    timescales_scan(as_of=TUESDAY)
    apply = services._apply

    def decided_meanwhile(changes, **kwargs):
        # The referral is decided and the child's own evaluation resolves the alert.
        monkeypatch.setattr(services, "_apply", apply)
        late.decision = "nfa"
        late.save()
        timescales_scan(as_of=WEDNESDAY, child_ids=[world.child.pk])
        return apply(changes, **kwargs)

    monkeypatch.setattr(services, "_apply", decided_meanwhile)
    result = timescales_scan(as_of=WEDNESDAY)
    assert result.updated == 0
    assert list(Alert.objects.values_list("status", flat=True)) == [AlertStatus.RESOLVED]


def test_an_alert_found_meanwhile_by_another_scan_is_not_duplicated(world, monkeypatch):
    apply = services._apply

    def found_meanwhile(changes, **kwargs):
        monkeypatch.setattr(services, "_apply", apply)
        timescales_scan(as_of=TUESDAY, child_ids=[world.child.pk])
        return apply(changes, **kwargs)

    referral(world.child, MONDAY)
    monkeypatch.setattr(services, "_apply", found_meanwhile)
    timescales_scan(as_of=TUESDAY)
    assert Alert.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_user_acknowledges_while_the_scan_runs_without_waiting(world, monkeypatch):
    """A real second connection: the scan, paused after reading every alert and before writing,
    holds no lock, so the acknowledgement goes through at once (a lock held for the run would
    make it wait, and the lock timeout fail it); the scan then keeps the acknowledgement."""
    late = referral(world.child, MONDAY)
    timescales_scan(as_of=TUESDAY)
    alert = Alert.objects.get(subject_key=f"referral:{late.pk}")
    read, acknowledged = threading.Event(), threading.Event()
    apply = services._apply
    errors: list[BaseException] = []

    def paused(changes, **kwargs):
        read.set()
        if not acknowledged.wait(30):
            raise TimeoutError("the acknowledgement never came")
        return apply(changes, **kwargs)

    def scan():
        try:
            timescales_scan(as_of=WEDNESDAY)
        except BaseException as error:  # noqa: BLE001 - reported by the test below
            errors.append(error)
        finally:
            connection.close()

    monkeypatch.setattr(services, "_apply", paused)
    thread = threading.Thread(target=scan)
    thread.start()
    try:
        assert read.wait(30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")
            alert_acknowledge(alert=alert, user=world.team_manager, note="Deciding today.")
    finally:
        acknowledged.set()
        thread.join(60)
    assert not thread.is_alive() and not errors
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED


def test_an_acknowledged_compliance_gap_stays_acknowledged(world):
    # Found when the scan ran, a strategy discussion without health is a gap at once; the
    # manager's acknowledgement was lost at the next scan (15 minutes later at most).
    discussion = StrategyDiscussionFactory(
        child=world.child, referral=referral(world.child, MONDAY)
    )
    full_participation(discussion, health=None)
    timescales_scan(as_of=TUESDAY)
    gap = Alert.objects.get(rule="STRATEGY_NO_HEALTH")
    alert_acknowledge(alert=gap, user=world.team_manager, note="Health asked to join.")
    timescales_scan(as_of=TUESDAY)
    timescales_scan(as_of=WEDNESDAY)
    gap.refresh_from_db()
    assert gap.status == AlertStatus.ACKNOWLEDGED


def test_a_due_soon_warning_acknowledged_reopens_when_it_becomes_overdue(world):
    today = timezone.localdate()
    late = referral(world.child, today)
    due = add_working_days(today, 1)
    timescales_scan(as_of=today)
    alert = Alert.objects.get(subject_key=f"referral:{late.pk}")
    assert alert.status == AlertStatus.DUE_SOON and alert.due_date == due
    alert_acknowledge(alert=alert, user=world.team_manager, note="On it.")
    timescales_scan(as_of=due)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    timescales_scan(as_of=add_working_days(due, 1))
    alert.refresh_from_db()
    assert alert.status == AlertStatus.OPEN
    assert alert.days_overdue_on(add_working_days(due, 1)) == 1
    assert alert.days_overdue == working_days_between(due, today)


def _jit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        return cursor.fetchone()[0]


def test_every_connection_has_jit_off_by_default_and_the_scan_leaves_it_so(world, monkeypatch):
    """Compiling the dashboards' and the scan's whole-authority queries cost more than running
    them (issue 17): by default (DATABASE_JIT off) every connection has PostgreSQL's JIT off,
    the scan reads so without setting anything itself."""
    referral(world.child, MONDAY)
    assert _jit() == "off"
    seen: list[str] = []
    real = services.findings

    def watched(**kwargs):
        seen.append(_jit())
        return real(**kwargs)

    monkeypatch.setattr(services, "findings", watched)
    with CaptureQueriesContext(connection) as ctx:
        timescales_scan(as_of=TUESDAY)
    assert seen == ["off"]
    assert not [q for q in ctx.captured_queries if "set_config" in q["sql"]]
    assert _jit() == "off"


@override_settings(DATABASE_JIT=True)
def test_with_jit_on_the_whole_scan_reads_without_it_and_puts_it_back(world, monkeypatch):
    """With DATABASE_JIT on (the server's setting), the whole scan still reads with PostgreSQL's
    JIT off, and the connection gets its setting back afterwards; a child's own evaluation
    (cheap, never compiled) is left alone."""
    referral(world.child, MONDAY)
    with connection.cursor() as cursor:
        cursor.execute("SET jit = on")
    seen: list[str] = []
    real = services.findings

    def watched(**kwargs):
        seen.append(_jit())
        return real(**kwargs)

    monkeypatch.setattr(services, "findings", watched)
    timescales_scan(as_of=TUESDAY)
    timescales_scan(as_of=TUESDAY, child_ids=[world.child.pk])
    assert seen == ["off", "on"]
    assert _jit() == "on"
    assert Alert.objects.filter(subject_key__startswith="referral:").count() == 1


def test_the_whole_scan_finds_what_each_childs_evaluation_finds(world):
    """The whole scan's shared reads (each plan's core groups, reviews and chairs read once for
    several rules) find for every child exactly what the child's own evaluation finds."""
    from monitoring.services import findings
    from tests.conferences.factories import ActionFactory, ConferenceFactory, PlanFactory

    for n in range(3):
        child = ChildFactory()
        referral(child, D(2026, 10, 1 + n))
        referral(child, MONDAY, decision="assessment")
        plan = PlanFactory(child=child, start_date=D(2026, 6, 1 + n))
        ConferenceFactory(
            section47__child=child,
            plan=plan,
            conference_type="review",
            status="scheduled",
            chair=world.iro,
            target_date=D(2026, 9, 1 + n),
        )
        ActionFactory(outcome__plan=plan)
    whole = {(c.finding, c.status) for c in findings(as_of=WEDNESDAY)}
    rules = {f.rule for f, _ in whole}
    assert {"FIRST_REVIEW", "FIRST_CORE_GROUP", "STATUTORY_VISIT", "PLAN_ACTION"} <= rules
    assert {f.iro_id for f, _ in whole if f.rule == "FIRST_REVIEW"} == {world.iro.pk}
    each = {
        (c.finding, c.status)
        for child_id in {f.child_id for f, _ in whole if f.child_id}
        for c in findings(as_of=WEDNESDAY, child_ids=[child_id])
    }
    assert each == {(f, s) for f, s in whole if f.child_id}
