"""My tasks is paged (issue 17): a team with hundreds of open alerts sees them fifty at a time,
in the same queries for sixty or six hundred, and the page links keep every filter (before,
"next page" forgot "only children allocated to me")."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.dashboards.test_paging import _alerts

TASKS = reverse("monitoring:my-tasks")


def test_my_tasks_is_paged_and_its_links_keep_every_filter(world, login):
    _alerts(world, 120)
    client = login(world.social_worker)
    params = {"status": "open", "rule": "STATUTORY_VISIT", "mine": "1"}
    first = client.get(TASKS, params)
    assert len(first.context["page"].object_list) == 50
    content = first.content.decode()
    assert 'href="?status=open&amp;rule=STATUTORY_VISIT&amp;mine=1&amp;page=2"' in content
    assert 'aria-current="page"' in content
    seen = {
        a.pk
        for n in (1, 2, 3)
        for a in client.get(TASKS, {**params, "page": n}).context["page"].object_list
    }
    assert len(seen) == 120


@pytest.mark.parametrize("persona", ["social_worker", "team_manager"])
def test_a_page_of_my_tasks_costs_the_same_queries_for_60_or_600_alerts(
    world, login, persona, django_assert_max_num_queries
):
    client = login(world.persona(persona))
    _alerts(world, 60)
    with CaptureQueriesContext(connection) as sixty:
        client.get(TASKS)
    _alerts(world, 540, start=60)
    with django_assert_max_num_queries(len(sixty)):
        response = client.get(TASKS, {"page": 9})
    assert response.context["page"].paginator.count == 600
    assert len(response.context["page"].object_list) == 50
