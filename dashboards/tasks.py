"""Celery tasks: take ids, call one service, safe to retry."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    name="dashboards.tasks.keep_figures",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 3},
)
def keep_figures(teams: bool = True, iros: bool = True) -> dict:
    return {"worked_out": services.keep_figures(teams=teams, iros=iros)}
