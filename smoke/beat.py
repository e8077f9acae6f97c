"""The Celery app with a smoke-test beat schedule: `celery -A smoke.beat beat`.

The production schedule (wirral_cp/celery.py) runs the scan hourly and nightly; the smoke test
cannot wait that long, so this beat sends the same task every few seconds, as of the day in
SMOKE_AS_OF (a day when the referral the test records is overdue). Only beat loads this module;
the worker runs the real app (`celery -A wirral_cp worker`).
"""

import os

from wirral_cp.celery import app

app.conf.beat_schedule = {
    "smoke-scan": {
        "task": "monitoring.tasks.scan_all",
        "schedule": float(os.environ.get("SMOKE_BEAT_SECONDS", "3")),
        "kwargs": {"as_of": os.environ["SMOKE_AS_OF"]},
    },
}

__all__ = ["app"]
