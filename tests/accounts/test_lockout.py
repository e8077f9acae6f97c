"""Login lockout (django-axes): a username from one address, after too many wrong passwords."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.urls import reverse
from django.utils import timezone

from tests.accounts.factories import PASSWORD

LIMIT = 3


@pytest.fixture(autouse=True)
def _limit(settings):
    settings.AXES_FAILURE_LIMIT = LIMIT
    settings.AXES_COOLOFF_TIME = timedelta(minutes=30)
    settings.DEMO_MODE = True  # these tests are about the password step only


def _sign_in(client, username, password, address="192.0.2.10"):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def _fail(client, username, times, address="192.0.2.10"):
    responses = [_sign_in(client, username, "wrong-password", address) for _ in range(times)]
    return responses[-1]


def test_failures_below_the_limit_show_the_form_again(client, world):
    response = _fail(client, world.social_worker.username, LIMIT - 1)
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content
    assert _sign_in(client, world.social_worker.username, PASSWORD).status_code == 302


def test_reaching_the_limit_shows_the_lockout_page(client, world):
    response = _fail(client, world.social_worker.username, LIMIT)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Signing in is locked" in page
    assert f"{LIMIT} unsuccessful attempts" in page
    assert "try again in 30 minutes" in page
    assert "contact your administrator" in page
    assert world.social_worker.username in page
    assert 'role="alert"' in page


def test_right_password_is_refused_while_locked_out(client, world):
    _fail(client, world.social_worker.username, LIMIT)
    response = _sign_in(client, world.social_worker.username, PASSWORD)
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("home")).status_code == 302


def test_lockout_is_for_that_username_from_that_address(client, world):
    _fail(client, world.social_worker.username, LIMIT)
    assert _sign_in(client, world.same_team_worker.username, PASSWORD).status_code == 302
    client.logout()
    response = _sign_in(client, world.social_worker.username, PASSWORD, address="198.51.100.7")
    assert response.status_code == 302


def test_lockout_ends_after_the_cool_off(client, world):
    _fail(client, world.social_worker.username, LIMIT)
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert _sign_in(client, world.social_worker.username, PASSWORD).status_code == 302


def test_success_before_the_limit_resets_the_count(client, world):
    _fail(client, world.social_worker.username, LIMIT - 1)
    assert _sign_in(client, world.social_worker.username, PASSWORD).status_code == 302
    client.logout()
    response = _fail(client, world.social_worker.username, LIMIT - 1)
    assert response.status_code == 200


def test_admin_login_is_locked_out_too(client, world):
    for _ in range(LIMIT):
        response = client.post(
            reverse("admin:login"),
            {"username": world.administrator.username, "password": "wrong-password"},
            REMOTE_ADDR="192.0.2.10",
        )
    assert response.status_code == 429
    assert "Signing in is locked" in response.content.decode()


def test_forwarded_for_header_does_not_dodge_the_lockout(client, world):
    """Without a trusted proxy the client cannot pick its address with X-Forwarded-For."""
    for n in range(LIMIT):
        client.post(
            reverse("accounts:login"),
            {"username": world.social_worker.username, "password": "wrong-password"},
            REMOTE_ADDR="192.0.2.10",
            HTTP_X_FORWARDED_FOR=f"203.0.113.{n}",
        )
    assert _sign_in(client, world.social_worker.username, PASSWORD).status_code == 429
