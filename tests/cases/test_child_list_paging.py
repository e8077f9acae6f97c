"""The child list is paged (issue 17): a senior manager reaches every child in the authority,
so the list comes fifty at a time, in the same queries for sixty children or six hundred, and
its page links keep the search and the worker it was narrowed to."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import Child
from tests.cases.factories import ChildFactory

CHILDREN = reverse("cases:child-list")


def _children(world, n: int, *, start: int = 0, **fields) -> None:
    Child.objects.bulk_create(
        ChildFactory.build(
            allocated_team=world.team,
            allocated_worker=world.social_worker,
            la_child_id=f"LIST{start + i:05d}",
            **fields,
        )
        for i in range(n)
    )


def test_the_child_list_is_paged_and_keeps_its_search_and_worker(world, login):
    _children(world, 110, last_name="Paget")
    client = login(world.senior_manager)
    params = {"q": "Paget", "worker": world.social_worker.pk}
    first = client.get(CHILDREN, params)
    assert len(first.context["page"].object_list) == 50
    content = first.content.decode()
    assert '<nav class="no-print" aria-label="Pagination">' in content
    assert f'href="?q=Paget&amp;worker={world.social_worker.pk}&amp;page=2"' in content
    assert "Page 1 of 3: 1 to 50 of 110 children." in content
    last = client.get(CHILDREN, {**params, "page": 3})
    assert len(last.context["page"].object_list) == 10
    assert 'rel="prev"' in last.content.decode() and 'rel="next"' not in last.content.decode()


@pytest.mark.parametrize("persona", ["senior_manager", "social_worker"])
def test_a_child_list_page_costs_the_same_queries_for_60_or_600_children(
    world, login, persona, django_assert_max_num_queries
):
    client = login(world.persona(persona))
    _children(world, 60)
    with CaptureQueriesContext(connection) as sixty:
        client.get(CHILDREN)
    _children(world, 540, start=60)
    with django_assert_max_num_queries(len(sixty)):
        response = client.get(CHILDREN, {"page": 8})
    assert response.context["page"].paginator.count == 601  # and world.child
    assert len(response.context["page"].object_list) == 50
