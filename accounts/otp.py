"""Second factor: time-based one-time passwords (TOTP) from an authenticator app.

django-otp keeps the devices and checks the codes; this module holds the few decisions of our
own: who must use a second factor, how a device is set up and how a session becomes verified.
"""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User

DEVICE_NAME = "Authenticator app"


def otp_required() -> bool:
    """Everyone needs a second factor, except in the demo (documented passwords, synthetic data)."""
    return not settings.DEMO_MODE


def user_has_totp(user: User) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def totp_device_for_setup(user: User) -> TOTPDevice:
    """The user's unconfirmed device, made on first visit and kept until confirmed.

    Keeping it means reloading the set-up page does not invalidate a QR code already scanned.
    """
    device = TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def totp_secret_text(device: TOTPDevice) -> str:
    """The base32 key, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def totp_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG QR code: no image request, nothing for CSP to block."""
    image = qrcode.make(
        device.config_url,
        image_factory=qrcode.image.svg.SvgPathFillImage,
        box_size=10,
        border=4,
    )
    return image.to_string(encoding="unicode")


def _session_verify(request: HttpRequest, device: TOTPDevice) -> None:
    # A new session key once the user holds both factors, as django.contrib.auth.login does
    # after the password: a key seen before verification is worth nothing after it.
    request.session.cycle_key()
    otp_login(request, device)


@transaction.atomic
def totp_confirm(*, request: HttpRequest, device: TOTPDevice, token: str) -> bool:
    """Confirm a new device with the first code it shows; the session is then verified."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    _session_verify(request, device)
    return True


def totp_verify(*, request: HttpRequest, token: str) -> bool:
    """Check a code against the user's confirmed devices; on success the session is verified.

    django-otp throttles each device after a wrong code (1, 2, 4, 8... seconds) and refuses a
    code already used, so a code cannot be replayed or guessed quickly.
    """
    for device in TOTPDevice.objects.devices_for_user(request.user, confirmed=True):
        verified = verify_token(request.user, device.persistent_id, token)
        if verified is not None:
            _session_verify(request, verified)
            return True
    return False


def totp_locked_until(user: User):
    """When the user may next try a code, if django-otp is throttling them; else None."""
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            return data["locked_until"]
    return None
