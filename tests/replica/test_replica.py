"""Issue 17 item 6: dashboards, drill-downs and returns read from a PostgreSQL streaming replica
(wirral_cp/replica.py), against a real hot standby: `.ci/replica` makes one with
`pg_basebackup -R` and CI runs these with DATABASE_REPLICA_URL set. Without it they are skipped
on a laptop, and fail in CI (CI=true).

The test database is made on the primary and streamed to the standby like any other; these
tests commit (transaction=True) so that the standby can see their rows, and point the
`replica` alias (a test mirror of the primary) at the standby for their duration."""

import fcntl
import os
import tempfile
import time

import environ
import pytest
from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Child
from tests.cases.factories import ChildFactory
from tests.dashboards.test_measures import D, _icpc
from wirral_cp import replica as replica_module

PERIOD = {"from": "2018-09-01", "to": "2018-09-30"}
URL = os.environ.get("DATABASE_REPLICA_URL", "")
LOCK = os.path.join(tempfile.gettempdir(), "wirral-cp-replica-tests.lock")

pytestmark = pytest.mark.django_db(
    transaction=True,
    # Without a replica configured the `standby` fixture skips (fails in CI) before any query.
    databases=["default", "replica"] if "replica" in settings.DATABASES else ["default"],
)


@pytest.fixture
def standby(settings, request):
    """The replica alias pointed at the real standby (the test database's copy there)."""
    if not URL or "replica" not in settings.DATABASES:
        message = "no DATABASE_REPLICA_URL: .ci/replica makes a streaming replica"
        if os.environ.get("CI"):
            pytest.fail(f"CI runs the replica tests, but {message}")
        pytest.skip(message)
    # One replica test at a time across pytest-xdist's workers: a test pauses the standby's
    # replay, which another's wait for it to catch up would not survive.
    lock = open(LOCK, "w")  # noqa: SIM115 (held until the test ends)
    fcntl.flock(lock, fcntl.LOCK_EX)
    request.addfinalizer(lock.close)
    real = environ.Env.db_url_config(URL)
    connection = connections["replica"]
    mirrored = connection.settings_dict
    connection.close()
    connection.settings_dict = {
        **connections[DEFAULT_DB_ALIAS].settings_dict,
        "HOST": real["HOST"],
        "PORT": real["PORT"],
    }
    settings.REPLICA_READS = True
    settings.REPLICA_MAX_LAG_SECONDS = 3600
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone()[0], "DATABASE_REPLICA_URL is not a standby"
        yield connection
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_wal_replay_resume()")
        connection.close()
        connection.settings_dict = mirrored


def _caught_up() -> None:
    for _ in range(100):
        if replica_module.replica_lag()[0]:
            return
        time.sleep(0.1)
    raise AssertionError("the standby did not catch up in 10 s")


def _pause(standby) -> None:
    with standby.cursor() as cursor:
        cursor.execute("SELECT pg_wal_replay_pause()")
    for _ in range(50):
        with standby.cursor() as cursor:
            cursor.execute("SELECT pg_get_wal_replay_pause_state()")
            if cursor.fetchone()[0] == "paused":
                return
        time.sleep(0.1)


def _replica_queries(standby, fetch):
    with CaptureQueriesContext(standby) as replica_side:
        result = fetch()
    return result, [q["sql"] for q in replica_side.captured_queries]


@pytest.fixture
def three(world):
    icpcs = [
        _icpc(world.child, D(2018, 9, 13)),
        _icpc(ChildFactory(allocated_team=world.team), D(2018, 9, 18)),
        _icpc(ChildFactory(allocated_team=world.other_team), D(2018, 9, 19)),
    ]
    return icpcs


def test_the_dashboards_drill_downs_and_returns_read_from_the_replica(standby, world, three, login):
    _caught_up()
    client = login(world.senior_manager)
    response, on_replica = _replica_queries(
        standby, lambda: client.get(reverse("dashboards:metrics-json"), PERIOD)
    )
    assert response.json()["icpc_held"] == 3
    assert any("strategy_section47" in sql for sql in on_replica), on_replica
    page, on_replica = _replica_queries(
        standby, lambda: client.get(reverse("dashboards:drill", args=["icpc_held"]), PERIOD)
    )
    assert page.context["page"].paginator.count == 3
    assert any("conferences_conference" in sql for sql in on_replica)
    assert "Figures as of" not in client.get(reverse("dashboards:service"), PERIOD).content.decode()
    # Pages that are not opted in read from the primary.
    _, on_replica = _replica_queries(standby, lambda: client.get(reverse("cases:child-list")))
    assert not any("cases_child" in sql for sql in on_replica)


def test_a_lagging_replica_says_as_of_when_or_the_primary_is_read(
    standby, world, three, login, settings
):
    _caught_up()
    client = login(world.senior_manager)
    _pause(standby)
    _icpc(ChildFactory(allocated_team=world.team), D(2018, 9, 14))  # a fourth, on the primary
    assert Child.objects.using("default").count() > Child.objects.using("replica").count()
    # Within the lag allowed: the replica's figures, said to be as of its last replayed change,
    # and not kept for the data version (which has moved on).
    page = client.get(reverse("dashboards:service"), PERIOD)
    assert page.context["summary"]["icpc_held"] == 3
    assert "Figures as of" in page.content.decode()
    assert page.context["read_state"].lagging
    # Allowed no lag: the primary, with the fourth.
    settings.REPLICA_MAX_LAG_SECONDS = 0
    page = client.get(reverse("dashboards:service"), PERIOD)
    assert page.context["summary"]["icpc_held"] == 4
    assert page.context["read_state"].reason == "lagging"
    assert "Figures as of" not in page.content.decode()


def test_after_a_write_the_session_reads_from_the_primary(standby, world, three, login):
    _caught_up()
    client = login(world.senior_manager)
    _pause(standby)
    _icpc(ChildFactory(allocated_team=world.team), D(2018, 9, 14))
    assert client.get(reverse("dashboards:metrics-json"), PERIOD).json()["icpc_held"] == 3
    # Any request that may write marks the session (here one refused: the mark is on the
    # method, before the outcome is known).
    client.post(reverse("dashboards:metrics-json"), PERIOD)
    assert client.get(reverse("dashboards:metrics-json"), PERIOD).json()["icpc_held"] == 4


def test_a_write_in_the_request_sends_its_later_reads_to_the_primary(standby, world, three):
    _caught_up()
    _pause(standby)
    request = RequestFactory().get("/")

    @replica_module.reads_from_replica
    def view(request):
        before = Child.objects.count()
        ChildFactory(allocated_team=world.team)  # a case record: the signal marks the request
        after = Child.objects.count()
        return before, after, replica_module.state()

    before, after, state = view(request)
    assert after == before + 1
    assert state.alias == DEFAULT_DB_ALIAS and state.reason == "wrote"


def test_an_unreachable_replica_falls_back_to_the_primary(standby, world, three, login):
    reachable = standby.settings_dict
    standby.close()
    standby.settings_dict = {**reachable, "PORT": 1, "OPTIONS": {"connect_timeout": 2}}
    try:
        client = login(world.senior_manager)
        response = client.get(reverse("dashboards:metrics-json"), PERIOD)
        assert response.json()["icpc_held"] == 3
    finally:
        standby.close()
        standby.settings_dict = reachable
