from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from accounts.http import AuthenticatedRequest
from cases.access import get_child_for_manager, get_child_for_user
from cases.models import Child
from wirral_cp.paging import page_of

from .page_names import page_name
from .selectors import access_log_for_child
from .services import record_access

PAGE_SIZE = 50


def _child_for_access_log(request: AuthenticatedRequest, pk: int) -> Child:
    """Senior managers see any child's access log; team managers their teams'; others get 404."""
    if request.user.is_senior_manager:
        return get_child_for_user(request.user, pk)
    return get_child_for_manager(request.user, pk)


@require_GET
def child_access_log(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Who has looked at this child's record: who, when, what and from where, newest first."""
    child = _child_for_access_log(request, pk)
    # Reading who looked is itself a look at the record, listed like any other.
    record_access(request=request, obj=child, what="access log")
    page = page_of(request, access_log_for_child(child), per_page=PAGE_SIZE)
    for entry in page.object_list:
        entry.page_name = page_name((entry.additional_data or {}).get("what") or "record")
    return render(
        request,
        "audit/child_access_log.html",
        {"child": child, "page": page, "active_tab": "access-log"},
    )
