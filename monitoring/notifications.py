"""Notifications: the in-app badge and "my tasks", and a daily email digest per user."""

from datetime import date

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from cases.access import Mask
from wirral_cp import dates

from .models import DigestLog
from .selectors import pending_alerts_for_user


def alerts_for(user: User):
    return pending_alerts_for_user(user).select_related("child", "responsible_worker")


def digests_send(*, day: date | None = None) -> int:
    """Email each user with something due or overdue a digest, once a day at most.

    The DigestLog row is written in the same transaction as the send decision, so a retried or
    repeated task never sends twice.
    """
    day = day or timezone.localdate()
    sent = 0
    users = User.objects.filter(is_active=True).exclude(email="")
    for user in users:
        alerts = list(alerts_for(user).order_by("due_date", "pk")[:200])
        if not alerts:
            continue
        try:
            with transaction.atomic():
                DigestLog.objects.create(user=user, day=day, alert_count=len(alerts))
                masked = Mask(user).hidden_ids(a.child for a in alerts)
                body = render_to_string(
                    "monitoring/digest_email.txt",
                    {
                        "user": user,
                        # Days overdue on the digest's day, from the stored due date.
                        "alerts": [(a, a.days_overdue_on(day)) for a in alerts],
                        "day": day,
                        "masked": masked,
                    },
                )
                send_mail(
                    subject=f"{len(alerts)} item(s) due or overdue – {dates.day(day)}",
                    message=body,
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=[user.email],
                )
        except IntegrityError:
            continue  # already sent today
        sent += 1
    return sent
