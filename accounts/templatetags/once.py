"""`{% form_token %}`: a one-use token in a form, so a double click saves once (see
`accounts.models.FormSubmission`). A builtin tag: templates need no `{% load %}`."""

import secrets

from django import template
from django.utils.html import format_html

register = template.Library()

FIELD = "form_token"


@register.simple_tag
def form_token() -> str:
    return format_html(
        '<input type="hidden" name="{}" value="{}">', FIELD, secrets.token_urlsafe(24)
    )
