"""Celery tasks: take ids, call one service, safe to retry."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from . import services


@shared_task(
    name="documents.tasks.scan_version",
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=True,
    retry_kwargs={"max_retries": 5},
)
def scan_version(version_id: int) -> str:
    return services.version_scan(version_id=version_id)
