from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware

from .client_ip import client_ip


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, reading the address as the lockout does.

    The stock middleware believes the first X-Forwarded-For entry, which any client can write.
    """

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)


# Pages of a child's record that are not nested under /children/<pk>/ but show its content.
CHILD_CONTENT_ELSEWHERE = {"conferences:detail": "conference and minutes"}


class RecordAccessMiddleware:
    """Log every successful look at a child's record: one rule, so no page can forget it.

    Any GET answered 200 by a view under /children/<pk>/... is an "accessed" entry against that
    child, naming the page (its URL name: "cases:chronology", "conferences:family-plan-pdf"...).
    Views that show a child's content elsewhere call audit.services.record_access themselves.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (
            request.method == "GET"
            and response.status_code == 200
            and match is not None
            and request.user.is_authenticated
            and match.route.startswith("children/<int:pk>/")
        ):
            from .services import record_child_access

            # The view has just found the child (or answered 404): one INSERT, no fetch.
            record_child_access(request=request, child_id=match.kwargs["pk"], what=match.view_name)
        elif (
            request.method == "GET"
            and response.status_code == 200
            and match is not None
            and request.user.is_authenticated
            and match.route.startswith("people/<int:person_id>/")
        ):
            from .services import record_person_access

            # A look at a person (an adult or a child of the person index), like a look at a child.
            record_person_access(
                request=request, person_id=match.kwargs["person_id"], what=match.view_name
            )
        return response
