"""An administrator issues the enrolment code a user needs to set up their first authenticator
app: shown once in the admin site, stored hashed, audited; then the user enrols with it."""

import re

import pytest
from auditlog.models import LogEntry
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.hashers import check_password
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import EnrolmentCode, Role
from tests.accounts.factories import PASSWORD, make_user

CODE = re.compile(r'<code class="enrolment-code">([A-Z0-9-]+)</code>')


def _issue(client, *users):
    return client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "issue_enrolment_code", ACTION_CHECKBOX_NAME: [u.pk for u in users]},
    )


def test_an_administrator_issues_a_code_shown_once(world, login):
    client = login(world.administrator)
    response = _issue(client, world.social_worker)
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    (code,) = CODE.findall(response.content.decode())
    record = EnrolmentCode.objects.get(user=world.social_worker)
    assert record.created_by == world.administrator
    assert record.used_at is None and record.is_usable
    # Stored hashed only, and never shown again: not on the record's admin page, not in the list.
    assert check_password(code.replace("-", ""), record.code_hash)
    assert code.replace("-", "") not in record.code_hash
    for url in (
        reverse("admin:accounts_enrolmentcode_changelist"),
        reverse("admin:accounts_enrolmentcode_change", args=[record.pk]),
        reverse("admin:accounts_user_change", args=[world.social_worker.pk]),
    ):
        page = client.get(url)
        assert page.status_code == 200, url
        assert code not in page.content.decode()
        assert record.code_hash not in page.content.decode()


def test_issuing_a_code_is_audited_without_the_hash(world, login):
    client = login(world.administrator)
    _issue(client, world.social_worker)
    record = EnrolmentCode.objects.get(user=world.social_worker)
    entry = LogEntry.objects.get_for_object(record).get()
    assert entry.actor == world.administrator
    assert "code_hash" not in entry.changes_dict
    assert record.code_hash not in str(entry.changes)


def test_issuing_again_cancels_the_earlier_code_and_is_audited(world, login):
    client = login(world.administrator)
    _issue(client, world.social_worker)
    _issue(client, world.social_worker)
    first, second = EnrolmentCode.objects.filter(user=world.social_worker).order_by("pk")
    assert first.cancelled_at is not None and second.is_usable
    assert LogEntry.objects.get_for_object(first).filter(actor=world.administrator).count() == 2


def test_only_staff_who_may_issue_codes_get_the_action(world, login):
    page = login(world.administrator).get(reverse("admin:accounts_user_changelist"))
    assert "issue_enrolment_code" in page.content.decode()
    clerk = make_user(Role.BUSINESS_SUPPORT, is_staff=True, username="clerk")
    clerk.user_permissions.set(Permission.objects.filter(codename__in=["view_user", "change_user"]))
    client = login(clerk)
    page = client.get(reverse("admin:accounts_user_changelist"))
    assert page.status_code == 200
    assert "issue_enrolment_code" not in page.content.decode()
    _issue(client, world.social_worker)
    assert not EnrolmentCode.objects.exists()


def test_an_administrator_cannot_issue_a_code_for_a_superuser(world, login):
    root = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True, username="root")
    client = login(world.administrator)
    _issue(client, root)
    assert not EnrolmentCode.objects.exists()


@pytest.mark.parametrize("persona", ["social_worker", "team_manager"])
def test_case_workers_cannot_issue_codes(world, login, persona):
    client = login(world.persona(persona))
    _issue(client, world.same_team_worker)
    assert not EnrolmentCode.objects.exists()


def test_the_code_from_the_admin_site_enrols_the_user(world, login, client):
    response = _issue(login(world.administrator), world.social_worker)
    (code,) = CODE.findall(response.content.decode())
    client.logout()
    client.post(
        reverse("accounts:login"), {"username": world.social_worker.username, "password": PASSWORD}
    )
    client.post(reverse("accounts:otp-setup"), {"enrolment_code": code})
    device = TOTPDevice.objects.get(user=world.social_worker, confirmed=False)
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=6):06d}"
    assert client.post(reverse("accounts:otp-setup"), {"token": token}).status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert EnrolmentCode.objects.get(user=world.social_worker).used_at is not None
