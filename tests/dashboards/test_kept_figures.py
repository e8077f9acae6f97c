"""Issue 17 item 3: a scope's figures are worked out once per data version (audit.versions)
and day, and kept: the next request takes them without re-aggregating the authority, and any
write (a save, a delete, the scan's bulk writes) moves the version, so a kept figure always
equals its drill-down. PostgreSQL only (SQLite has no version: nothing is kept)."""

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit import versions
from conferences.models import Conference
from conferences.timeliness import refresh_timeliness
from dashboards.measures import Measures, Scope
from monitoring.services import timescales_scan
from tests.cases.factories import ChildFactory
from tests.dashboards.test_measures import D, _icpc, icpcs  # noqa: F401

PERIOD = {"from": "2018-09-01", "to": "2018-09-30"}

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the data version is a PostgreSQL sequence"
)


@pytest.fixture(autouse=True)
def _empty_cache(db):
    caches["figures"].clear()
    yield
    caches["figures"].clear()


def _get(client, name):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), PERIOD)
    assert response.status_code == 200
    return response, len(ctx.captured_queries)


@pytest.mark.parametrize("name", ["dashboards:service", "dashboards:metrics-json"])
def test_the_second_request_takes_the_kept_figures(world, icpcs, login, name):  # noqa: F811
    client = login(world.senior_manager)
    first, worked_out = _get(client, name)
    second, kept = _get(client, name)
    assert kept < worked_out / 2, (kept, worked_out)
    if name == "dashboards:metrics-json":
        assert second.json() == first.json()
        assert second.json()["icpc_held"] == 3
    else:  # the page (its nonces differ): the same figures, cards and teams side by side
        for part in ("summary", "sections", "trend", "caseloads", "alerts"):
            assert second.context[part] == first.context[part], part
        assert [r["cells"] for r in second.context["teams"]] == [
            r["cells"] for r in first.context["teams"]
        ]
        assert second.context["measures"].restored and not first.context["measures"].restored


def test_a_write_moves_the_version_and_the_figure_follows_its_drill_down(
    world,
    icpcs,  # noqa: F811
    login,
):
    client = login(world.senior_manager)
    before = client.get(reverse("dashboards:metrics-json"), PERIOD).json()
    assert before["icpc_held"] == 3
    version = versions.current()
    _icpc(ChildFactory(allocated_team=world.team), D(2018, 9, 14))  # a fourth, by the ORM
    assert versions.current() > version
    after = client.get(reverse("dashboards:metrics-json"), PERIOD).json()
    assert after["icpc_held"] == 4
    drill = client.get(reverse("dashboards:drill", args=["icpc_held"]), PERIOD)
    assert drill.context["page"].paginator.count == 4
    # A delete moves it too.
    Conference.objects.filter(held_on=D(2018, 9, 14)).first().delete()
    assert client.get(reverse("dashboards:metrics-json"), PERIOD).json()["icpc_held"] == 3


def test_bulk_writers_move_the_version(world, icpcs):  # noqa: F811
    version = versions.current()
    timescales_scan(as_of=D(2018, 9, 20))  # writes alerts in bulk
    assert versions.current() > version
    version = versions.current()
    refresh_timeliness()  # nothing to change: no bump needed, none made
    assert versions.current() == version


def test_kept_figures_are_per_scope_period_and_day(world, icpcs):  # noqa: F811
    authority = Scope(kind="authority", label="Authority")
    team = Scope(kind="team", label="Team A", team_ids=(world.team.pk,))
    m = Measures(authority, D(2018, 9, 1), D(2018, 9, 30))
    assert not m.restore()
    assert m.count("icpcs_held") == 3
    m.keep()
    again = Measures(authority, D(2018, 9, 1), D(2018, 9, 30))
    assert again.restore() and again.count("icpcs_held") == 3
    assert not Measures(team, D(2018, 9, 1), D(2018, 9, 30)).restore()
    assert not Measures(authority, D(2018, 9, 1), D(2018, 9, 29)).restore()


@pytest.mark.parametrize(
    "name", ["dashboards:service", "dashboards:team", "dashboards:metrics-json"]
)
def test_kept_figures_read_none_of_the_records_they_count(world, icpcs, login, name):  # noqa: F811
    """Taken as kept, not one figure is counted again: not even one no card or entry shows."""
    user = world.team_manager if name == "dashboards:team" else world.senior_manager
    client = login(user)
    _get(client, name)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse(name), PERIOD)
    assert response.status_code == 200
    counted = [q["sql"] for q in ctx.captured_queries if "conferences_conference" in q["sql"]]
    assert counted == []


@pytest.mark.parametrize(
    "url_name",
    [
        "cases:child-detail",
        "cases:chronology",
        "conferences:child-plan",
        "cases:visits",
        "cases:family-view",
    ],
)
def test_a_look_at_a_childs_page_keeps_the_version_and_the_kept_figures(
    world,
    icpcs,  # noqa: F811
    login,
    url_name,
):
    """Each look at a child's page writes an audit entry (audit.middleware); that entry is not
    case data, so it neither moves the data version nor sends the dashboards back to working
    their figures out."""
    from auditlog.models import LogEntry

    client = login(world.social_worker)  # (signing in saves last_login: a write, before)
    authority = Scope(kind="authority", label="Authority")
    kept = Measures(authority, D(2018, 9, 1), D(2018, 9, 30))
    assert not kept.restore()
    assert kept.count("icpcs_held") == 3
    kept.keep()
    version = versions.current()
    looks = LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count()
    assert client.get(reverse(url_name, args=[world.child.pk])).status_code == 200
    assert LogEntry.objects.filter(action=LogEntry.Action.ACCESS).count() == looks + 1
    assert versions.current() == version
    again = Measures(authority, D(2018, 9, 1), D(2018, 9, 30))
    assert again.restore() and again.count("icpcs_held") == 3
