"""Celery tasks: take ids, call one service, safe to retry."""

from celery import shared_task

from .services import form_tokens_forget


@shared_task(name="accounts.tasks.forget_spent_form_tokens")
def forget_spent_form_tokens() -> int:
    return form_tokens_forget()
