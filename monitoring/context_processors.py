from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from audit import versions as data_version

from .selectors import pending_alerts_for_user


def task_badge(request: HttpRequest) -> dict:
    """The number on the "My tasks" badge: overdue or due-soon items for me and my team.

    Counted once per data version and user (issue 17): every page shows it, and it can only
    change when case data (the alerts, the user's team or access) is written, which moves the
    version; a look at a page does not. Without a version (SQLite), or with
    TASK_BADGE_KEEP_SECONDS 0, it is counted every time."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        seconds = settings.TASK_BADGE_KEEP_SECONDS
        version = data_version.current() if seconds else None
        if version is None:
            return pending_alerts_for_user(user).count()
        key = f"task_badge:{user.pk}:{version}"
        n = cache.get(key)
        if n is None:
            n = pending_alerts_for_user(user).count()
            cache.set(key, n, seconds)
        return n

    return {"task_count": count}
