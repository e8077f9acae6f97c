"""Validators for national identifiers, with messages a social worker understands."""

from django.core.exceptions import ValidationError

# A person carries an NHS number too: the rule is the people app's, re-exported here.
from people.validators import nhs_number_is_valid, validate_nhs_number

__all__ = ["nhs_number_is_valid", "validate_nhs_number", "upn_is_valid", "validate_upn"]

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def upn_is_valid(value: str) -> bool:
    """Unique pupil number: check letter, 11 digits, then a digit or (temporary UPN) a letter."""
    upn = value.strip().upper()
    if len(upn) != 13 or not upn[1:12].isdigit():
        return False
    last = upn[12]
    if last.isdigit():
        last_value = int(last)
    elif last in UPN_CHECK_LETTERS:
        last_value = UPN_CHECK_LETTERS.index(last)
    else:
        return False
    values = [int(c) for c in upn[1:12]] + [last_value]
    total = sum(v * w for v, w in zip(values, range(2, 14), strict=True))
    return upn[0] == UPN_CHECK_LETTERS[total % 23]


def validate_upn(value: str) -> None:
    if not upn_is_valid(value):
        raise ValidationError(
            "This is not a valid unique pupil number (UPN): it should be 13 characters, a "
            "check letter then 12 characters, as shown on school records.",
            code="upn",
        )
