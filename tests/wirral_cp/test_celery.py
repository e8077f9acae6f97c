import os

import pytest

from wirral_cp.celery import app
from wirral_cp.tasks import health_check


def test_health_task_runs_eagerly():
    assert health_check.delay().get(timeout=5)["status"] == "ok"


def test_beat_schedule_names_registered_tasks():
    app.loader.import_default_modules()
    for entry in app.conf.beat_schedule.values():
        assert entry["task"] in app.tasks, entry["task"]


@pytest.mark.redis
def test_health_task_through_real_redis_broker():
    """Sends the task through Redis to an in-process worker and reads the result back."""
    redis_url = os.environ.get("REDIS_URL")
    if not redis_url:
        if os.environ.get("CI"):
            pytest.fail("CI must provide REDIS_URL so the broker is tested for real")
        pytest.skip("REDIS_URL not set")
    from celery.contrib.testing.worker import start_worker

    app.conf.update(
        broker_url=redis_url,
        result_backend=redis_url,
        task_always_eager=False,
    )
    try:
        with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING"):
            result = health_check.delay()
            assert result.get(timeout=20)["status"] == "ok"
            assert result.successful()
    finally:
        app.conf.task_always_eager = True
