from celery import shared_task

from .delivery import attempt, retry_countdown
from .models import DeliveryStatus, WebhookDelivery


@shared_task(bind=True, name="partners.tasks.deliver_webhook", max_retries=None)
def deliver_webhook(self, delivery_id: int):
    """Try a delivery; on failure try again later, each wait twice the last (exponential
    backoff), until PARTNER_WEBHOOK_MAX_ATTEMPTS tries have failed."""
    delivery = WebhookDelivery.objects.select_related("subscription__client__organisation").get(
        pk=delivery_id
    )
    if delivery.status != DeliveryStatus.PENDING:
        return delivery.status
    if attempt(delivery) or delivery.status != DeliveryStatus.PENDING:
        return delivery.status
    countdown = retry_countdown(delivery.attempts)
    if self.request.is_eager:
        # Eager (tests, the demo without Redis): a returned retry is run at once, in-process,
        # by Celery's apply(); raised, it would escape with CELERY_TASK_EAGER_PROPAGATES.
        return self.retry(countdown=countdown, throw=False)
    raise self.retry(countdown=countdown)
