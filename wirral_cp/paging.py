"""One way to page a list that grows with the authority (children, tasks, notes, the diary,
drill-downs, access logs): Django's `Paginator`, the same page size everywhere, and the page
chosen by a query parameter (`page`, or another name where one page shows two lists).

A page costs two queries whatever the list's length: its COUNT and its slice. Templates show
the navigation with `{% include "_pagination.html" %}` (the `page_links` tag in
`accounts/templatetags/paging.py` keeps every other filter in the links).
"""

from django.core.paginator import Page, Paginator
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
    paginator = Paginator(items, per_page)
    if count is not None:
        paginator.count = count  # a cached property: the view's count stands in for COUNT(*)
    return paginator.get_page(request.GET.get(param))
