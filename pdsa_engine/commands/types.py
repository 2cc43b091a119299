"""Field types for command inputs: each one checks a shape and says, in its error, which rule was broken."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any
from uuid import UUID

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from pdsa_engine.aggregates.values import Region, Weekday
from pdsa_engine.commands.cpr import find_cpr_number
from pdsa_engine.commands.text import forbidden_character, forbidden_character_rule
from pdsa_engine.errors import InvalidInput

# defer_build: a model's validator is built when first used, so a CLI command pays only for its own.
COMMAND_CONFIG = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, defer_build=True)

# No measure counts or weighs more than this; beyond it a number is a typing slip (or 1e308 overflowing the limits).
LARGEST_NUMBER = Decimal("1e12")


class Command(BaseModel):
    """A command's input. Before any field is read, every text in it is checked for control characters."""

    model_config = COMMAND_CONFIG

    @model_validator(mode="before")
    @classmethod
    def _no_control_characters(cls, data: Any) -> Any:
        for field, text in _texts(data, ()):
            if (character := forbidden_character(text)) is not None:
                raise InvalidInput(".".join(field) or "input", forbidden_character_rule(character))
        return data


def _texts(data: Any, field: tuple[str, ...]) -> Any:
    """Every string in raw input, with the field it was given for (list positions left out of the name)."""
    if isinstance(data, str):
        yield field, data
    elif isinstance(data, dict):
        for key, value in data.items():
            yield from _texts(value, (*field, str(key)))
    elif isinstance(data, (list, tuple)):
        for value in data:
            yield from _texts(value, field)

ID_RULE = "must be an id like 6f1c2a9e-4b7d-4c1e-9a0b-2d5e8f3c7a10, as a create command printed it"
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s.]+")
_INVISIBLE = ("Cf", "Zs", "Zl", "Zp", "Co", "Cn")  # format characters, spaces, private and unassigned code points
_SHORT_ID = re.compile(r"[0-9a-f-]{4,36}")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _no_patient_identifiers(text: str) -> str:
    if find_cpr_number(text):
        raise PydanticCustomError(
            "patient_identifier",
            "looks like a Danish personal identification number (CPR); patient identifiers do not belong in "
            "this record, which can never be erased — remove it",
        )
    return text


def _email(value: Any) -> str:
    text = str(value).strip().lower()
    if not _EMAIL.fullmatch(text):
        raise PydanticCustomError("email", "must be an e-mail address like name@example.dk")
    if any(unicodedata.category(character) in _INVISIBLE for character in text):
        # A zero-width space or a soft hyphen would make a second address that looks like the first.
        raise PydanticCustomError("email", "holds an invisible character (such as a zero-width space or a soft "
                                           "hyphen); write the address with visible characters only")
    return text


def _person_ref(value: Any) -> str:
    text = str(value).strip()
    try:
        return str(UUID(text))
    except ValueError:
        pass
    if _SHORT_ID.fullmatch(text.lower()):
        return text.lower()  # the beginning of an id, as lists show it; the application finds whose
    try:
        return _email(text)
    except PydanticCustomError:
        raise PydanticCustomError("person", "must be a person's id (or its beginning) or e-mail address") from None


def _id(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return UUID(value.strip())
        except ValueError:
            raise PydanticCustomError("id", ID_RULE) from None
    return value


def _iso_date(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        try:
            if _ISO_DATE.fullmatch(text):
                return date.fromisoformat(text)
        except ValueError:
            pass
        raise PydanticCustomError("date", "must be a real date written YYYY-MM-DD")
    return value


NOT_A_NUMBER = "must be a number like 3.5 or 3,5"


def _decimal(value: Any) -> Any:
    """Accepts a decimal comma (3,5) as Danish users write it, and JSON's numbers as they were written."""
    if isinstance(value, bool):  # JSON's true is no number, though Python counts it as 1
        raise PydanticCustomError("number", NOT_A_NUMBER)
    if isinstance(value, (int, float)):
        value = str(value)  # 0.1 stays 0.1, not the binary float's 0.1000000000000000055…
    if isinstance(value, str):
        try:
            number = Decimal(value.strip().replace(",", "."))
        except InvalidOperation:
            raise PydanticCustomError("number", NOT_A_NUMBER) from None
        if not number.is_finite():
            raise PydanticCustomError("number", "must be a finite number")
        if abs(number) > LARGEST_NUMBER:
            raise PydanticCustomError("number", "must lie between -1e12 and 1e12; no measure has a larger value")
        return number
    return value


def _region(value: Any) -> Any:
    """Accepts "Region Nordjylland", "region nordjylland" or "Nordjylland"."""
    if isinstance(value, str):
        wanted = value.strip().casefold().removeprefix("region ").strip()
        for region in Region:
            if region.value.casefold().removeprefix("region ") == wanted:
                return region
        names = ", ".join(r.value for r in Region)
        raise PydanticCustomError("region", "must be one of {names}", {"names": names})
    return value


def _positive_int(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip()
        if not (text.isascii() and text.isdigit()) or len(text) > 12:
            raise PydanticCustomError("count", "must be a whole number, 0 or more")
        return int(text)
    return value


# Danish and English names of the days, whole or by their first three letters: "mon", "Monday", "man", "mandag".
_DANISH_DAYS = ("man", "tir", "ons", "tor", "fre", "lør", "søn")


def _weekday(value: Any) -> Any:
    if isinstance(value, str):
        text = value.strip().casefold()[:3]
        for day, danish in zip(Weekday, _DANISH_DAYS):
            if text in (day.value, danish):
                return day
        raise PydanticCustomError("weekday", "must be a day of the week: mon, tue, wed, thu, fri, sat or sun")
    return value


def _whole_number(low: int, high: int, what: str) -> Any:
    def check(value: Any) -> Any:
        try:
            number = _positive_int(value)
        except PydanticCustomError:
            number = None
        if isinstance(number, bool) or not isinstance(number, int) or not low <= number <= high:
            raise PydanticCustomError("range", "must be a whole number of {what} from {low} to {high}",
                                      {"what": what, "low": low, "high": high})
        return number
    return check


Text = Annotated[str, Field(min_length=1, max_length=4000), AfterValidator(_no_patient_identifiers)]
ShortText = Annotated[str, Field(min_length=1, max_length=200), AfterValidator(_no_patient_identifiers)]
Email = Annotated[str, BeforeValidator(_email)]
Id = Annotated[UUID, BeforeValidator(_id)]
PersonRef = Annotated[str, BeforeValidator(_person_ref)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Number = Annotated[Decimal, BeforeValidator(_decimal)]
Count = Annotated[int, BeforeValidator(_positive_int), Field(ge=0)]
RegionName = Annotated[Region, BeforeValidator(_region)]
DayOfWeek = Annotated[Weekday, BeforeValidator(_weekday)]
Hour = Annotated[int, BeforeValidator(_whole_number(0, 23, "hours"))]
# A reminder's threshold: a day at least, a year at most (a longer wait is no reminder).
Days = Annotated[int, BeforeValidator(_whole_number(1, 365, "days"))]
