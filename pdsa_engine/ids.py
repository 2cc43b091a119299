"""Ids as people write them: the beginning of an id (tables show eight digits) stands for the whole id when only
one record's id begins so. Pure text handling, shared by the application and the command line."""

from __future__ import annotations

from string import hexdigits
from uuid import UUID


def id_digits(text: str) -> str | None:
    """The hex digits of a possible beginning of an id, or None when the text cannot begin one."""
    digits = text.strip().replace("-", "").lower()
    if not digits or len(digits) > 32 or any(c not in hexdigits for c in digits):
        return None
    return digits


def id_range(digits: str) -> tuple[UUID, UUID]:
    """The lowest and highest ids that begin with the digits."""
    return UUID(digits.ljust(32, "0")), UUID(digits.ljust(32, "f"))
