"""Validators for national identifiers, with messages a social worker understands."""

from django.core.exceptions import ValidationError

UPN_CHECK_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def nhs_number_is_valid(value: str) -> bool:
    digits = value.replace(" ", "")
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == int(digits[9])


def validate_nhs_number(value: str) -> None:
    if not nhs_number_is_valid(value):
        raise ValidationError(
            "This is not a valid NHS number: it must be 10 digits and its last digit (the "
            "check digit) does not match. Check it against a letter from the GP or hospital.",
            code="nhs_number",
        )


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
