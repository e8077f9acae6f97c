"""Who is calling, what they may do, how often: API keys, scopes, a throttle per client."""

from dataclasses import dataclass
from typing import Any

from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission
from rest_framework.request import Request
from rest_framework.throttling import SimpleRateThrottle

from ..models import PartnerAPIKey, PartnerClient

KEYWORD = "Api-Key"


@dataclass(frozen=True)
class PartnerPrincipal:
    """request.user on the API: a partner system, never a member of staff."""

    client: PartnerClient
    is_authenticated: bool = True
    is_active: bool = True
    is_staff: bool = False
    pk: None = None

    def __str__(self) -> str:
        return str(self.client)


class PartnerKeyAuthentication(BaseAuthentication):
    """`Authorization: Api-Key <key>`, checked against the hashed keys. A revoked key, a revoked
    client or a withdrawn organisation is refused on the next call (401)."""

    def authenticate(self, request: Request) -> tuple[PartnerPrincipal, PartnerAPIKey] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        keyword, _, key = header.partition(" ")
        if keyword != KEYWORD or not key.strip():
            raise exceptions.AuthenticationFailed(
                f'Send the key as "Authorization: {KEYWORD} <key>".'
            )
        try:
            found = PartnerAPIKey.objects.get_from_key(key.strip())
        except PartnerAPIKey.DoesNotExist:
            raise exceptions.AuthenticationFailed(
                "This API key is not valid: it is unknown or has been revoked."
            ) from None
        assert isinstance(found, PartnerAPIKey)
        api_key = found
        if api_key.has_expired:
            raise exceptions.AuthenticationFailed("This API key has expired.")
        if not api_key.client.is_usable:
            raise exceptions.AuthenticationFailed("This client's access has been revoked.")
        return PartnerPrincipal(client=api_key.client), api_key

    def authenticate_header(self, request: Request) -> str:
        return KEYWORD


def client_of(request: Request) -> PartnerClient | None:
    user = getattr(request, "user", None)
    return user.client if isinstance(user, PartnerPrincipal) else None


class HasScope(BasePermission):
    """The view's `required_scope` must be among the client's scopes (403 otherwise)."""

    def has_permission(self, request: Request, view: Any) -> bool:
        client = client_of(request)
        if client is None:
            raise exceptions.NotAuthenticated("Send an API key: Authorization: Api-Key <key>.")
        scope = getattr(view, "required_scope", None)
        if scope is None or client.has_scope(scope):
            return True
        from audit.services import record_partner_call

        record_partner_call(
            request=request,
            client=client,
            child_id=None,
            details={"what": view.audit_what, "outcome": "refused: scope", "scope": scope},
        )
        raise exceptions.PermissionDenied(f'This client does not have the scope "{scope}".')


class PartnerClientThrottle(SimpleRateThrottle):
    """Calls per client (its own rate if set, else DEFAULT_THROTTLE_RATES["partner"]); callers
    without a client are counted by address."""

    scope = "partner"

    def allow_request(self, request: Request, view: Any) -> bool:
        client = client_of(request)
        if client is not None and client.rate_limit:
            self.rate = client.rate_limit
            self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request: Request, view: Any) -> str:
        client = client_of(request)
        ident = f"client-{client.pk}" if client is not None else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}
