"""Reads of the audit log."""

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import QuerySet

from cases.models import Child


def access_log_for_child(child: Child) -> QuerySet[LogEntry]:
    """Every recorded look at this child's record, newest first."""
    return (
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(Child),
            object_pk=str(child.pk),
            action=LogEntry.Action.ACCESS,
        )
        .select_related("actor")
        .order_by("-timestamp", "-pk")
    )
