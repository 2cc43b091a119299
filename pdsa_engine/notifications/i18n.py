"""The mail's two languages. Templates and subjects are written in English and translated through gettext
(Jinja2's i18n extension); the Danish catalogue is danish.py. A text without a Danish translation is a fault,
not a fallback: rendering in Danish raises, and the tests render every template in both languages and check
that every text the templates hold is in the catalogue."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pdsa_engine.clock import LOCAL_ZONE
from pdsa_engine.notifications.danish import DANISH

MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "da": ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august", "september", "oktober",
           "november", "december"),
}
WEEKDAYS = {
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    "da": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
}


class MissingTranslation(LookupError):
    pass


class Words:
    """gettext, ngettext and the formats of one language."""

    def __init__(self, language: str) -> None:
        self.language = "da" if language == "da" else "en"

    def gettext(self, message: str) -> str:
        if self.language == "en":
            return message
        try:
            translated = DANISH[message]
        except KeyError:
            raise MissingTranslation(f"no Danish for {message!r}") from None
        return translated if isinstance(translated, str) else translated[0]

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if self.language == "en":
            return singular if n == 1 else plural
        try:
            one, many = DANISH[singular]
        except (KeyError, ValueError):
            raise MissingTranslation(f"no Danish singular and plural for {singular!r}") from None
        return one if n == 1 else many

    def say(self, message: str, **values: Any) -> str:
        """A translated text with its %(name)s placeholders filled in (for subjects written in Python)."""
        return self.gettext(message) % values if values else self.gettext(message)

    def date(self, day: date | datetime | str | None) -> str:
        """2 December 2026 / 2. december 2026."""
        if day is None:
            return ""
        if isinstance(day, str):
            day = datetime.fromisoformat(day) if "T" in day else date.fromisoformat(day)
        if isinstance(day, datetime):
            day = day.astimezone(LOCAL_ZONE).date()
        month = MONTHS[self.language][day.month - 1]
        return f"{day.day}. {month} {day.year}" if self.language == "da" else f"{day.day} {month} {day.year}"

    def weekday_date(self, day: date) -> str:
        return f"{WEEKDAYS[self.language][day.weekday()]} {self.date(day)}"

    def moment(self, moment: datetime | str | None) -> str:
        """2 December 2026, 07:00 (Danish time)."""
        if moment is None:
            return ""
        if isinstance(moment, str):
            moment = datetime.fromisoformat(moment)
        local = moment.astimezone(LOCAL_ZONE)
        return f"{self.date(local.date())} {'kl.' if self.language == 'da' else 'at'} {local:%H:%M}"

    def number(self, value: float | Decimal | int | str | None) -> str:
        if value is None:
            return ""
        text = f"{Decimal(str(value)).normalize():f}"
        return text.replace(".", ",") if self.language == "da" else text
