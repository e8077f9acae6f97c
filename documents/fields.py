"""The fields a letter template may use, in one place (the model checks them on save)."""

import re

from django.core.exceptions import ValidationError

FIELDS = {
    "child_name": "the child's name",
    "recipient_name": "the person the letter is to",
    "conference_date": "the conference's date",
    "conference_time": "the conference's time",
    "conference_place": "where the conference is held",
    "chair_name": "the conference's chair",
    "worker_name": "the child's social worker",
    "worker_contact": "the social worker's telephone and email",
    "today": "the date of the letter",
    "referral_date": "the date of the referral",
    "core_group_date": "the date of the core group",
    "contact_outcome": "what was decided about a contact, in words",
}
FIELD = re.compile(r"\{\{\s*([A-Za-z_]+)\s*\}\}")


def check_fields(*texts: str) -> None:
    unknown = sorted({m.group(1) for t in texts for m in FIELD.finditer(t)} - set(FIELDS))
    if unknown:
        raise ValidationError(
            "These fields do not exist: "
            + ", ".join(f"{{{{ {u} }}}}" for u in unknown)
            + ". The fields are: "
            + ", ".join(f"{{{{ {f} }}}}" for f in FIELDS)
            + "."
        )
