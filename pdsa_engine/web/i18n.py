"""The site's two languages: templates written in English, translated through gettext from the Danish catalogue
``pdsa_engine/locale/da/LC_MESSAGES/web.po`` (see catalogues.py). A person's pages are in their own language;
before log-in, in the one the browser asks for first."""

from __future__ import annotations

LANGUAGES = ("da", "en")
DEFAULT_LANGUAGE = "da"  # the programme is Danish: a browser that asks for neither language gets Danish


def negotiate(accept_language: str | None) -> str:
    """The first of our languages the browser accepts, by its q-values (da-DK counts as da)."""
    wanted: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                quality = 0.0
        language = tag.strip().lower().split("-")[0]
        if language in LANGUAGES and quality > 0:
            wanted.append((-quality, position, language))
    return min(wanted)[2] if wanted else DEFAULT_LANGUAGE
