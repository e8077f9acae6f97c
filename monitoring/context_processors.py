from django.http import HttpRequest

from .selectors import pending_alerts_for_user


def task_badge(request: HttpRequest) -> dict:
    """The number on the "My tasks" badge: overdue or due-soon items for me and my team."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        return pending_alerts_for_user(user).count()

    return {"task_count": count}
