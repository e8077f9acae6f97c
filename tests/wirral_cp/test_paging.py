"""A deep page is a deferred join (issue 17): past the first page, the skipped rows are read as
primary keys only and the page's rows in full by key, and the page is exactly the rows, in the
order, that the plain `OFFSET` slice gives. Where keys cannot stand for rows (a union,
DISTINCT, GROUP BY, a join to many rows, a list), the plain slice it is."""

import re

import pytest
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Subquery, Window
from django.db.models.functions import RowNumber, Upper
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from cases.models import Child
from tests.cases.factories import ChildFactory
from wirral_cp.paging import page_of

PER_PAGE = 10
LAST_NAMES = ["Ashe", "Brook", "Ashe", "Cole"]  # ties on the ordering


@pytest.fixture
def children(world):
    """35 children besides world.child: four pages of ten and a short fifth."""
    Child.objects.bulk_create(
        ChildFactory.build(
            allocated_team=world.team if i % 3 else world.other_team,
            allocated_worker=world.social_worker,
            la_child_id=f"DEEP{i:05d}",
            first_name="Sam" if i % 2 else "Alex",
            last_name=LAST_NAMES[i % 4],
            is_restricted=i % 5 == 0,
        )
        for i in range(35)
    )
    world.child.restricted_to.add(world.iro)
    return Child.objects.all()


def _page(items, number: int) -> list:
    request = RequestFactory().get("/", {"page": number})
    page = page_of(request, items, per_page=PER_PAGE)
    assert page.number == number
    return list(page.object_list)


def _plain(items, number: int) -> list:
    bottom = (number - 1) * PER_PAGE
    return list(items[bottom : bottom + PER_PAGE])


def _named(user_pk: int) -> Exists:
    return Exists(
        Child.restricted_to.through.objects.filter(child_id=OuterRef("pk"), user_id=user_pk)
    )


def _same_pages(items) -> None:
    for number in (2, 3, 4):
        assert _page(items, number) == _plain(items, number), f"page {number}"
    assert len(_page(items, 4)) == 6  # the last: 36 rows, ten a page


def test_a_deep_page_of_a_model_query_is_the_plain_slice(children):
    # Child's own ordering: last name, first name, then pk for the ties.
    items = Child.objects.select_related("allocated_team", "allocated_worker")
    _same_pages(items)
    deep = _page(items, 3)
    assert [c.pk for c in deep] == [c.pk for c in _plain(Child.objects.all(), 3)]
    assert all(c.allocated_team.name in ("Team A", "Team B") for c in deep)


def test_a_deep_page_of_values_with_annotations_is_the_plain_slice(world, children):
    later = Child.objects.filter(last_name=OuterRef("last_name"), pk__gt=OuterRef("pk"))
    items = (
        Child.objects.annotate(
            shout=Upper("last_name"),
            team=F("allocated_team__name"),
            named=_named(world.iro.pk),
            later=Subquery(later.values("last_name").annotate(n=Count("pk")).values("n")[:1]),
        )
        .order_by("-shout", "team", "pk")
        .values_list("la_child_id", "shout", "team", "named", "later", "allocated_worker__username")
    )
    _same_pages(items)
    as_dicts = items.values("la_child_id", "team", "named")
    _same_pages(as_dicts)
    assert isinstance(_page(as_dicts, 2)[0], dict)


@pytest.mark.parametrize(
    "ordering", [("first_name", "-pk"), ("-last_name", "first_name", "pk"), ("sex", "pk")]
)
def test_a_deep_page_with_ties_in_the_ordering_is_the_plain_slice(children, ordering):
    _same_pages(Child.objects.order_by(*ordering))
    _same_pages(Child.objects.order_by(*ordering).reverse())


