"""The mail's two languages. Templates and subjects are written in English and translated through gettext
(Jinja2's i18n extension) from the Danish catalogue ``locale/da/LC_MESSAGES/mail.po``. A text without a Danish
translation is a fault, not a fallback: rendering in Danish raises catalogues.MissingTranslation, and the tests
render every template in both languages and check that every text the templates hold is in the catalogue."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel.dates import format_date

from pdsa_engine.catalogues import strict_translations
from pdsa_engine.clock import LOCAL_ZONE

# Day, month and weekday names come from Babel's locale data (CLDR), as each language writes a date.
DATE_FORMATS = {"da": "d. MMMM y", "en": "d MMMM y"}


class Words:
    """gettext, ngettext and the formats of one language."""

    def __init__(self, language: str) -> None:
        self.language = "da" if language == "da" else "en"
        self._catalogue = strict_translations("mail", self.language)

    def gettext(self, message: str) -> str:
        return self._catalogue.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self._catalogue.ngettext(singular, plural, n)

    def date(self, day: date | datetime | str | None) -> str:
        """2 December 2026 / 2. december 2026."""
        if day is None:
            return ""
        if isinstance(day, str):
            day = datetime.fromisoformat(day) if "T" in day else date.fromisoformat(day)
        if isinstance(day, datetime):
            day = day.astimezone(LOCAL_ZONE).date()
        return format_date(day, DATE_FORMATS[self.language], locale=self.language)

    def weekday_date(self, day: date) -> str:
        return f"{format_date(day, 'EEEE', locale=self.language)} {self.date(day)}"

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
