from celery import shared_task
from django.utils import timezone


@shared_task(name="wirral_cp.tasks.health_check")
def health_check() -> dict:
    """A task a monitor (or a test) can send through the broker to see the workers answer."""
    return {"status": "ok", "at": timezone.now().isoformat()}
