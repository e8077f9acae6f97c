"""Letters and minutes of a conference, made as PDFs and kept as documents of the event."""

from django.contrib.contenttypes.models import ContentType

from accounts.models import User
from documents.models import Document, DocumentType
from wirral_cp.dates import day

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


def _contact(user: User | None) -> str:
    if user is None:
        return "not known"
    parts = [p for p in (user.job_title, user.email) if p]
    return ", ".join(parts) or "not known"


def letter_values(conference: Conference, recipient: str) -> dict[str, str]:
    """The fields of a letter about this conference, as plain text."""
    from django.utils import timezone

    child = conference.child
    worker = child.allocated_worker
    when = timezone.localtime(conference.scheduled_for) if conference.scheduled_for else None
    plan = conference.plan
    return {
        "child_name": child.full_name,
        "recipient_name": recipient,
        "conference_date": f"{day(conference.conference_date)}"
        if conference.conference_date
        else "",
        "conference_time": f"{when:%H:%M}" if when else "",
        "conference_place": conference.venue,
        "chair_name": str(conference.chair) if conference.chair else "",
        "worker_name": str(worker) if worker else "",
        "worker_contact": _contact(worker),
        "core_group_date": f"{day(conference.first_core_group_date)}"
        if conference.first_core_group_date
        else (f"{day(plan.start_date)}" if plan else ""),
    }


def letter_generate(*, conference: Conference, kind: str, recipient: str, user: User) -> Document:
    """Make the letter of this kind to `recipient` as a PDF, kept as a document of the
    conference."""
    from documents.letters import letter_pdf
    from documents.models import LetterKind
    from documents.services import document_generate

    pdf = letter_pdf(
        kind=kind,
        values=letter_values(conference, recipient),
        sender=str(user),
        address_lines=[recipient],
    )
    return document_generate(
        child=conference.child,
        event=conference,
        title=f"{LetterKind(kind).label}: {recipient}",
        document_type=DocumentType.LETTER,
        content=pdf,
        filename=f"letter-{kind}.pdf",
        user=user,
        author=str(user),
    )


def minutes_pdf(conference: Conference) -> bytes:
    """The approved minutes, headed OFFICIAL-SENSITIVE: attendance, decision, category, the
    plan, and the chair's and worker's contact."""
    from documents.pdf import render_pdf

    worker = conference.child.allocated_worker
    plan = conference.plan
    outcomes = (
        list(plan.outcomes.prefetch_related("actions").order_by("order", "pk")) if plan else []
    )
    return render_pdf(
        "conferences/minutes_pdf.html",
        {
            "conference": conference,
            "child": conference.child,
            "participants": list(conference.participants.all()),
            "outcomes": outcomes,
            "chair_contact": _contact(conference.chair),
            "worker": worker,
            "worker_contact": _contact(worker),
        },
    )


def minutes_store(*, conference: Conference, user: User) -> Document:
    """Keep the approved minutes as a document of the conference (a new version if the
    minutes were approved before)."""
    from documents.selectors import documents_of_event
    from documents.services import document_generate

    existing = (
        documents_of_event(conference)
        .filter(document_type=DocumentType.MINUTES, removed_at__isnull=True)
        .first()
    )
    return document_generate(
        child=conference.child,
        event=conference,
        title=f"Minutes of the {conference}",
        document_type=DocumentType.MINUTES,
        content=minutes_pdf(conference),
        filename="minutes.pdf",
        user=user,
        author=str(conference.chair or user),
        replaces=existing,
    )
