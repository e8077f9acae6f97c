"""Celery tasks of the person index: each calls one service."""

from celery import shared_task

from .services import possible_duplicates_find


@shared_task
def find_possible_duplicates() -> dict[str, int]:
    """Nightly: list the likely duplicate person records for the data officer."""
    return possible_duplicates_find()
