"""Shared fixtures: the personas every view test uses, and eager Celery by default."""

from dataclasses import dataclass

import pytest

from accounts.models import Role, Team, User
from cases.models import Child
from tests.accounts.factories import TeamFactory, make_user
from tests.cases.factories import ChildFactory
from tests.personas import PERSONAS  # noqa: F401 (imported from here by tests)


@pytest.fixture(autouse=True)
def _same_names_every_run(request):
    """Factories draw names from Faker: seeded from the test's own id, each test gets the same
    people on every run. Unseeded, a child and a member of staff now and then shared a surname
    and a test that a hidden child's name is absent from a page failed by chance."""
    import zlib

    import factory.random

    factory.random.reseed_random(zlib.crc32(request.node.nodeid.encode()))


@pytest.fixture(autouse=True)
def _fast_and_eager(settings, request):
    # Fast password hashing for the many users tests create.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Test data sits in a transaction a streaming replica cannot see: pages read from the
    # primary, except in tests/replica (which commit, and point the replica at a real standby).
    settings.REPLICA_READS = False
    # A test that writes and then reads a dashboard sees its write at once; figures shown
    # stale after a write are tested in tests/dashboards/test_stale_figures.py.
    settings.DASHBOARD_FIGURES_MAX_AGE = 0
    # Pages' query counts are compared at two sizes: the badge counted every time in both
    # (its kept count is tested in tests/monitoring/test_scan.py).
    settings.TASK_BADGE_KEEP_SECONDS = 0
    # Cached rows (the local timescale policy) must not leak between tests.
    from django.core.cache import caches

    caches["default"].clear()
    # The dashboards' kept figures are a database table (settings.CACHES): rolled back with
    # each test's transaction; emptied for tests that commit.
    if "transactional_db" in request.fixturenames:
        request.getfixturevalue("transactional_db")  # set up before this fixture needs it
        caches["figures"].clear()
    # Unit and view tests run tasks in-process; the broker itself is tested in test_celery.py.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    from wirral_cp.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture(autouse=True)
def _documents_in_tmp(settings, tmp_path_factory):
    """Stored documents go to a temporary folder, never the working tree; no virus scanner
    unless a test starts the stub clamd (tests/documents/conftest.py)."""
    location = tmp_path_factory.mktemp("documents")
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(location), "base_url": None},
        },
    }
    settings.CLAMD_SOCKET = ""
    settings.DOCUMENTS_MAX_UPLOAD_MB = 20


@dataclass
class World:
    """Two teams and one of each persona; `child` is allocated to `social_worker` in `team`."""

    team: Team
    other_team: Team
    social_worker: User
    same_team_worker: User
    other_team_worker: User
    team_manager: User
    other_manager: User
    iro: User
    other_iro: User
    business_support: User
    senior_manager: User
    administrator: User
    child: Child

    def persona(self, name: str) -> User | None:
        return None if name == "anonymous" else getattr(self, name)


@pytest.fixture
def world(db) -> World:
    team = TeamFactory(name="Team A")
    other_team = TeamFactory(name="Team B")
    social_worker = make_user(Role.SOCIAL_WORKER, team=team, username="sw_a")
    w = World(
        team=team,
        other_team=other_team,
        social_worker=social_worker,
        same_team_worker=make_user(Role.SOCIAL_WORKER, team=team, username="sw_a2"),
        other_team_worker=make_user(Role.SOCIAL_WORKER, team=other_team, username="sw_b"),
        team_manager=make_user(Role.TEAM_MANAGER, team=team, manages=[team], username="tm_a"),
        other_manager=make_user(
            Role.TEAM_MANAGER, team=other_team, manages=[other_team], username="tm_b"
        ),
        iro=make_user(Role.IRO, username="iro_1"),
        other_iro=make_user(Role.IRO, username="iro_2"),
        business_support=make_user(Role.BUSINESS_SUPPORT, username="bs"),
        senior_manager=make_user(Role.SENIOR_MANAGER, username="senior"),
        administrator=make_user(Role.ADMINISTRATOR, username="admin_1", is_staff=True),
        child=ChildFactory(allocated_team=team, allocated_worker=social_worker),
    )
    return w


@pytest.fixture
def login(client):
    """A client signed in as `user` with both factors, as after the password and the TOTP code.

    `client.login()` cannot pass django-axes a request, so the password step is force_login;
    the second step stores a confirmed TOTP device in the session exactly as django_otp.login
    does. Tests of the sign-in steps themselves are in tests/accounts/.
    """
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def _login(user: User | None):
        client.logout()
        if user is not None:
            client.force_login(user)
            device, _ = TOTPDevice.objects.get_or_create(
                user=user, name="Test authenticator", defaults={"confirmed": True}
            )
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return _login


@pytest.fixture
def migrations_back_to_latest():
    """For a test that migrates backwards and forwards: every app at its latest migration again
    afterwards, whatever the test left, so the later tests on that worker meet the whole
    schema."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    yield
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
