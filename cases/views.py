from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from .selectors import children_for_user, get_child_for_user


def child_list(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "")
    children = (
        children_for_user(request.user)
        .search(query)
        .select_related("allocated_worker", "allocated_team")
    )
    page = Paginator(children, 50).get_page(request.GET.get("page"))
    return render(request, "cases/child_list.html", {"page": page, "query": query})


def child_detail(request: HttpRequest, pk: int) -> HttpResponse:
    child = get_child_for_user(request.user, pk)
    return render(request, "cases/child_detail.html", {"child": child})
