"""Issue 17 item 3: the dashboards' figures are kept in the database (the "figures" cache),
shared by every process, and worked out ahead of anyone asking after the nightly scan and
every few minutes of the working day, so that a look at the service dashboard takes them kept
rather than working out the authority. PostgreSQL only (the data version)."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboards.measures import Measures, Scope
from dashboards.selectors import period_from
from dashboards.services import keep_figures
from dashboards.tasks import keep_figures as keep_figures_task
from tests.cases.factories import ChildFactory
from tests.dashboards.test_measures import _icpc
from wirral_cp.celery import app

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the data version is a PostgreSQL sequence"
)


@pytest.fixture
def recent_icpc(world):
    from django.utils import timezone

    _icpc(ChildFactory(allocated_team=world.team), timezone.localdate())


def _default_period() -> tuple:
    from django.http import QueryDict

    return period_from(QueryDict())


def test_the_kept_figures_are_in_the_database(world, recent_icpc):
    assert caches["figures"].__class__.__name__ == "DatabaseCache"
    keep_figures(teams=False, iros=False)
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM dashboards_kept_figures")
        assert cursor.fetchone()[0] >= 2  # the authority by team and not (from the same work)


def test_kept_ahead_the_dashboard_works_nothing_out(world, recent_icpc, login):
    # (Signing in saves the last login: a write that moves the data version. Before.)
    client = login(world.senior_manager)
    from accounts.models import Role, Team, User

    worked_out = keep_figures()
    iros = User.objects.filter(groups__name=Role.IRO, is_active=True).count()
    # The authority's once: by team, whose sums are its figures not by team (the JSON's).
    assert worked_out == 1 + Team.objects.count() + iros
    for name in ("dashboards:service", "dashboards:metrics-json"):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse(name))
        assert response.status_code == 200
        counted = [q for q in ctx.captured_queries if "conferences_conference" in q["sql"]]
        assert counted == [], name
    assert client.get(reverse("dashboards:metrics-json")).json()["icpc_held"] == 1


def test_a_team_managers_and_an_iros_dashboards_kept_ahead(world, recent_icpc, login):
    client = login(world.team_manager)
    keep_figures()
    assert client.get(reverse("dashboards:team")).context["measures"].restored
    client = login(world.iro)
    keep_figures()
    assert client.get(reverse("dashboards:iro")).context["measures"].restored


def test_nothing_written_since_nothing_worked_out_again(world, recent_icpc):
    assert keep_figures() > 0
    assert keep_figures() == 0
    _icpc(ChildFactory(allocated_team=world.team), _default_period()[1])  # a write
    assert keep_figures(teams=False, iros=False) == 1
    start, end, as_of = _default_period()
    kept = Measures(Scope("authority", "Whole authority"), start, end, as_of)
    assert kept.restore() and kept.count("icpcs_held") == 2


def test_in_the_working_day_the_figures_are_kept_again_before_they_are_too_old_to_show(db):
    """Every scope is worked out again more often than figures kept before a write may be
    shown (with a minute to spare for the round itself), so nobody waits for them."""
    from wirral_cp import settings  # as deployed: the tests' own settings show nothing stale

    (working_day,) = [
        e["schedule"]
        for e in app.conf.beat_schedule.values()
        if e["task"] == "dashboards.tasks.keep_figures" and len(e["schedule"].hour) > 1
    ]
    minutes = sorted(working_day.minute)
    gaps = [b - a for a, b in zip(minutes, [*minutes[1:], minutes[0] + 60], strict=True)]
    assert max(gaps) * 60 + 60 <= settings.DASHBOARD_FIGURES_MAX_AGE
    assert set(range(8, 19)) <= working_day.hour and set(range(1, 6)) <= working_day.day_of_week


def test_the_task_is_on_the_beat_schedule(world, recent_icpc):
    tasks = {e["task"] for e in app.conf.beat_schedule.values()}
    assert "dashboards.tasks.keep_figures" in tasks
    assert keep_figures_task.delay(teams=False, iros=False).get() == {"worked_out": 1}


def test_the_service_dashboard_worked_out_keeps_the_metrics_json_too(world, recent_icpc, login):
    """The authority's figures are the sums of its teams': a look at the service dashboard
    keeps them for the JSON of the same period, which then works nothing out."""
    client = login(world.senior_manager)
    period = {"from": "2026-01-01", "to": _default_period()[1].isoformat()}
    page = client.get(reverse("dashboards:service"), period)
    assert not page.context["measures"].restored
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("dashboards:metrics-json"), period)
    assert [q for q in ctx.captured_queries if "conferences_conference" in q["sql"]] == []
    assert response.json() == page.context["summary"]
    assert response.json()["icpc_held"] == 1


def test_migrate_makes_the_table(db):
    """`migrate` makes the cache's table (not only the test runner's createcachetable)."""
    import importlib
    from types import SimpleNamespace

    migration = importlib.import_module("dashboards.migrations.0002_kept_figures_cache")
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE dashboards_kept_figures")  # rolled back with the test
    assert "dashboards_kept_figures" not in connection.introspection.table_names()
    migration.make_table(None, SimpleNamespace(connection=connection))
    assert "dashboards_kept_figures" in connection.introspection.table_names()
