"""Contacts and checks recorded the way the pages record them: through the services."""

from frontdoor.models import AgencyCheck, Contact
from frontdoor.services import check_request, contact_record
from tests.strategy.factories import london


def contact_for(child, user, *, received_at=None, source="2A", **fields) -> Contact:
    values = {
        "referrer_name": "Ms Ada Teacher",
        "referrer_agency": "Synthetic Primary School",
        "referrer_email": "ada.teacher@school.example",
        "reported": "Synthetic concern: the child came to school with a bruise.",
        "consent": "given",
    }
    values.update(fields)
    return contact_record(
        contact=Contact(
            child=child, received_at=received_at or london(2026, 11, 27, 16), source=source,
            **values,
        ),
        user=user,
    )  # fmt: skip


def check_for(contact, user, *, agency="police", urgency="red", sent_at=None) -> AgencyCheck:
    return check_request(
        check=AgencyCheck(
            contact=contact,
            agency=agency,
            urgency=urgency,
            sent_at=sent_at or london(2026, 11, 30, 10),
        ),
        user=user,
    )
