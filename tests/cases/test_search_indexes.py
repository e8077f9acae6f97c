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
