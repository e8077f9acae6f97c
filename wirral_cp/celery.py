"""Celery application. The beat schedule lives here, in code, so it is reviewed like code."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wirral_cp.settings")

app = Celery("wirral_cp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
app.autodiscover_tasks(["wirral_cp"])

app.conf.beat_schedule = {
    "health-check": {
        "task": "wirral_cp.tasks.health_check",
        "schedule": crontab(minute="*/15"),
    },
    # The full scan every night, and hourly in the working day so "due soon" stays fresh.
    "timescales-nightly-scan": {
        "task": "monitoring.tasks.scan_all",
        "schedule": crontab(hour=1, minute=30),
    },
    "timescales-hourly-scan": {
        "task": "monitoring.tasks.scan_all",
        "schedule": crontab(hour="7-19", minute=5, day_of_week="mon-fri"),
    },
    # The dashboards' figures kept ahead of anyone asking (dashboards.services.keep_figures):
    # the authority's, every team's and every IRO's after the nightly scan; the authority's
    # and every team's every four minutes of the working day (only when something was written
    # since; at 150,000 children a round takes about 25 s, every IRO's too 54 s).
    # Four minutes is inside DASHBOARD_FIGURES_MAX_AGE, so that a look at one of those
    # dashboards between two rounds finds its figures kept, or shown as of at most minutes
    # before, never worked out while the user waits (tests/dashboards/test_keep_figures.py).
    "dashboards-keep-figures-nightly": {
        "task": "dashboards.tasks.keep_figures",
        "schedule": crontab(hour=1, minute=50),
    },
    "dashboards-keep-figures": {
        "task": "dashboards.tasks.keep_figures",
        "schedule": crontab(hour="7-19", minute="*/4", day_of_week="mon-fri"),
        "kwargs": {"iros": False},
    },
    "forget-spent-form-tokens": {
        "task": "accounts.tasks.forget_spent_form_tokens",
        "schedule": crontab(hour=2, minute=15),
    },
    # The likely duplicate person records, for the data officer's list each morning.
    "people-possible-duplicates": {
        "task": "people.tasks.find_possible_duplicates",
        "schedule": crontab(hour=2, minute=45),
    },
    "daily-email-digest": {
        "task": "monitoring.tasks.send_digests",
        "schedule": crontab(hour=7, minute=0, day_of_week="mon-fri"),
    },
}
