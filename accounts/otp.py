"""Second factor: time-based one-time passwords (TOTP) from an authenticator app.

django-otp keeps the devices and checks the codes; this module holds the few decisions of our
own: who must use a second factor, how a device is set up and how a session becomes verified.

A first device is set up only after the user enters an enrolment code that an administrator
issued them (out of band): whoever steals a password cannot enrol their own phone with it.
"""

from base64 import b32encode
from datetime import datetime, timedelta

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from .http import AuthenticatedRequest
from .models import EnrolmentCode, User

DEVICE_NAME = "Authenticator app"
# The session remembers which enrolment code this user entered until their device is confirmed.
ENROLMENT_SESSION_KEY = "otp_enrolment_code"
# No 0/O or 1/I/L, so a code read out over the phone is typed right: 12 of 31 characters is
# about 59 bits, and only EnrolmentCode.MAX_ATTEMPTS guesses are allowed.
ENROLMENT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
ENROLMENT_CODE_LENGTH = 12


def otp_required() -> bool:
    """Everyone needs a second factor, except in the demo (documented passwords, synthetic data)."""
    return not settings.DEMO_MODE


def user_has_totp(user: User) -> bool:
    return TOTPDevice.objects.devices_for_user(user, confirmed=True).exists()


def enrolment_code_normalise(code: str) -> str:
    """As stored: capitals, without the spaces or hyphens a code is shown or read out with."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


@transaction.atomic
def enrolment_code_issue(*, user: User, issued_by: User | None) -> tuple[EnrolmentCode, str]:
    """A new enrolment code for `user`, returned once in clear (shown to the administrator, who
    gives it to the user in person or by phone); only its hash is kept.

    Any earlier code the user has not used is cancelled, so only the latest one works.
    """
    now = timezone.now()
    for earlier in EnrolmentCode.objects.select_for_update().filter(user=user).usable():
        earlier.cancelled_at = now
        earlier.save(update_fields=["cancelled_at"])  # saved one by one: each is audited
    code = get_random_string(ENROLMENT_CODE_LENGTH, allowed_chars=ENROLMENT_ALPHABET)
    record = EnrolmentCode(
        user=user,
        code_hash=make_password(code),
        created_by=issued_by,
        created_at=now,
        expires_at=now + timedelta(hours=settings.OTP_ENROLMENT_CODE_HOURS),
    )
    record.full_clean()
    record.save()
    return record, "-".join(code[i : i + 4] for i in range(0, len(code), 4))


@transaction.atomic
def enrolment_code_check(*, user: User, code: str) -> EnrolmentCode | None:
    """The user's usable enrolment code if `code` is it, else None.

    A wrong code counts against the user's current code; after EnrolmentCode.MAX_ATTEMPTS wrong
    codes it is cancelled and only a new one from an administrator will do.
    """
    record = EnrolmentCode.objects.select_for_update().filter(user=user).usable().first()
    if record is None:
        return None
    if check_password(enrolment_code_normalise(code), record.code_hash):
        return record
    record.failed_attempts += 1
    if record.failed_attempts >= EnrolmentCode.MAX_ATTEMPTS:
        record.cancelled_at = timezone.now()
    record.save(update_fields=["failed_attempts", "cancelled_at"])
    return None


def enrolment_code_for_session(request: AuthenticatedRequest) -> EnrolmentCode | None:
    """The enrolment code this session entered, while it is still usable."""
    pk = request.session.get(ENROLMENT_SESSION_KEY)
    if pk is None:
        return None
    record = EnrolmentCode.objects.filter(pk=pk, user=request.user).usable().first()
    if record is None:
        del request.session[ENROLMENT_SESSION_KEY]
    return record


@transaction.atomic
def enrolment_start(*, request: AuthenticatedRequest, code: EnrolmentCode) -> None:
    """After the right enrolment code: a fresh device, so no key shown before (to anyone) works."""
    TOTPDevice.objects.devices_for_user(request.user, confirmed=False).delete()
    TOTPDevice.objects.create(user=request.user, name=DEVICE_NAME, confirmed=False)
    request.session[ENROLMENT_SESSION_KEY] = code.pk


def totp_device_for_setup(user: User) -> TOTPDevice | None:
    """The user's unconfirmed device, made when their enrolment code was accepted and kept until
    confirmed, so reloading the set-up page does not invalidate a QR code already scanned."""
    return TOTPDevice.objects.devices_for_user(user, confirmed=False).order_by("pk").first()


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
def totp_confirm(
    *, request: AuthenticatedRequest, device: TOTPDevice, code: EnrolmentCode, token: str
) -> bool:
    """Confirm a new device with the first code it shows; the enrolment code is then used up and
    the session verified."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
    code = EnrolmentCode.objects.select_for_update().get(pk=code.pk, user=request.user)
    if not code.is_usable or not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    code.used_at = timezone.now()
    code.save(update_fields=["used_at"])
    request.session.pop(ENROLMENT_SESSION_KEY, None)
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


def totp_locked_until(user: User) -> datetime | None:
    """When the user may next try a code, if django-otp is throttling them; else None."""
    for device in TOTPDevice.objects.devices_for_user(user, confirmed=True):
        allowed, data = device.verify_is_allowed()
        if not allowed and data and data.get("locked_until"):
            return data["locked_until"]
    return None
