"""'Who has looked' names each page in words, not by its URL name (issue 23 item 12)."""

import re

from django.urls import get_resolver, reverse
from django.urls.resolvers import URLPattern, URLResolver

from audit.page_names import PAGE_NAMES, page_name


def _child_pages(resolver=None, prefix="", namespace=""):
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            ns = ":".join(n for n in (namespace, pattern.namespace or "") if n)
            yield from _child_pages(pattern, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern) and pattern.name:
            route = prefix + str(pattern.pattern)
            if route.startswith("children/<int:pk>/"):
                yield f"{namespace}:{pattern.name}"


def test_every_page_of_a_childs_record_has_a_name_in_words():
    missing = sorted(set(_child_pages()) - set(PAGE_NAMES))
    assert not missing, f"Name these pages in audit/page_names.py: {missing}"


def test_a_page_not_listed_is_still_said_in_words():
    assert page_name("conferences:core-group-add") == "Core group: add"
    assert page_name("cases:widget-edit") == "Widget: edit"
    assert page_name("cases:widget-detail") == "Widget"
    assert page_name("conference and minutes") == "Conference and minutes"


def test_the_log_page_shows_words_not_url_names(world, login):
    login(world.social_worker).get(reverse("cases:visits", args=[world.child.pk]))
    page = (
        login(world.team_manager)
        .get(reverse("audit:child-access-log", args=[world.child.pk]))
        .content.decode()
    )
    body = page.split("<tbody>")[1]
    assert "<td>Visits</td>" in body
    assert not re.search(r"<td>[a-z]+:[a-z-]+</td>", body), body
