"""Sending one delivery: the signature, one try, the wait before the next.

Signature: HMAC-SHA256 with the subscription's secret over `<timestamp>.<body>` (the Unix
time in seconds, a full stop, then the exact bytes of the body), sent as
`X-CP-Signature: sha256=<hex>` with `X-CP-Timestamp: <timestamp>`.
"""

import hashlib
import hmac
import json
import time
from datetime import timedelta
from typing import Any

import requests
from django.conf import settings
from django.utils import timezone

from .models import DeliveryStatus, WebhookDelivery

SIGNATURE_HEADER = "X-CP-Signature"
TIMESTAMP_HEADER = "X-CP-Timestamp"
EVENT_HEADER = "X-CP-Event"
DELIVERY_HEADER = "X-CP-Delivery"


def body_bytes(payload: dict[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def sign(secret: str, timestamp: int, body: bytes) -> str:
    mac = hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify(
    secret: str, timestamp: str, body: bytes, signature: str, *, tolerance: int = 300
) -> bool:
    """What a receiver does (the README has the same in a few lines)."""
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(sign(secret, int(timestamp), body), signature)


def retry_countdown(attempts: int) -> int:
    """Seconds before the next try after `attempts` failed ones: 30, 60, 120, 240..."""
    return int(settings.PARTNER_WEBHOOK_BACKOFF_SECONDS * 2 ** (attempts - 1))


def attempt(delivery: WebhookDelivery) -> bool:
    """One try: POST the signed body; 2xx is delivered. The log row records the try."""
    subscription = delivery.subscription
    if not (subscription.is_active and subscription.client.is_usable):
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = "Not sent: the subscription or its client has been revoked."
        delivery.save()
        return False
    body = body_bytes(delivery.payload)
    timestamp = int(time.time())
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: sign(subscription.secret, timestamp, body),
        TIMESTAMP_HEADER: str(timestamp),
        EVENT_HEADER: delivery.event,
        DELIVERY_HEADER: str(delivery.event_id),
    }
    delivery.attempts += 1
    delivery.last_attempt_at = timezone.now()
    try:
        response = requests.post(
            subscription.url,
            data=body,
            headers=headers,
            timeout=settings.PARTNER_WEBHOOK_TIMEOUT_SECONDS,
            allow_redirects=False,
        )
    except requests.RequestException as error:
        delivery.response_code = None
        delivery.last_error = f"{type(error).__name__}: {error}"[:500]
        ok = False
    else:
        delivery.response_code = response.status_code
        ok = 200 <= response.status_code < 300
        delivery.last_error = "" if ok else f"The receiver answered {response.status_code}."
    if ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif delivery.attempts >= settings.PARTNER_WEBHOOK_MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
        delivery.next_attempt_at = None
    else:
        delivery.next_attempt_at = timezone.now() + timedelta(
            seconds=retry_countdown(delivery.attempts)
        )
    delivery.save()
    return ok
