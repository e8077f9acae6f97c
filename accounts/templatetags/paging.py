"""`{% page_links page param %}`: the links of a pagination navigation, each keeping the
request's other query parameters (filters, period, scope) and changing only the page number.
Used by `templates/_pagination.html`; paging itself is `wirral_cp.paging`."""

from django import template
from django.core.paginator import Page

register = template.Library()


def _url(request, param: str, number: int) -> str:
    query = request.GET.copy()
    if number == 1:
        query.pop(param, None)
    else:
        query[param] = str(number)
    return f"?{query.urlencode()}" if query else "?"


@register.simple_tag(takes_context=True)
def page_links(context, page: Page, param: str = "page") -> dict:
    """Previous and next links and the page numbers around the current one (the first and
    the last always, an ellipsis for the gaps), as GOV.UK's pagination shows them."""
    request = context["request"]
    numbers = page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1)
    items = [
        {"ellipsis": True}
        if n == page.paginator.ELLIPSIS
        else {"number": n, "url": _url(request, param, int(n)), "current": n == page.number}
        for n in numbers
    ]
    return {
        "previous": _url(request, param, page.previous_page_number())
        if page.has_previous()
        else None,
        "next": _url(request, param, page.next_page_number()) if page.has_next() else None,
        "items": items,
    }
