"""Who did it, and from where: the actor for a service's writes, keeping the request's address.

It lives with the users, at the bottom, because every app's services write as someone; the
audit app sits above cases (its pages and the access log are about children)."""

from auditlog.context import auditlog_value, set_actor


def acting_as(user):
    """`auditlog.context.set_actor(user)`, keeping the address (and port) that the audit
    middleware took from the request. A plain `set_actor(user)` inside a request starts a new
    context without them, so every change a service made was logged with no address."""
    try:
        current = auditlog_value.get()
    except LookupError:
        current = {}
    return set_actor(
        user, remote_addr=current.get("remote_addr"), remote_port=current.get("remote_port")
    )