def test_an_order_with_ties_and_no_pk_still_pages_every_row_once(children):
    items = Child.objects.order_by("last_name")
    shown = [c.pk for number in range(1, 5) for c in _page(items, number)]
    assert sorted(shown) == sorted(Child.objects.values_list("pk", flat=True))
    assert _page(items, 3) == _plain(items.order_by("last_name", "pk"), 3)


def test_a_window_function_is_worked_out_over_the_whole_list(children):
    items = Child.objects.annotate(n=Window(RowNumber(), order_by="la_child_id")).order_by("pk")
    assert [c.n for c in _page(items, 3)] == [c.n for c in _plain(items, 3)]
    assert len({c.n for c in _page(items, 3)} & set(range(1, PER_PAGE + 1))) < PER_PAGE


def _subquery(sql: str) -> tuple[str, str]:
    """The query outside its `IN (SELECT ...)` subquery, and the subquery."""
    start = sql.index(" IN (SELECT ") + len(" IN (")
    depth, end = 1, start
    while depth:
        depth += {"(": 1, ")": -1}.get(sql[end], 0)
        end += 1
    return sql[:start] + sql[end - 1 :], sql[start : end - 1]


def test_a_deep_page_reads_skipped_rows_as_keys_only_in_one_query(world, children):
    items = (
        Child.objects.annotate(named=_named(world.iro.pk), team=F("allocated_team__name"))
        .order_by("last_name", "pk")
        .values_list("la_child_id", "team", "named")
    )
    with CaptureQueriesContext(connection) as queries:
        rows = _page(items, 3)
    assert len(rows) == PER_PAGE
    [page] = [q["sql"] for q in queries if "DEEP" not in q["sql"] and "COUNT(" not in q["sql"]]
    outer, keys = _subquery(page)
    # The slice of keys selects the pk alone: no annotation, no EXISTS, no joined name.
    assert re.match(r'SELECT [A-Z]0\."id" AS "pk" FROM ', keys), keys
    assert "EXISTS" not in keys and "la_child_id" not in keys
    assert keys.endswith(f"LIMIT {PER_PAGE} OFFSET {2 * PER_PAGE}")
    # The rows are read for the page's keys only: no OFFSET, nor LIMIT, outside the subquery
    # (the EXISTS's own LIMIT 1 apart).
    assert "OFFSET" not in outer and "LIMIT" not in outer.replace("LIMIT 1)", "")
    assert "EXISTS" in outer
    assert len(queries) == 2  # its COUNT and the page, as a plain slice costs


def test_the_first_page_is_a_plain_limit(children):
    with CaptureQueriesContext(connection) as queries:
        _page(Child.objects.all(), 1)
    assert " IN (SELECT " not in queries[-1]["sql"]
    assert queries[-1]["sql"].endswith(f"LIMIT {PER_PAGE}")


@pytest.mark.parametrize(
    "items",
    [
        pytest.param(lambda: list(Child.objects.all()), id="list"),
        pytest.param(lambda: Child.objects.order_by("last_name", "pk").distinct(), id="distinct"),
        pytest.param(
            lambda: (
                Child.objects.values("la_child_id")
                .annotate(n=Count("restricted_to"))
                .order_by("la_child_id")
            ),
            id="group-by",
        ),
        pytest.param(
            lambda: (
                Child.objects.filter(is_restricted=True)
                .union(Child.objects.filter(first_name="Sam"))
                .order_by("la_child_id")
            ),
            id="union",
        ),
        pytest.param(
            lambda: Child.objects.filter(restricted_to__isnull=True).order_by("pk"),
            id="join-to-many",
        ),
        pytest.param(lambda: Child.objects.order_by("?"), id="random"),
    ],
)
def test_where_keys_cannot_stand_for_rows_the_page_is_the_plain_slice(children, items):
    items = items()
    if isinstance(items, list) or items.query.order_by != ("?",):
        assert _page(items, 2) == _plain(items, 2)
    with CaptureQueriesContext(connection) as queries:
        list(_page(items, 2))
    assert all(" IN (SELECT " not in q["sql"] for q in queries)
