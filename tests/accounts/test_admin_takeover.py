"""The administrator role ("users, teams, roles; no case content") cannot take over an account
or give itself access: everything that grants access is read-only in the admin site unless the
user is a superuser, and every change to a user, group or device is audited."""

import pytest
from auditlog.models import LogEntry
from django.contrib.auth.models import Group
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role


@pytest.fixture
def victim_device(world):
    return TOTPDevice.objects.create(user=world.social_worker, name="Phone", confirmed=True)


def test_the_totp_key_and_qr_code_are_hidden(world, login, victim_device):
    client = login(world.administrator)
    change = client.get(reverse("admin:otp_totp_totpdevice_change", args=[victim_device.pk]))
    assert victim_device.key not in change.content.decode()
    for name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        response = client.get(reverse(name, args=[victim_device.pk]))
        assert response.status_code in (403, 404), name
        assert victim_device.key not in response.content.decode(errors="replace")


def test_an_administrator_cannot_set_someone_elses_password(world, login):
    client = login(world.administrator)
    url = reverse("admin:auth_user_password_change", args=[world.social_worker.pk])
    response = client.post(url, {"password1": "Taken-over-2026!", "password2": "Taken-over-2026!"})
    assert response.status_code in (403, 404)
    world.social_worker.refresh_from_db()
    assert not world.social_worker.check_password("Taken-over-2026!")


def _change_post(user, **changes) -> dict:
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "team": user.team_id or "",
        "job_title": user.job_title,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
        "initial-date_joined_0": "2026-01-01",
        "initial-date_joined_1": "09:00:00",
    }
    data.update(changes)
    return data


def test_an_administrator_cannot_make_themselves_superuser_or_senior(world, login):
    client = login(world.administrator)
    senior = Group.objects.get(name=Role.SENIOR_MANAGER)
    url = reverse("admin:accounts_user_change", args=[world.administrator.pk])
    client.post(
        url,
        _change_post(world.administrator, is_superuser="on", is_staff="on", groups=[senior.pk]),
    )
    world.administrator.refresh_from_db()
    assert not world.administrator.is_superuser
    assert not world.administrator.groups.filter(name=Role.SENIOR_MANAGER).exists()
    # Nor through the group itself.
    client.post(
        reverse("admin:auth_group_change", args=[senior.pk]),
        {"name": senior.name, "permissions": []},
    )
    assert senior.permissions.count() == Group.objects.get(pk=senior.pk).permissions.count()
    assert not world.administrator.groups.filter(name=Role.SENIOR_MANAGER).exists()
    assert (
        login(world.administrator)
        .get(reverse("cases:child-detail", args=[world.child.pk]))
        .status_code
        == 404
    )


def test_a_superuser_grants_roles_and_it_is_audited(world, login, victim_device):
    from tests.accounts.factories import make_user

    root = make_user(Role.ADMINISTRATOR, is_staff=True, is_superuser=True, username="root")
    client = login(root)
    senior = Group.objects.get(name=Role.SENIOR_MANAGER)
    url = reverse("admin:accounts_user_change", args=[world.social_worker.pk])
    response = client.post(
        url,
        _change_post(world.social_worker, groups=[senior.pk]),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert world.social_worker.groups.filter(pk=senior.pk).exists()
    changes = LogEntry.objects.get_for_object(world.social_worker)
    assert changes.filter(actor=root).exists()
    client.post(
        reverse("admin:otp_totp_totpdevice_delete", args=[victim_device.pk]), {"post": "yes"}
    )
    assert not TOTPDevice.objects.filter(pk=victim_device.pk).exists()
    assert LogEntry.objects.filter(
        content_type__model="totpdevice", object_pk=str(victim_device.pk), actor=root
    ).exists()


def test_the_audit_log_does_not_show_case_content_to_administrators(world, login):
    from django.test import RequestFactory

    from audit.services import record_access

    request = RequestFactory().get("/")
    request.user = world.social_worker
    record_access(request=request, obj=world.child, what="summary")
    client = login(world.administrator)
    changelist = reverse("admin:auditlog_logentry_changelist")
    page = client.get(changelist).content.decode()
    assert world.child.last_name not in page
    searched = client.get(changelist, {"q": world.child.last_name})
    assert searched.context["cl"].result_count == 0
    entry = LogEntry.objects.get_for_object(world.child).latest("pk")
    detail = client.get(reverse("admin:auditlog_logentry_change", args=[entry.pk]))
    assert world.child.last_name not in detail.content.decode()
