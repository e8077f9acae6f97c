"""Issue 17 item 3: after a write, a dashboard shows the figures worked out before it for up to
DASHBOARD_FIGURES_MAX_AGE seconds, saying so and when they are from, and works them out again
once the response has gone (its close), so that the next request has them current and no
request waits for the authority to be re-aggregated. PostgreSQL only (the data version)."""

from datetime import timedelta

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dashboards.measures import Measures, Scope
from tests.cases.factories import ChildFactory
from tests.dashboards.test_measures import D, _icpc, icpcs  # noqa: F401

PERIOD = {"from": "2018-09-01", "to": "2018-09-30"}
AUTHORITY = Scope(kind="authority", label="Authority")

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the data version is a PostgreSQL sequence"
)


@pytest.fixture(autouse=True)
def _stale_for_five_minutes(settings, db):
    settings.DASHBOARD_FIGURES_MAX_AGE = 300
    caches["figures"].clear()
    yield
    caches["figures"].clear()


def _close(response):
    """What a WSGI server's close of the response runs first (HttpResponse.close: its closers,
    then request_finished, which would close the test's connection mid-transaction)."""
    for closer in response._resource_closers:
        closer()


def _fourth(world):
    _icpc(ChildFactory(allocated_team=world.team), D(2018, 9, 14))


def _held(response) -> int:
    if response["Content-Type"].startswith("application/json"):
        return response.json()["icpc_held"]
    return response.context["summary"]["icpc_held"]


@pytest.mark.parametrize(
    "name", ["dashboards:service", "dashboards:team", "dashboards:metrics-json"]
)
def test_after_a_write_the_kept_figures_show_labelled_and_the_next_request_is_current(
    world,
    icpcs,  # noqa: F811
    login,
    name,
):
    user = world.team_manager if name == "dashboards:team" else world.senior_manager
    client = login(user)
    first = client.get(reverse(name), PERIOD)
    held = _held(first)
    assert held >= 2
    assert "figures-as-of" not in first.content.decode()
    _fourth(world)
    with CaptureQueriesContext(connection) as ctx:
        stale = client.get(reverse(name), PERIOD)
    # What the page showed: the figures from before the write, and when they are from.
    assert _held(stale) == held
    if name == "dashboards:metrics-json":
        assert int(stale["Age"]) >= 0 and stale["X-Figures-As-Of"]
    else:
        assert stale.context["measures"].stale is not None
        assert 'id="figures-as-of"' in stale.content.decode()
        assert "Figures as of" in stale.content.decode()
    # Its close (the test client closes every response, as a WSGI server does) worked them
    # out again: conferences were read after the page was made.
    assert any("conferences_conference" in q["sql"] for q in ctx.captured_queries)
    current = client.get(reverse(name), PERIOD)
    assert _held(current) == held + 1
    if name != "dashboards:metrics-json":
        assert current.context["measures"].restored and not current.context["measures"].stale
        assert "figures-as-of" not in current.content.decode()
    else:
        assert not current.has_header("Age")


def test_figures_older_than_the_max_age_are_worked_out_again_before_the_response(
    world,
    icpcs,  # noqa: F811
    login,
    settings,
):
    client = login(world.senior_manager)
    assert _held(client.get(reverse("dashboards:metrics-json"), PERIOD)) == 3
    _fourth(world)
    # As if the kept figures were worked out six minutes ago.
    m = Measures(AUTHORITY, D(2018, 9, 1), D(2018, 9, 30))
    key = m._key()
    kept = caches["figures"].get(key)
    kept["at"] -= timedelta(minutes=6)
    caches["figures"].set(key, kept)
    response = client.get(reverse("dashboards:metrics-json"), PERIOD)
    assert _held(response) == 4 and not response.has_header("Age")


def test_stale_figures_off_shows_a_write_at_once(world, icpcs, login, settings):  # noqa: F811
    settings.DASHBOARD_FIGURES_MAX_AGE = 0
    client = login(world.senior_manager)
    assert _held(client.get(reverse("dashboards:metrics-json"), PERIOD)) == 3
    _fourth(world)
    assert _held(client.get(reverse("dashboards:metrics-json"), PERIOD)) == 4


