"""One way to page a list that grows with the authority (children, tasks, notes, the diary,
drill-downs, access logs): Django's `Paginator`, the same page size everywhere, and the page
chosen by a query parameter (`page`, or another name where one page shows two lists).

A page costs two queries whatever the list's length: its COUNT and its slice. Templates show
the navigation with `{% include "_pagination.html" %}` (the `page_links` tag in
`accounts/templatetags/paging.py` keeps every other filter in the links).

A deep page of a query is a deferred join (issue 17): `OFFSET 9950` makes PostgreSQL work out
the whole select list (the joined rows of `select_related`, per-row subqueries, annotations)
for each of the 9,950 rows it then skips. So past the first page the slice is taken as primary
keys only, in a subquery, and only the page's rows are read in full:
`WHERE pk IN (SELECT pk ... ORDER BY ... LIMIT 50 OFFSET 9950) ORDER BY ...`, still one query.
"""

from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest

PAGE_SIZE = 50


def page_of(
    request: HttpRequest,
    items,
    *,
    per_page: int = PAGE_SIZE,
    param: str = "page",
    count: int | None = None,
) -> Page:
    """The page of `items` the request asks for (`?page=N`): the first for a missing or bad
    number, the last for one past the end (never a 404 or a 500 for a hand-typed number).
    `count`, when the view has counted the items already (with other figures, in one query),
    saves the paginator counting them again."""
    paginator = DeferredJoinPaginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached property: the view's count stands in for COUNT(*)
    return paginator.get_page(request.GET.get(param))


class DeferredJoinPaginator(Paginator):
    """A `Paginator` whose pages past the first read a query's skipped rows as primary keys
    only (see the module's docstring). A list, or a query the keys cannot stand for (see
    `deferrable`), is sliced as `Paginator` slices it."""

    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return Page(page_slice(self.object_list, bottom, top), number, self)


def page_slice(items, bottom: int, top: int):
    """`items[bottom:top]`, the same rows in the same order; for a query past its first rows,
    with the skipped rows read as primary keys only."""
    if bottom == 0 or not deferrable(items):
        # The first page skips nothing: a plain LIMIT is as cheap.
        return items[bottom:top]
    ordering = _ordering(items)
    if not _is_total(items, ordering):
        # A total order, so that the page read by key is in the order the keys were chosen in
        # (rows tied on the ordering would otherwise come back in either order).
        items = items.order_by(*ordering, "pk")
    keys = items.values_list("pk", flat=True)[bottom:top]
    return items.filter(pk__in=keys)


def deferrable(items) -> bool:
    """Whether a page of `items` may be read as `pk IN (a slice of its keys)`: a query in a
    fixed order with one row per primary key. Not a list; not a union, DISTINCT, GROUP BY or
    aggregate (the keys stand for groups, not rows); not a window function (over the page's
    rows it would count from the page, not from the list); not a join to many rows (one key for
    several rows); not a random order, nor `extra()` SQL, nor a query already sliced."""
    if not isinstance(items, QuerySet) or not items.ordered:
        return False
    query = items.query
    if (
        query.combinator
        or query.distinct
        or query.is_sliced
        or query.group_by is not None
        or query.extra
        or query.extra_order_by
        or any(a.contains_aggregate or a.contains_over_clause for a in query.annotations.values())
        or any(term == "?" for term in _ordering(items))
    ):
        return False
    for join in query.alias_map.values():
        field = getattr(join, "join_field", None)
        if field is not None and (field.one_to_many or field.many_to_many):
            return False
    return True


def _ordering(items: QuerySet) -> list:
    query = items.query
    if query.order_by:
        return list(query.order_by)
    return list(items.model._meta.ordering) if query.default_ordering else []


def _is_total(items: QuerySet, ordering: list) -> bool:
    pk = items.model._meta.pk
    names = {"pk", pk.name, pk.attname}
    return any(isinstance(term, str) and term.lstrip("-") in names for term in ordering)
