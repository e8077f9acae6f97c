"""Drill-downs are paged and their CSV is streamed (issue 17): a page of an authority's 90,000
open alerts costs the same few queries as a page of sixty, and the CSV is written a chunk at a
time, still through the one door (masked, out-of-reach children absent, formula-safe)."""

import pytest
from django.db import connection
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Child
from cases.services import child_restrict
from monitoring.models import Alert
from tests.cases.factories import ChildFactory
from tests.dashboards.test_measures import D, _icpc
from tests.strategy.factories import london

ALERTS = reverse("dashboards:drill", args=["open_alerts"])
PERIOD = {"from": "2026-11-01", "to": "2026-11-30"}


def _alerts(world, n: int, *, start: int = 0) -> None:
    """n open alerts, each about its own child of world.team (made in bulk: hundreds of rows)."""
    children = Child.objects.bulk_create(
        ChildFactory.build(
            allocated_team=world.team,
            allocated_worker=world.social_worker,
            la_child_id=f"PAGE{start + i:05d}",
        )
        for i in range(n)
    )
    found = london(2026, 11, 2)
    Alert.objects.bulk_create(
        Alert(
            rule="STATUTORY_VISIT",
            subject_key=f"paging:{start + i}",
            child=child,
            status="open",
            due_date=D(2026, 11, 1),
            responsible_worker=world.social_worker,
            responsible_team=world.team,
            first_found_at=found,
            last_found_at=found,
        )
        for i, child in enumerate(children)
    )


def test_a_drill_down_is_paged_and_its_links_keep_the_period_and_filters(world, login):
    _alerts(world, 120)
    client = login(world.senior_manager)
    params = {**PERIOD, "rule": "STATUTORY_VISIT"}
    first = client.get(ALERTS, params)
    assert len(first.context["rows"]) == 50
    assert first.context["page"].paginator.count == 120
    content = first.content.decode()
    assert "120 records" in content
    assert '<nav class="no-print" aria-label="Pagination">' in content
    assert 'aria-current="page" aria-label="Page 1">1</a>' in content
    # The next page keeps the period and the rule it was narrowed to.
    assert (
        'href="?from=2026-11-01&amp;to=2026-11-30&amp;rule=STATUTORY_VISIT&amp;page=2"' in content
    )
    third = client.get(ALERTS, {**params, "page": 3})
    assert len(third.context["rows"]) == 20
    ids = [
        row[1]
        for page in (1, 2, 3)
        for row in client.get(ALERTS, {**params, "page": page}).context["rows"]
    ]
    assert sorted(ids) == [f"PAGE{i:05d}" for i in range(120)]
    # A hand-typed page number past the end, or not a number, is a page, not an error.
    assert client.get(ALERTS, {**params, "page": 99}).context["page"].number == 3
    assert client.get(ALERTS, {**params, "page": "x"}).context["page"].number == 1


@pytest.mark.parametrize("persona", ["senior_manager", "team_manager"])
def test_a_drill_down_page_costs_the_same_queries_for_60_or_600_records(
    world, login, persona, django_assert_max_num_queries
):
    client = login(world.persona(persona))
    _alerts(world, 60)
    with CaptureQueriesContext(connection) as sixty:
        assert len(client.get(ALERTS, PERIOD).context["rows"]) == 50
    _alerts(world, 540, start=60)
    with django_assert_max_num_queries(len(sixty)):
        response = client.get(ALERTS, {**PERIOD, "page": 7})
    assert response.context["page"].paginator.count == 600
    assert len(response.context["rows"]) == 50


@pytest.fixture
def named(world):
    """Three ICPCs: a formula-like name in the team, a restricted child in the team (the
    social worker is named on it, the manager is not), and another team's child."""
    world.child.first_name, world.child.last_name = "=HYPERLINK(1)", "Smith"
    world.child.la_child_id = "LA000001"
    world.child.save()
    _icpc(world.child, D(2018, 9, 13))
    hidden = ChildFactory(
        allocated_team=world.team, first_name="Hid", last_name="Den", la_child_id="LA000002"
    )
    _icpc(hidden, D(2018, 9, 18))
    child_restrict(
        child=hidden, user=world.team_manager, restricted=True, people=[world.social_worker]
    )
    stranger = ChildFactory(
        allocated_team=world.other_team, first_name="Str", last_name="Anger", la_child_id="LA3"
    )
    _icpc(stranger, D(2018, 9, 19))


# Byte for byte what the drill-down CSV was before it was streamed (HttpResponse, every row
# in memory), for the team manager of the fixture above; codes now in words (#23).
BEFORE = {
    "icpc_held": (
        "icpc_held_2018-09-01_2018-09-30.csv",
        b"Child,LA child ID,Type,Target date,Held,Chair\r\n"
        b"'=HYPERLINK(1) Smith,LA000001,Initial child protection conference,"
        b"2018-09-13,2018-09-13,\r\n"
        b"Restricted record,,Initial child protection conference,2018-09-13,2018-09-18,\r\n",
    ),
    "icpc_in_timescale": (
        "icpc_in_timescale_all_2018-09-01_2018-09-30.csv",
        b"Child,LA child ID,Type,Target date,Held,Chair,Met\r\n"
        b"'=HYPERLINK(1) Smith,LA000001,Initial child protection conference,"
        b"2018-09-13,2018-09-13,,Yes\r\n"
        b"Restricted record,,Initial child protection conference,2018-09-13,2018-09-18,,No\r\n",
    ),
}


@pytest.mark.parametrize("key", sorted(BEFORE))
def test_the_csv_is_streamed_with_the_same_content_as_before(world, named, login, key):
    name, before = BEFORE[key]
    params = {"from": "2018-09-01", "to": "2018-09-30", "team": world.team.pk, "format": "csv"}
    if key == "icpc_in_timescale":
        params["all"] = "1"
    response = login(world.team_manager).get(reverse("dashboards:drill", args=[key]), params)
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse) and response.streaming
    assert response["Content-Type"] == "text/csv"
    assert response["Content-Disposition"] == f'attachment; filename="{name}"'
    assert response["Cache-Control"] == "no-store"
    body = response.getvalue()
    assert body == before
    # Through the one door: the restricted child masked, the other team's child absent.
    assert b"LA000002" not in body and b"Den" not in body
    assert b"LA3" not in body and b"Anger" not in body


def test_the_csv_reads_the_database_only_as_it_is_written(world, login, settings):
    """Nothing is read until the file is: the header comes first with no query, then the rows
    from one server-side cursor, a chunk at a time; 600 rows, every one in the file."""
    _alerts(world, 600)
    response = login(world.senior_manager).get(ALERTS, {**PERIOD, "format": "csv"})
    lines = iter(response.streaming_content)
    with CaptureQueriesContext(connection) as header:
        assert next(lines) == b"Child,LA child ID,Rule,Due,Working days overdue\r\n"
    assert len(header) == 0
    with CaptureQueriesContext(connection) as rows:
        body = b"".join(lines)
    assert len(rows) == 1  # one DECLARE ... CURSOR; the fetches are the driver's
    assert body.count(b"\r\n") == 600 and b"PAGE00599" in body
