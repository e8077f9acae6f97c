from django.http import HttpRequest

from .models import Alert, AlertStatus


def task_badge(request: HttpRequest) -> dict:
    """The number on the "My tasks" badge: overdue or due-soon items for me and my team."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}

    def count() -> int:
        return (
            Alert.objects.for_user(user)
            .filter(status__in=[AlertStatus.OPEN, AlertStatus.DUE_SOON])
            .count()
        )

    return {"task_count": count}
