"""Sessions end after SESSION_COOKIE_AGE without activity; pages warn before they do."""

import re
from datetime import timedelta

from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone


def _expiry(client):
    return Session.objects.get(session_key=client.session.session_key).expire_date


def test_pages_state_the_session_length_and_carry_the_warning(world, login, settings):
    settings.SESSION_COOKIE_AGE = 20 * 60
    page = login(world.social_worker).get(reverse("home")).content.decode()
    assert "signed out after 20 minutes without activity" in page
    dialog = re.search(r"<dialog[^>]*>", page).group(0)
    assert 'role="alertdialog"' in dialog
    assert 'aria-labelledby="session-timeout-title"' in dialog
    assert 'data-session-seconds="1200"' in dialog
    assert 'data-warning-seconds="120"' in dialog
    assert f'data-keepalive-url="{reverse("accounts:keepalive")}"' in dialog
    assert "Stay signed in" in page
    assert '<script src="/static/js/session-timeout.js"></script>' in page


def test_sign_in_page_has_no_warning(client, db):
    page = client.get(reverse("accounts:login")).content.decode()
    assert "session-timeout" not in page


def test_keepalive_restarts_the_inactivity_clock(world, login):
    client = login(world.social_worker)
    client.get(reverse("home"))
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() + timedelta(minutes=1)
    )
    response = client.get(reverse("accounts:keepalive"))
    assert response.status_code == 204
    assert response["Cache-Control"] == "no-store"
    assert _expiry(client) > timezone.now() + timedelta(minutes=29)


def test_keepalive_is_get_only(world, login):
    assert login(world.social_worker).post(reverse("accounts:keepalive")).status_code == 405


def test_keepalive_does_not_revive_an_ended_session(client, db):
    response = client.get(reverse("accounts:keepalive"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_session_ends_after_inactivity(world, login):
    client = login(world.social_worker)
    client.get(reverse("home"))
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_timeout_sign_out_lands_on_the_login_page_with_an_explanation(world, login):
    client = login(world.social_worker)
    response = client.post(
        reverse("accounts:logout"), {"next": f"{reverse('accounts:login')}?timeout=1"}
    )
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    page = client.get(response["Location"]).content.decode()
    assert "You were signed out because nothing happened for 30 minutes" in page


def test_timeout_sign_out_works_when_the_session_has_already_ended(client, db):
    response = client.post(
        reverse("accounts:logout"), {"next": f"{reverse('accounts:login')}?timeout=1"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?timeout=1"


def test_warning_script_is_served(world, login):
    response = login(world.social_worker).get("/static/js/session-timeout.js")
    assert response.status_code == 200
    script = b"".join(response.streaming_content).decode()
    assert "showModal" in script and "keepaliveUrl" in script
