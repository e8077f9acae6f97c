"""Search on indexes (issue 17, item 4): an LA child ID in any case, an NHS number with or without
its spaces and a UPN are exact matches on an index; names use trigram indexes in PostgreSQL.
The plans are checked with the planner told to avoid a sequential scan where it can (a test's
few rows would otherwise always be read in full): if no index could answer, it still scans."""

import pytest
from django.db import connection

from cases.models import Child
from tests.cases.factories import ChildFactory

VALID_NHS = "9434765919"  # a synthetic number with a valid check digit


@pytest.fixture
def children(db):
    ChildFactory.create_batch(5)
    return ChildFactory(
        la_child_id="WCP123456789",
        first_name="Amara",
        last_name="Okonjo-Fitz",
        nhs_number=VALID_NHS,
        upn="A123456789012",
    )


@pytest.mark.parametrize(
    "typed",
    [
        "WCP123456789",
        "wcp123456789",
        " wcp123456789 ",
        "943 476 5919",
        "9434765919",
        "a123456789012",
    ],
)
def test_identifiers_find_the_child_however_typed(children, typed):
    assert list(Child.objects.search(typed)) == [children]


def test_a_part_of_a_name_finds_the_child(children):
    assert children in Child.objects.search("konjo")
    assert children in Child.objects.search("amara okon")
    assert not Child.objects.search("amara smith").exists()


def _plan(queryset) -> str:
    sql, params = queryset.order_by().query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner and pg_trgm")
@pytest.mark.parametrize(
    ("typed", "index"),
    [
        ("wcp123456789", "child_la_id_upper"),
        ("9434765919", "child_nhs_number"),
        ("A123456789012", "child_upn"),
        ("konjo", "child_last_name_trgm"),
        ("12/03/2015", "child_date_of_birth"),
    ],
)
def test_search_reads_an_index_not_every_child(children, typed, index):
    plan = _plan(Child.objects.search(typed))
    assert index in plan, plan
    assert "Seq Scan on cases_child" not in plan, plan


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_counting_restricted_records_reads_the_partial_index(children):
    plan = _plan(Child.objects.filter(is_restricted=True).values("pk"))
    assert "child_restricted" in plan, plan


def test_a_search_among_a_few_children_keeps_the_name_order(world, login):
    """A social worker's search is sorted from its matches (not read off the authority's name
    index, which the planner would walk from its start to find a team's few): the same order
    as the model's, names of any case included, on the page as in the query."""
    for last, first in [("de Souza", "Ava"), ("Dean", "Zac"), ("Dean", "Amy"), ("Abbott", "Di")]:
        ChildFactory(first_name=first, last_name=last, known_as="Sam", allocated_team=world.team)
    ChildFactory(first_name="Sam", last_name="Other", allocated_team=world.other_team)
    by_model = list(Child.objects.filter(known_as="Sam", allocated_team=world.team))
    assert list(
        Child.objects.search("sam").by_name(few=True).filter(allocated_team=world.team)
    ) == (by_model)
    page = login(world.social_worker).get("/children/", {"q": "Sam"})
    assert list(page.context["page"].object_list) == by_model


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's planner")
def test_a_search_among_a_few_children_is_not_read_off_the_name_index(children):
    def index_used(qs) -> bool:
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_sort = off")
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        return "cases_child_last_na" in plan

    assert index_used(Child.objects.search("konjo").by_name()[:50])  # it could be
    assert not index_used(Child.objects.search("konjo").by_name(few=True)[:50])
