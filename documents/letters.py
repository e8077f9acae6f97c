"""Letter templates: plain text with fields in double braces, filled in and made a PDF.

The text an administrator writes is never a Django template (it could reach any attribute of
anything in the context): only the named fields below are replaced, and everything, the
administrator's text and the values alike, is escaped when the letter's HTML is made.
"""

from django.utils import timezone

from wirral_cp.dates import day

from .fields import FIELD
from .models import LetterKind, LetterTemplate
from .pdf import render_pdf

DEFAULT_TEXT = {
    LetterKind.INVITATION_PARENT: (
        "Invitation to a child protection conference about {{ child_name }}",
        "Dear {{ recipient_name }},\n\nYou are invited to a child protection conference about "
        "{{ child_name }} on {{ conference_date }} at {{ conference_time }}, at "
        "{{ conference_place }}. The conference will be chaired by {{ chair_name }}.\n\n"
        "You will be given the reports before the conference. If you have any questions, "
        "please contact {{ worker_name }} ({{ worker_contact }}).",
    ),
    LetterKind.INVITATION_PROFESSIONAL: (
        "Child protection conference: {{ child_name }}",
        "Dear {{ recipient_name }},\n\nYou are invited to a child protection conference about "
        "{{ child_name }} on {{ conference_date }} at {{ conference_time }}, at "
        "{{ conference_place }}, chaired by {{ chair_name }}. Please send your report at "
        "least three working days before.\n\nThe allocated social worker is {{ worker_name }} "
        "({{ worker_contact }}).",
    ),
    LetterKind.OUTCOME_PARENT: (
        "The outcome of the conference about {{ child_name }}",
        "Dear {{ recipient_name }},\n\nThis letter tells you the outcome of the child protection "
        "conference about {{ child_name }} held on {{ conference_date }}, chaired by "
        "{{ chair_name }}. The minutes will follow.\n\nPlease contact {{ worker_name }} "
        "({{ worker_contact }}) with any questions.",
    ),
    LetterKind.REFERRER_ACK: (
        "Your referral about {{ child_name }}",
        "Dear {{ recipient_name }},\n\nThank you for your referral about {{ child_name }} "
        "received on {{ referral_date }}. The allocated social worker is {{ worker_name }} "
        "({{ worker_contact }}).",
    ),
    LetterKind.CORE_GROUP_INVITATION: (
        "Core group meeting: {{ child_name }}",
        "Dear {{ recipient_name }},\n\nYou are invited to the core group meeting for "
        "{{ child_name }} on {{ core_group_date }}. Please contact {{ worker_name }} "
        "({{ worker_contact }}) if you cannot attend.",
    ),
    LetterKind.CONTACT_OUTCOME: (
        "The outcome of your contact about {{ child_name }}",
        "Dear {{ recipient_name }},\n\nThank you for contacting children's services about "
        "{{ child_name }} on {{ referral_date }}. After considering what you told us, and what "
        "partner agencies know, the decision is: {{ contact_outcome }}.\n\nIf you have any "
        "questions, or your concerns grow, please contact {{ worker_name }} "
        "({{ worker_contact }}).",
    ),
}


def fill(text: str, values: dict[str, str]) -> str:
    """Replace each field with its value (plain text; a missing value reads "not known")."""
    return FIELD.sub(lambda m: values.get(m.group(1)) or "not known", text)


def template_for(kind: str) -> tuple[str, str]:
    """The administrator's wording for this kind of letter, or the default."""
    row = LetterTemplate.objects.filter(kind=kind).first()
    if row is not None:
        return row.subject, row.body
    return DEFAULT_TEXT[LetterKind(kind)]


def letter_pdf(
    *, kind: str, values: dict[str, str], sender: str, address_lines: list[str]
) -> bytes:
    """The letter of this kind with the fields filled in, as a PDF."""
    subject, body = template_for(kind)
    values = {"today": f"{day(timezone.localdate())}", **values}
    return render_pdf(
        "documents/letter_pdf.html",
        {
            "subject": fill(subject, values),
            "paragraphs": [p for p in fill(body, values).split("\n\n") if p.strip()],
            "today": values["today"],
            "sender": sender,
            "address_lines": address_lines,
        },
    )
