"""Danish personal identification numbers (CPR) do not belong in an immutable record.

A CPR number is ten digits DDMMYY NNNN whose first six are a real date; the first digit of NNNN says the
century. People write it with a hyphen, a dash, a slash, a dot or a space or two between the halves, or with
none, and sometimes the date with dots (01.01.90-1234). Since 2007 not every CPR number passes the modulus-11 check, so it is not used: a
plausible date is enough to refuse the text.
"""

from __future__ import annotations

import re
from datetime import date

_CANDIDATE = re.compile(
    r"(?<!\d)(\d{2})\.?(\d{2})\.?(\d{2})(?:\s{0,2}[-\u2010-\u2013/.]\s{0,2}|\s{1,2})?(\d)\d{3}(?!\d)"
)


def _century(two_digit_year: int, seventh_digit: int) -> int:
    if seventh_digit <= 3:
        return 1900
    if seventh_digit in (4, 9):
        return 2000 if two_digit_year <= 36 else 1900
    return 2000 if two_digit_year <= 57 else 1800


def find_cpr_number(text: str) -> str | None:
    """The first CPR-like number in the text, or None."""
    for match in _CANDIDATE.finditer(text):
        day, month, year, seventh = (int(group) for group in match.groups())
        try:
            date(_century(year, seventh) + year, month, day)
        except ValueError:
            continue
        return match.group(0)
    return None
