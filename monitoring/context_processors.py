from django.core.cache import cache
from django.http import HttpRequest

from audit import versions as data_version

from .selectors import pending_alerts_for_user

# How long a user's badge count is kept for one data version (audit.versions).
BADGE_SECONDS = 10 * 60


def task_badge(request: HttpRequest) -> dict:
    """The number on the "My tasks" badge: overdue or due-soon items for me and my team.

    Counted once per data version and user (issue 17): every page shows it, and it can only
    change when case data (the alerts, the user's team or access) is written, which moves the
    version; a look at a page does not. Without a version (SQLite) it is counted every time."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        version = data_version.current()
        if version is None:
            return pending_alerts_for_user(user).count()
        key = f"task_badge:{user.pk}:{version}"
        n = cache.get(key)
        if n is None:
            n = pending_alerts_for_user(user).count()
            cache.set(key, n, BADGE_SECONDS)
        return n

    return {"task_count": count}
