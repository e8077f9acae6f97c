"""The one pattern every create/edit page of the child's record follows."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseForm
from django.http import HttpResponse
from django.shortcuts import redirect, render

from accounts.http import AuthenticatedRequest
from cases.models import Child

F = TypeVar("F", bound=BaseForm)


def child_form_page(
    request: AuthenticatedRequest,
    *,
    child: Child,
    form: F,
    save: Callable[[F], object],
    title: str,
    success_url: str,
    success_message: str,
    template: str = "cases/record_form.html",
    extra_context: dict | None = None,
) -> HttpResponse:
    """Render `form`; on a valid POST call `save(form)` and redirect.

    `save` is a service call. Validation errors it raises (from full_clean, or a stale edit)
    go back onto the form with the user's input intact, so nothing typed is lost.
    """
    if request.method == "POST" and form.is_valid():
        try:
            save(form)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success_message)
            return redirect(success_url)
    context = {"child": child, "form": form, "title": title, "cancel_url": success_url}
    context.update(extra_context or {})
    return render(request, template, context)


def saving(user):
    """The usual `save` for child_form_page: validate and save the form's record through
    services.record_save, refusing a save over someone else's newer version."""
    from cases.services import record_save

    return lambda form: record_save(
        instance=form.save(commit=False),
        user=user,
        expected_version=getattr(form, "expected_version", None),
    )


def add_service_errors(form: BaseForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
