"""Writes to the audit log that django-auditlog does not make by itself."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.http import HttpRequest

from .client_ip import client_ip


def _child_of(obj: models.Model) -> models.Model | None:
    from cases.models import Child

    if isinstance(obj, Child):
        return obj
    return getattr(obj, "child", None) if hasattr(obj, "child_id") else None


def record_access(*, request: HttpRequest, obj: models.Model, what: str) -> LogEntry:
    """Record that the signed-in user was shown `obj` ("child record", "chronology", "export"...).

    The entry says who, when, from which address and what they saw. When `obj` belongs to a child
    (a case note, a visit...) the entry is filed against the child, with the record named in
    `additional_data`, so the child's "who has looked at this record" page finds every look at
    any part of the record with one indexed query.

    Not atomic on purpose: it is one INSERT, and a view that shows a record must log the look
    even when it goes on to fail.
    """
    child = _child_of(obj)
    target = child if child is not None else obj
    details: dict = {"what": what}
    if target is not obj:
        details["record"] = obj._meta.label_lower
        details["record_pk"] = str(obj.pk)
    user = request.user if request.user.is_authenticated else None
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(target),
        object_pk=str(target.pk),
        object_id=target.pk if isinstance(target.pk, int) else None,
        object_repr=str(target)[:1000],
        action=LogEntry.Action.ACCESS,
        actor=user,
        actor_email=getattr(user, "email", None) or None,
        remote_addr=client_ip(request),
        additional_data=details,
        changes_text="",
    )


def _record_look(
    *, request: HttpRequest, model: type[models.Model], pk: int, what: str
) -> LogEntry:
    """A look at a record the view has just shown, logged without fetching it again."""
    user = request.user if request.user.is_authenticated else None
    return LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(pk),
        object_id=int(pk),
        object_repr=f"{model.__name__} {pk}",
        action=LogEntry.Action.ACCESS,
        actor=user,
        actor_email=getattr(user, "email", None) or None,
        remote_addr=client_ip(request),
        additional_data={"what": what},
        changes_text="",
    )


def record_person_access(*, request: HttpRequest, person_id: int, what: str) -> LogEntry:
    """A look at a person of the person index, logged as a look at a child is."""
    from people.models import Person

    return _record_look(request=request, model=Person, pk=person_id, what=what)


def record_child_access(*, request: HttpRequest, child_id: int, what: str) -> LogEntry:
    """Like record_access for a child the view has just shown, without fetching it again."""
    from cases.models import Child

    return _record_look(request=request, model=Child, pk=child_id, what=what)


def record_partner_call(
    *, request: HttpRequest, client: models.Model, child_id: int | None, details: dict
) -> LogEntry:
    """A partner system's call to the API (partners app): which client, the reason it gave,
    what it asked and what it was told. Filed against the child when the answer was about a
    known child (so the child's access log shows it), else against the client."""
    from cases.models import Child

    target_type = ContentType.objects.get_for_model(Child if child_id else client)
    target_pk = child_id if child_id else client.pk
    organisation = getattr(client, "organisation", None)
    return LogEntry.objects.create(
        content_type=target_type,
        object_pk=str(target_pk),
        object_id=int(target_pk),
        object_repr=(f"Child {child_id}" if child_id else str(client))[:1000],
        action=LogEntry.Action.ACCESS,
        actor=None,
        remote_addr=client_ip(request),
        additional_data={
            "partner_client": str(client),
            "partner_client_id": client.pk,
            "partner_organisation": str(organisation) if organisation else "",
            **details,
        },
        changes_text="",
    )
