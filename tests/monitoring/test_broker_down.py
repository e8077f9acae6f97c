"""Redis down must not stall the site: a save never waits on the broker, and the follow-up
work (the child's timescales worked out again) is done all the same."""

import time

import pytest

from monitoring.models import Alert
from tests.cases.factories import ReferralFactory
from tests.strategy.factories import london


@pytest.fixture
def broker_down(settings):
    """Celery pointed at a closed port, not eager: as in production with Redis gone."""
    from wirral_cp.celery import app

    before = (app.conf.broker_url, app.conf.task_always_eager)
    app.conf.broker_url = "redis://127.0.0.1:1/0"
    app.conf.task_always_eager = False
    settings.CELERY_TASK_ALWAYS_EAGER = False
    app.pool.force_close_all()
    yield
    app.conf.broker_url, app.conf.task_always_eager = before
    app.pool.force_close_all()


def test_a_save_with_the_broker_down_is_quick_and_nothing_is_lost(
    world, broker_down, django_capture_on_commit_callbacks
):
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        ReferralFactory(child=world.child, received_at=london(2026, 11, 2, 9))
    assert time.monotonic() - started < 1.0
    # The child's timescales were worked out again, broker or no broker.
    assert Alert.objects.filter(rule="REFERRAL_DECISION", child=world.child).exists()
