"""Danish personal identification numbers (CPR) do not belong in an immutable record.

A CPR number is ten digits DDMMYY NNNN whose first six are a real date; the first digit of NNNN says the
century. People write it with a hyphen, a dash, a slash, a dot or a space or two between the halves, or with
none, and sometimes the date with dots (01.01.90-1234). Since 2007 not every CPR number passes the modulus-11 check, so it is not used: a
plausible date is enough to refuse the text.
"""

from __future__ import annotations

import re

_CANDIDATE = re.compile(
    r"(?<!\d)(\d{2})\.?(\d{2})\.?(\d{2})(?:\s{0,2}[-\u2010-\u2013/.]\s{0,2}|\s{1,2})?(\d)\d{3}(?!\d)"
)


# Days in each month of a leap year: every day but 29 February exists in every year when it exists in one.
_DAYS_IN_MONTH = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _is_a_date(day: int, month: int, year: int, seventh_digit: int) -> bool:
    """Whether DDMMYY, with the seventh digit that gives its century, is a real date of birth."""
    if not (1 <= month <= 12 and 1 <= day <= _DAYS_IN_MONTH[month - 1]):
        return False
    if (day, month) != (29, 2):
        return True
    # 29 February needs a leap year. The seventh digit puts the year in 1800, 1900 or 2000, and those centuries
    # share their leap years year by year except year 00: 1900 was no leap year, 2000 was. The register puts
    # year 00 in 1900 for the digits 0–3 and in 2000 for 4–9.
    return year % 4 == 0 and (year != 0 or seventh_digit >= 4)


def find_cpr_number(text: str) -> str | None:
    """The first CPR-like number in the text, or None."""
    for match in _CANDIDATE.finditer(text):
        day, month, year, seventh = (int(group) for group in match.groups())
        if _is_a_date(day, month, year, seventh):
            return match.group(0)
    return None
