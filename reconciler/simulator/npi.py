"""National Provider Identifier checks: 10 digits, the last a Luhn digit over "80840" + 9."""

from __future__ import annotations

import random

_PREFIX = "80840"


def _luhn_check_digit(payload: str) -> int:
    """The digit that makes payload + digit pass the Luhn check."""
    total = 0
    # Double every second digit counting from the right of the payload (the check digit
    # will sit to its right, so the payload's last digit is doubled).
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def is_valid_npi(value: str) -> bool:
    """True when value is 10 digits whose last is the Luhn digit over 80840 + the first 9."""
    if len(value) != 10 or not value.isdigit():
        return False
    return _luhn_check_digit(_PREFIX + value[:9]) == int(value[9])


def make_npi(rng: random.Random) -> str:
    """A random valid NPI (first digit 1, as NPIs issued to individuals start)."""
    body = "1" + "".join(str(rng.randrange(10)) for _ in range(8))
    return body + str(_luhn_check_digit(_PREFIX + body))
