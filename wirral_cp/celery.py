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
}
