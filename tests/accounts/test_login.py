import pytest
from django.urls import reverse

from tests.accounts.factories import PASSWORD


def test_anonymous_user_is_sent_to_login(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_login_page_renders_with_csrf_token(client, db):
    response = client.get(reverse("accounts:login"))
    assert response.status_code == 200
    assert b"csrfmiddlewaretoken" in response.content
    assert b'for="id_username"' in response.content


def test_login_and_logout_in_demo_mode(client, world, settings):
    settings.DEMO_MODE = True  # no second factor: see test_otp.py for the full sign-in
    response = client.post(
        reverse("accounts:login"),
        {"username": world.social_worker.username, "password": PASSWORD},
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_login_fixture_gives_a_session_verified_with_both_factors(world, login):
    response = login(world.social_worker).get(reverse("home"))
    assert response.status_code == 200
    assert response.wsgi_request.user.is_verified()


def test_wrong_password_shows_a_message(client, world):
    response = client.post(
        reverse("accounts:login"),
        {"username": world.social_worker.username, "password": "not-the-password"},
    )
    assert response.status_code == 200
    assert b"Please enter a correct username and password" in response.content


@pytest.mark.parametrize(
    "persona, expected, absent",
    [
        ("social_worker", "Children allocated to you", "Service overview"),
        ("team_manager", "Your teams' children", "Children allocated to you"),
        ("iro", "Your conferences", "Children allocated to you"),
        ("business_support", "Conference diary", "Children allocated to you"),
        ("senior_manager", "Service overview", "Children allocated to you"),
        ("administrator", "Administration", "Children allocated to you"),
    ],
)
def test_home_page_differs_by_role(world, login, persona, expected, absent):
    client = login(world.persona(persona))
    content = client.get(reverse("home")).content.decode()
    assert expected in content
    assert absent not in content


def test_social_worker_home_lists_their_child(world, login):
    content = login(world.social_worker).get(reverse("home")).content.decode()
    assert world.child.full_name in content


def test_password_validators_reject_weak_password(world, login):
    client = login(world.social_worker)
    response = client.post(
        reverse("accounts:password-change"),
        {"old_password": PASSWORD, "new_password1": "12345678", "new_password2": "12345678"},
    )
    assert response.status_code == 200
    assert b"too short" in response.content or b"too common" in response.content


def test_overlong_username_is_refused_on_the_form_without_recording_an_attempt(client, db):
    from axes.models import AccessAttempt

    response = client.post(reverse("accounts:login"), {"username": "x" * 10_000, "password": "p"})
    assert response.status_code == 200
    assert "at most 150 characters" in response.content.decode()
    assert not AccessAttempt.objects.exists()
