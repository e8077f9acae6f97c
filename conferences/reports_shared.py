"""Reports shared with parents, derived from documents: the one source for the conference
page, the attendance table and the dashboard figure.

A conference's reports count as shared with parents on the first day a report (an agency or
social work report attached to the conference) was recorded as sent or given to a parent; in
advance when that day is at least N working days before the conference
(`timescales.rules.reports_shared_in_advance`).
"""

from collections.abc import Iterable
from datetime import date

from django.contrib.contenttypes.models import ContentType
from django.db.models import Min, QuerySet

from documents.models import REPORT_TYPES, DocumentShare, RecipientKind


def _parent_report_shares(conference_ids: Iterable[int] | QuerySet) -> QuerySet[DocumentShare]:
    return DocumentShare.objects.filter(
        # By name: conferences.models reads these (no import back into it).
        document__event_type=ContentType.objects.get_by_natural_key("conferences", "conference"),
        # A query of the ids stays one (a period's thousands of conferences are not sent back
        # to the database as a list).
        document__event_id__in=conference_ids
        if isinstance(conference_ids, QuerySet)
        else list(conference_ids),
        document__document_type__in=REPORT_TYPES,
        document__removed_at__isnull=True,
        recipient_kind=RecipientKind.PARENT,
    )


def reports_first_shared(conference_ids: Iterable[int] | QuerySet) -> dict[int, date]:
    """For each conference (ids, or a query of them), the first day a report was shared with
    a parent (one query)."""
    rows = (
        _parent_report_shares(conference_ids)
        .values("document__event_id")
        .annotate(first=Min("shared_on"))
    )
    return {int(r["document__event_id"] or 0): r["first"] for r in rows}


def reports_first_shared_by_recipient(conference_id: int) -> dict[str, date]:
    """For one conference, the first day each parent (by name, ignoring spaces and case) was
    given a report: the attendance table's column (`ConferenceParticipant.had_reports_in_advance`
    looks up every name of the participant's person)."""
    rows = (
        _parent_report_shares([conference_id]).values("recipient").annotate(first=Min("shared_on"))
    )
    found: dict[str, date] = {}
    for r in rows:
        name = " ".join(r["recipient"].split()).casefold()
        found[name] = min(found.get(name, r["first"]), r["first"])
    return found
