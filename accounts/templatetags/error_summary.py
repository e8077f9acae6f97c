"""`{% error_summary_items as errors %}`: every error of every bound form and formset on the
page, for the GOV.UK error summary that `base.html` shows at the top of every page after a
failed submit ("There is a problem", a link per error to its field, focus moved to it, the
title prefixed "Error:"). A builtin tag: no view or template has to ask for it.

The forms are found in the page's context, so a new form gets the summary without any change
to its view. A form opts out with `error_summary = False` (the diary's filters, which are not a
failed submit). Messages of level ERROR (a POST-only action refused, then redirected back)
are shown in the same summary, without a link.
"""

from dataclasses import dataclass

from django import template
from django.contrib.messages import ERROR
from django.forms import BaseForm, BaseFormSet

register = template.Library()


@dataclass(frozen=True)
class ErrorItem:
    message: str
    href: str  # "#id_field", or "" when the error belongs to no one field


def _href(bound) -> str:
    """The id of the box the field's error is about: for radios and checkboxes, the first."""
    if bound.id_for_label:
        return f"#{bound.id_for_label}"
    subwidgets = bound.subwidgets
    if subwidgets and subwidgets[0].id_for_label:
        return f"#{subwidgets[0].id_for_label}"
    return f"#{bound.auto_id}" if bound.auto_id else ""


def _first_field_href(form: BaseForm) -> str:
    for bound in form.visible_fields():
        return _href(bound)
    return ""


# Django's own messages ("This field is required.") say nothing of which field: the summary
# names it, as the field's label does beside the box.
_GENERIC = ("This field is required", "Enter a ", "Select a valid choice", "Ensure this value")


def _message(bound, error: str) -> str:
    if error.startswith(_GENERIC) and bound.label:
        return f"{bound.label}: {error}"
    return error


def _form_items(form: BaseForm, prefix: str = "") -> list[ErrorItem]:
    if not form.is_bound or not form.errors:
        return []
    items = [ErrorItem(f"{prefix}{e}", _first_field_href(form)) for e in form.non_field_errors()]
    for bound in form:
        for error in bound.errors:
            href = "" if bound.is_hidden else _href(bound)
            items.append(ErrorItem(f"{prefix}{_message(bound, str(error))}", href))
    return items


def _formset_items(formset: BaseFormSet) -> list[ErrorItem]:
    if not formset.is_bound:
        return []
    formset.errors  # noqa: B018 - runs full_clean once
    first = formset.forms[0] if formset.forms else None
    items = [
        ErrorItem(str(e), _first_field_href(first) if first else "")
        for e in formset.non_form_errors()
    ]
    label = getattr(formset, "error_row_label", "Row")
    for n, form in enumerate(formset.forms, start=1):
        if formset.can_delete and getattr(form, "cleaned_data", {}).get("DELETE"):
            continue  # a row ticked for removal is not checked
        items.extend(_form_items(form, prefix=f"{label} {n}: "))
    return items


def _candidates(context) -> list:
    found, seen = [], set()
    for value in context.flatten().values():
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if isinstance(item, BaseForm | BaseFormSet) and id(item) not in seen:
                seen.add(id(item))
                found.append(item)
    return found


@register.simple_tag(takes_context=True)
def error_summary_items(context) -> list[ErrorItem]:
    items: list[ErrorItem] = []
    for candidate in _candidates(context):
        if not getattr(candidate, "error_summary", True):
            continue
        if isinstance(candidate, BaseFormSet):
            items.extend(_formset_items(candidate))
        else:
            items.extend(_form_items(candidate))
    for message in context.get("messages") or []:
        if message.level >= ERROR:
            items.append(ErrorItem(str(message), ""))
    return items
