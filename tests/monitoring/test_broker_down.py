"""Redis down must not stall the site: a save never waits on the broker, and the follow-up
work (the child's timescales worked out again) is done all the same."""

import contextlib
import time

from monitoring.models import Alert
from tests.cases.factories import ChildFactory, ReferralFactory
from tests.strategy.factories import london


@contextlib.contextmanager
def broker_down(settings):
    """Celery pointed at a closed port, not eager: as in production with Redis gone."""
    from wirral_cp.celery import app

    before = (app.conf.broker_url, app.conf.task_always_eager, settings.CELERY_TASK_ALWAYS_EAGER)
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.pool.force_close_all()
    try:
        yield
    finally:
        app.conf.broker_url, app.conf.task_always_eager = before[:2]
        settings.CELERY_TASK_ALWAYS_EAGER = before[2]
        app.pool.force_close_all()


def _timed_save(child, capture) -> float:
    started = time.monotonic()
    with capture(execute=True):
        ReferralFactory(child=child, received_at=london(2026, 11, 2, 9))
    return time.monotonic() - started


def test_a_save_with_the_broker_down_is_quick_and_nothing_is_lost(
    world, settings, django_capture_on_commit_callbacks
):
    # The same save on another child with the broker as in the other tests, timed: a busy test
    # machine is slow whatever the broker does, so what is measured is the time the broker
    # adds (Celery's connection retries took about 20 s).
    other = ChildFactory(allocated_team=world.team)
    baseline = _timed_save(other, django_capture_on_commit_callbacks)
    with broker_down(settings):
        elapsed = _timed_save(world.child, django_capture_on_commit_callbacks)
    assert elapsed < 1.0 + baseline, (elapsed, baseline)
    # The child's timescales were worked out again, broker or no broker.
    assert Alert.objects.filter(rule="REFERRAL_DECISION", child=world.child).exists()
