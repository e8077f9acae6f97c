"""Letters and minutes of a conference, made as PDFs and kept as documents of the event."""

from django.contrib.contenttypes.models import ContentType

from accounts.models import User
from documents.models import Document, DocumentType

from .models import Conference

CONFERENCE_PAPERS = (DocumentType.LETTER, DocumentType.MINUTES)


def business_support_reads_conference_papers(user: User, document: Document) -> bool:
    """Registered with `documents.selectors`: business support, who arrange a conference but
    never open the child's record, may read its letters and minutes, unless the child's record
    is restricted and they are not named on it."""
    from .selectors import conferences_for_user

    if not user.is_business_support or document.document_type not in CONFERENCE_PAPERS:
        return False
    if document.event_type_id != ContentType.objects.get_for_model(Conference).pk:
        return False
    if document.event_id is None:
        return False
    return conferences_for_user(user).filter(pk=int(document.event_id)).exists()
