from django import template
from django.conf import settings

register = template.Library()

WARNING_SECONDS = 120


@register.inclusion_tag("accounts/_session_timeout.html", takes_context=True)
def session_timeout(context) -> dict:
    """The inactivity notice and the (hidden) warning that static/js/session-timeout.js opens."""
    request = context.get("request")
    user = getattr(request, "user", None)
    seconds = settings.SESSION_COOKIE_AGE
    return {
        "show": bool(user and user.is_authenticated),
        "session_seconds": seconds,
        "session_minutes": seconds // 60,
        "warning_seconds": min(WARNING_SECONDS, seconds // 2),
        "csrf_token": context.get("csrf_token"),
        "request": request,
    }


@register.simple_tag
def session_minutes() -> int:
    return settings.SESSION_COOKIE_AGE // 60
