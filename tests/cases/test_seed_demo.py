import pytest
from django.core.management import CommandError, call_command

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


def test_seed_demo_users_can_log_in(db, settings, client):
    settings.DEMO_MODE = True
    call_command("seed_demo")
    assert client.login(username="sw.north", password="demo-password-2026")


def test_seed_demo_refused_outside_demo_mode(db, settings):
    settings.DEMO_MODE = False
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
