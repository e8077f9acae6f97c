"""Record a report shared with a parent, as the worker does on the document."""

import datetime

from django.core.files.base import ContentFile

from documents.models import Document
from documents.services import document_share, document_upload


def share_report(
    conference, on: datetime.date, *, recipient: str = "Mum", user=None, kind: str = "parent"
) -> Document:
    from tests.accounts.factories import UserFactory

    user = user or conference.child.allocated_worker or UserFactory()
    content = b"Social work report (synthetic).\n"
    document = document_upload(
        child=conference.child,
        event=conference,
        title="Social work report",
        document_type="sw_report",
        author="",
        agency="",
        document_date=on,
        stream=ContentFile(content),
        original_name="report.txt",
        size=len(content),
        user=user,
    )
    document_share(
        document=document,
        recipient=recipient,
        recipient_kind=kind,
        method="by_hand",
        shared_on=on,
        user=user,
    )
    return document
