"""The NHS number's check digit, with a message a social worker understands.

It lives here, below `cases`, because a person (child or adult) carries one; `cases.validators`
re-exports it for the child's record.
"""

from django.core.exceptions import ValidationError


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
