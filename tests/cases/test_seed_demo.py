import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from accounts.models import Role, Team, User
from cases.models import Child


def test_seed_demo_is_idempotent(db, settings):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    counts = (Team.objects.count(), User.objects.count(), Child.objects.count())
    call_command("seed_demo")
    assert (Team.objects.count(), User.objects.count(), Child.objects.count()) == counts
    assert counts[2] >= 5
    for role in Role:
        assert User.objects.filter(groups__name=role.value).exists(), role


def test_seed_demo_users_can_sign_in(db, settings, client):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    response = client.post(
        reverse("accounts:login"), {"username": "sw.north", "password": "demo-password-2026"}
    )
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 200


def test_seed_demo_fills_the_case_records(db, settings):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    ruby = Child.objects.get(la_child_id="DEMO0001")
    assert ruby.family.count() >= 4
    assert ruby.visits.exclude(childs_words="").exists()
    assert ruby.section47s.get().conferences.exists()
    assert ruby.oversight.exists()
    kai = Child.objects.get(la_child_id="DEMO0004")
    discussion = kai.strategy_discussions.get()
    assert not discussion.participants.filter(agency="health", participation="attended").exists()


def test_seed_demo_refused_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
