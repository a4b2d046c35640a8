"""The National Provider Identifier check: 10 digits, the last a Luhn digit over "80840" + 9."""

from __future__ import annotations

NPI_PREFIX = "80840"


def luhn_check_digit(payload: str) -> int:
    """The Luhn digit that makes `payload + digit` valid."""
    total = 0
    # Double every second digit counting from the right of the full number, i.e. from
    # the rightmost digit of the payload once the check digit is appended.
    for index, char in enumerate(reversed(payload)):
        digit = int(char)
        if index % 2 == 0:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return (10 - total % 10) % 10


def npi_is_valid(npi: str) -> bool:
    return len(npi) == 10 and npi.isdigit() and luhn_check_digit(NPI_PREFIX + npi[:9]) == int(npi[9])


def complete_npi(first_nine: str) -> str:
    """Append the check digit to nine digits (used by generators and tests)."""
    return first_nine + str(luhn_check_digit(NPI_PREFIX + first_nine))