def test_stale_figures_are_not_kept_again_as_the_new_versions(world, icpcs):  # noqa: F811
    m = Measures(AUTHORITY, D(2018, 9, 1), D(2018, 9, 30))
    assert not m.restore(stale_ok=True)
    assert m.count("icpcs_held") == 3
    m.keep()
    _fourth(world)
    stale = Measures(AUTHORITY, D(2018, 9, 1), D(2018, 9, 30))
    assert stale.restore(stale_ok=True) and stale.stale is not None
    assert stale.count("icpcs_held") == 3
    stale.keep()  # nothing: these are not the new version's figures
    # Asked without stale_ok (a drill-down's count, a report), they are not taken at all.
    current = Measures(AUTHORITY, D(2018, 9, 1), D(2018, 9, 30))
    assert not current.restore()
    assert current.count("icpcs_held") == 4


def test_one_refresh_at_a_time(world, icpcs):  # noqa: F811
    from django.http import HttpResponse

    m = Measures(AUTHORITY, D(2018, 9, 1), D(2018, 9, 30))
    m.restore(stale_ok=True)
    m.summary()
    m.keep()
    _fourth(world)
    responses = []
    for _ in range(2):
        stale = Measures(AUTHORITY, D(2018, 9, 1), D(2018, 9, 30))
        assert stale.restore(stale_ok=True) and stale.stale
        response = HttpResponse()
        stale.refresh_after(response, Measures.summary)
        responses.append(response)
    assert len(responses[0]._resource_closers) == 1
    assert responses[1]._resource_closers == []  # another is already working them out
    _close(responses[0])
    fresh = Measures(AUTHORITY, D(2018, 9, 1), D(2018, 9, 30))
    assert fresh.restore() and not fresh.stale and fresh.count("icpcs_held") == 4
    # The lock went with the refresh: the next stale response may refresh again.
    assert caches["figures"].get(f"{fresh._key()}:refreshing") is None


def test_a_refresh_that_fails_is_logged_and_the_response_still_closes(
    world,
    icpcs,  # noqa: F811
    caplog,
):
    from django.http import HttpResponse

    m = Measures(AUTHORITY, D(2018, 9, 1), D(2018, 9, 30))
    m.restore()
    m.summary()
    m.keep()
    _fourth(world)
    stale = Measures(AUTHORITY, D(2018, 9, 1), D(2018, 9, 30))
    assert stale.restore(stale_ok=True)
    response = HttpResponse()

    def broken(measures):
        raise RuntimeError("no")

    stale.refresh_after(response, broken)
    _close(response)
    assert "not worked out again" in caplog.text
    assert caches["figures"].get(f"{stale._key()}:refreshing") is None
    assert timezone.now() - stale.stale < timedelta(minutes=1)


def test_a_stale_figures_drill_down_says_the_figure_is_older(world, icpcs, login):  # noqa: F811
    """The drill-down is always counted live: opened from a figure shown from before the
    latest write, it says when that figure is from and that its count may differ."""
    client = login(world.senior_manager)
    held = _held(client.get(reverse("dashboards:service"), PERIOD))
    _fourth(world)
    stale = client.get(reverse("dashboards:service"), PERIOD)
    link = stale.context["query"]
    assert "figures_as_of=" in link
    assert all("figures_as_of=" in row["query"] for row in stale.context["teams"] if row["team"])
    drill = client.get(f"{reverse('dashboards:drill', args=['icpc_held'])}?{link}")
    assert drill.status_code == 200
    assert drill.context["page"].paginator.count == held + 1  # the list as it is now
    content = drill.content.decode()
    assert 'id="figure-time"' in content and "may differ" in content
    # Current figures' links carry no time; nor does a hand-made or future one show a note.
    current = client.get(reverse("dashboards:service"), PERIOD)
    assert "figures_as_of" not in current.context["query"]
    drill_url = reverse("dashboards:drill", args=["icpc_held"])
    for bad in ("nonsense", "2999-01-01T00:00:00+00:00", "2026-12-01T10:00:00"):
        page = client.get(drill_url, {**PERIOD, "figures_as_of": bad})
        assert page.status_code == 200 and 'id="figure-time"' not in page.content.decode()
