"""Who did it, and from where: the actor for a service's writes, keeping the request's address.

It lives with the users, at the bottom, because every app's services write as someone; the
audit app sits above cases (its pages and the access log are about children)."""

from contextlib import AbstractContextManager

from auditlog.context import auditlog_value, set_actor

from .models import User


def acting_as(user: User | None) -> AbstractContextManager[None]:
    """`auditlog.context.set_actor(user)`, keeping the address (and port) that the audit
    middleware took from the request. A plain `set_actor(user)` inside a request starts a new
    context without them, so every change a service made was logged with no address."""
    try:
        current = auditlog_value.get()
    except LookupError:
        current = {}
    context: AbstractContextManager[None] = set_actor(
        user, remote_addr=current.get("remote_addr"), remote_port=current.get("remote_port")
    )
    return context
