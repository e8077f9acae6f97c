from auditlog.middleware import AuditlogMiddleware as BaseAuditlogMiddleware

from .client_ip import client_ip


class AuditlogMiddleware(BaseAuditlogMiddleware):
    """django-auditlog's middleware, reading the address as the lockout does.

    The stock middleware believes the first X-Forwarded-For entry, which any client can write.
    """

    @staticmethod
    def _get_remote_addr(request):
        return client_ip(request)
