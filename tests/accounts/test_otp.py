"""Second factor: every user outside demo mode signs in with a password and a TOTP code; the
first authenticator app is set up only with an enrolment code from an administrator."""

from base64 import b32encode
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import EnrolmentCode
from tests.accounts.factories import PASSWORD, enrolment_code_for


def _code(device: TOTPDevice) -> str:
    """The code an authenticator app holding this device's key shows now."""
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


def _wrong_code(device: TOTPDevice) -> str:
    return f"{(int(_code(device)) + 1) % 1_000_000:06d}"


def _password_step(client, user):
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    return client


@pytest.fixture
def device(world):
    return TOTPDevice.objects.create(user=world.social_worker, name="Phone", confirmed=True)


def test_password_alone_leads_to_setting_up_an_app(client, world):
    _password_step(client, world.social_worker)
    response = client.get(reverse("cases:child-list"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:otp-setup')}?next=/children/"


def test_password_alone_leads_to_the_code_page_when_an_app_is_set_up(client, world, device):
    _password_step(client, world.social_worker)
    response = client.get(reverse("cases:child-detail", args=[world.child.pk]))
    assert response.status_code == 302
    assert response["Location"] == (
        f"{reverse('accounts:otp-verify')}?next=/children/{world.child.pk}/"
    )


@pytest.mark.parametrize(
    "url_name, args",
    [
        ("home", []),
        ("cases:child-list", []),
        ("accounts:password-change", []),
        ("audit:child-access-log", ["child"]),
        ("admin:index", []),
    ],
)
def test_no_page_opens_before_the_second_factor(client, world, url_name, args):
    client.force_login(world.administrator)
    url = reverse(url_name, args=[world.child.pk if a == "child" else a for a in args])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp-setup"))


def _enrol_step(client, user, code=None):
    """The password, then the enrolment code an administrator gave the user."""
    _password_step(client, user)
    response = client.post(
        reverse("accounts:otp-setup"), {"enrolment_code": code or enrolment_code_for(user)}
    )
    assert response.status_code == 302
    return client


def test_password_alone_shows_no_key_or_qr_code(client, world):
    _password_step(client, world.social_worker)
    response = client.get(reverse("accounts:otp-setup"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Enrolment code from your administrator" in content
    assert "Ask your administrator for an enrolment code" in content
    assert "<svg" not in content and 'id="otp-key"' not in content
    assert not TOTPDevice.objects.filter(user=world.social_worker).exists()


def _refused(client, code):
    response = client.post(reverse("accounts:otp-setup"), {"enrolment_code": code})
    assert response.status_code == 200
    content = response.content.decode()
    assert "That enrolment code is not right" in content
    assert "Ask your administrator for an enrolment code" in content
    assert "<svg" not in content and 'id="otp-key"' not in content
    return response


def test_setup_refuses_a_wrong_enrolment_code(client, world):
    enrolment_code_for(world.social_worker)
    _password_step(client, world.social_worker)
    _refused(client, "ABCD-EFGH-JKMN")
    assert EnrolmentCode.objects.get(user=world.social_worker).failed_attempts == 1
    assert not TOTPDevice.objects.filter(user=world.social_worker).exists()


def test_setup_refuses_another_users_enrolment_code(client, world):
    code = enrolment_code_for(world.same_team_worker)
    _password_step(client, world.social_worker)
    _refused(client, code)


def test_setup_refuses_an_expired_enrolment_code(client, world):
    code = enrolment_code_for(world.social_worker)
    EnrolmentCode.objects.update(expires_at=timezone.now() - timedelta(minutes=1))
    _password_step(client, world.social_worker)
    _refused(client, code)


def test_setup_refuses_a_used_enrolment_code(client, world):
    code = enrolment_code_for(world.social_worker)
    EnrolmentCode.objects.update(used_at=timezone.now())
    _password_step(client, world.social_worker)
    _refused(client, code)


def test_issuing_a_new_enrolment_code_cancels_the_earlier_one(client, world):
    first = enrolment_code_for(world.social_worker)
    second = enrolment_code_for(world.social_worker)
    _password_step(client, world.social_worker)
    _refused(client, first)
    response = client.post(reverse("accounts:otp-setup"), {"enrolment_code": second})
    assert response.status_code == 302


def test_too_many_wrong_enrolment_codes_cancel_the_code(client, world):
    code = enrolment_code_for(world.social_worker)
    _password_step(client, world.social_worker)
    for _ in range(EnrolmentCode.MAX_ATTEMPTS):
        _refused(client, "ABCD-EFGH-JKMN")
    # Now even the right code is refused: only a new one from an administrator will do.
    _refused(client, code)
    assert EnrolmentCode.objects.get(user=world.social_worker).cancelled_at is not None


def test_enrolment_code_is_stored_hashed(world):
    code = enrolment_code_for(world.social_worker, issued_by=world.administrator)
    record = EnrolmentCode.objects.get(user=world.social_worker)
    plain = code.replace("-", "")
    assert len(plain) >= 10
    assert plain not in record.code_hash and code not in record.code_hash
    assert record.created_by == world.administrator
    hours = (record.expires_at - record.created_at).total_seconds() / 3600
    assert hours == 72


def test_enrolment_code_is_accepted_in_lower_case_without_hyphens(client, world):
    code = enrolment_code_for(world.social_worker)
    _enrol_step(client, world.social_worker, code.replace("-", " ").lower())
    assert client.get(reverse("accounts:otp-setup")).status_code == 200
    assert TOTPDevice.objects.filter(user=world.social_worker, confirmed=False).count() == 1


def test_setup_page_shows_qr_code_and_key(client, world):
    _enrol_step(client, world.social_worker)
    response = client.get(reverse("accounts:otp-setup"))
    assert response.status_code == 200
    content = response.content.decode()
    device = TOTPDevice.objects.get(user=world.social_worker)
    assert not device.confirmed
    assert "<svg" in content and 'role="img"' in content
    key = b32encode(device.bin_key).decode().rstrip("=")
    assert " ".join(key[i : i + 4] for i in range(0, len(key), 4)) in content
    assert "<?xml" not in content
    # Reloading keeps the key already scanned.
    client.get(reverse("accounts:otp-setup"))
    assert TOTPDevice.objects.filter(user=world.social_worker).count() == 1


def test_setup_refuses_a_wrong_code(client, world):
    _enrol_step(client, world.social_worker)
    client.get(reverse("accounts:otp-setup"))
    device = TOTPDevice.objects.get(user=world.social_worker)
    response = client.post(reverse("accounts:otp-setup"), {"token": _wrong_code(device)})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert client.get(reverse("home")).status_code == 302


def test_setup_with_the_right_code_confirms_the_app_and_signs_in(client, world):
    _enrol_step(client, world.social_worker)
    client.get(reverse("accounts:otp-setup"))
    device = TOTPDevice.objects.get(user=world.social_worker)
    response = client.post(
        reverse("accounts:otp-setup"), {"token": _code(device), "next": "/children/"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/children/"
    device.refresh_from_db()
    assert device.confirmed
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("home")).status_code == 200
    assert EnrolmentCode.objects.get(user=world.social_worker).used_at is not None


def test_a_used_enrolment_code_cannot_enrol_a_second_phone(client, world):
    code = enrolment_code_for(world.social_worker)
    _enrol_step(client, world.social_worker, code)
    device = TOTPDevice.objects.get(user=world.social_worker)
    client.post(reverse("accounts:otp-setup"), {"token": _code(device)})
    TOTPDevice.objects.filter(user=world.social_worker).delete()
    client.post(reverse("accounts:logout"))
    _password_step(client, world.social_worker)
    _refused(client, code)


def test_a_key_shown_before_the_enrolment_code_is_replaced(client, world):
    # A device left unconfirmed (say, from before enrolment codes) is not the one set up.
    old = TOTPDevice.objects.create(user=world.social_worker, name="Old", confirmed=False)
    _enrol_step(client, world.social_worker)
    assert not TOTPDevice.objects.filter(pk=old.pk).exists()
    assert TOTPDevice.objects.filter(user=world.social_worker).count() == 1


def test_setup_is_not_offered_again_once_an_app_is_confirmed(client, world, device):
    _password_step(client, world.social_worker)
    response = client.get(reverse("accounts:otp-setup"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp-verify"))
    assert TOTPDevice.objects.filter(user=world.social_worker).count() == 1


def test_verify_refuses_a_wrong_code_with_a_message(client, world, device):
    _password_step(client, world.social_worker)
    response = client.post(reverse("accounts:otp-verify"), {"token": _wrong_code(device)})
    assert response.status_code == 200
    assert "That code is not right" in response.content.decode()
    assert DEVICE_ID_SESSION_KEY not in client.session
    assert client.get(reverse("home")).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_verify_refuses_letters_with_a_message(client, world, device):
    _password_step(client, world.social_worker)
    response = client.post(reverse("accounts:otp-verify"), {"token": "abcdef"})
    assert "Enter the six digits" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_verify_with_the_right_code_signs_in_and_returns_to_the_page(client, world, device):
    _password_step(client, world.social_worker)
    key_before = client.session.session_key
    child_url = reverse("cases:child-detail", args=[world.child.pk])
    response = client.post(
        reverse("accounts:otp-verify"), {"token": _code(device), "next": child_url}
    )
    assert response.status_code == 302
    assert response["Location"] == child_url
    assert client.session.session_key != key_before
    response = client.get(child_url)
    assert response.status_code == 200
    assert world.child.full_name in response.content.decode()


def test_a_code_cannot_be_used_twice(client, world, device):
    code = _code(device)
    _password_step(client, world.social_worker)
    assert client.post(reverse("accounts:otp-verify"), {"token": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    _password_step(client, world.social_worker)
    response = client.post(reverse("accounts:otp-verify"), {"token": code})
    assert response.status_code == 200
    assert client.get(reverse("home")).status_code == 302


def test_verify_ignores_a_next_address_on_another_site(client, world, device):
    _password_step(client, world.social_worker)
    response = client.post(
        reverse("accounts:otp-verify"),
        {"token": _code(device), "next": "https://attacker.example.invalid/"},
    )
    assert response["Location"] == reverse("home")


def test_unverified_user_can_sign_out(client, world):
    _password_step(client, world.social_worker)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_demo_mode_needs_no_second_factor(client, world, settings):
    settings.DEMO_MODE = True
    _password_step(client, world.social_worker)
    assert client.get(reverse("home")).status_code == 200
    assert client.get(reverse("accounts:otp-verify")).status_code == 302
    assert not TOTPDevice.objects.exists()
    assert client.get(reverse("accounts:otp-setup")).status_code == 302


def test_admin_site_needs_the_second_factor(client, world):
    device = TOTPDevice.objects.create(user=world.administrator, name="Phone", confirmed=True)
    response = client.post(
        reverse("admin:login"),
        {"username": world.administrator.username, "password": PASSWORD, "next": "/admin/"},
    )
    assert response.status_code == 302
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp-verify"))
    client.post(reverse("accounts:otp-verify"), {"token": _code(device)})
    assert client.get(reverse("admin:index")).status_code == 200


def test_removing_the_app_ends_verified_sessions(world, login):
    client = login(world.social_worker)
    assert client.get(reverse("home")).status_code == 200
    TOTPDevice.objects.filter(user=world.social_worker).delete()
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:otp-setup"))


def test_quick_guesses_are_throttled_and_told_to_wait(client, world, device):
    _password_step(client, world.social_worker)
    client.post(reverse("accounts:otp-verify"), {"token": _wrong_code(device)})
    # Straight after a wrong code even the right one is not checked.
    response = client.post(reverse("accounts:otp-verify"), {"token": _code(device)})
    assert "Too many wrong codes in a row" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302
