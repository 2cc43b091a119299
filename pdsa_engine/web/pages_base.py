"""Rendering a page: the template in the reader's language, the things every page shows (who is logged in,
the CSRF token of its forms, a message left by the last action), and the cookies a page sets."""

from __future__ import annotations

import secrets
from collections.abc import Callable, Hashable
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from pdsa_engine.catalogues import translations
from pdsa_engine.labels import field_label, field_value, word
from pdsa_engine.notifications.i18n import Words
from pdsa_engine.projections.kept import KeptReads
from pdsa_engine.web.identity import BROWSER_COOKIE, csrf_token, language, viewer, web_of

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "web"
FLASH_COOKIE = "pdsa_flash"


_DICT_METHODS = frozenset(dir(dict))


class _Pages(Environment):
    """`a.b` on a dict (every view hands the templates dicts) looks the key up first: Jinja's own order tries the
    attribute first, and the AttributeError it raises and catches for each of a page's hundreds of lookups was
    the largest single cost of rendering the cohort dashboard."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_METHODS:  # a key named "get" never hides dict.get
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


@lru_cache(maxsize=2)
def environment(lang: str) -> Environment:
    # auto_reload off: the templates ship with the code, so no stat() of each template on each render.
    env = _Pages(loader=FileSystemLoader(TEMPLATES), autoescape=select_autoescape(["html"]),
                 undefined=StrictUndefined, extensions=["jinja2.ext.i18n"], auto_reload=False)
    env.install_gettext_translations(translations("web", lang), newstyle=True)  # type: ignore[attr-defined]
    words = Words(lang)
    env.filters.update(
        day=words.date, moment=words.moment, number=lambda v: words.number(v) if v is not None else "",
        word=lambda code, kind: word(str(code), kind, lang) if code is not None else "",
        short=lambda ident: str(ident)[:8],
        signed=lambda value: ("+" if Decimal(str(value)) > 0 else "") + words.number(value),
        # A field of a replayed project by its path ("aim.how_much"), and a value of it, as the audit report names them.
        field_label=lambda path: field_label(path, lang),
        field_value=lambda value, path: "—" if value is None else field_value(path, str(value), lang),
    )
    return env


def page_language(request: Request, lang: str | None = None) -> str:
    """The language a page is in: the reader's, or when nobody is logged in the one asked for (the person a mailed
    link is for), else the browser's."""
    return lang if viewer(request) is None and lang else language(request)


def render(request: Request, template: str, context: dict[str, Any], status: int = 200,
           lang: str | None = None) -> Response:
    """`lang`: the language of the person a page is for when nobody is logged in (a link mailed to them)."""
    lang = page_language(request, lang)
    flash = request.cookies.get(FLASH_COOKIE)
    page = _drawn(request, template, lang, csrf_token(request), flash, context)
    response = _page_response(request, page, lang, status)
    if flash:
        response.delete_cookie(FLASH_COOKIE, path="/")
    return response


def _drawn(request: Request, template: str, lang: str, csrf: str, flash: str | None,
           context: dict[str, Any]) -> str:
    """A template drawn with what every page shows beside its own context."""
    shown = viewer(request)
    return environment(lang).get_template(template).render(
        request=request, viewer=shown, person=shown.person if shown else None, csrf=csrf, language=lang,
        flash=flash, path=request.url.path, **context)


def _page_response(request: Request, page: str, lang: str, status: int = 200) -> HTMLResponse:
    response = HTMLResponse(page, status_code=status, headers={"Content-Language": lang})
    remember_browser(request, response)
    return response


# Pages that follow from the stored events alone, as drawn for one reader at one position of the log (kept.py):
# drawn once, served again until the next event. The reader's CSRF token, which differs between their requests,
# is drawn as a mark that no text can hold (it is new in each process) and put in when the page is served.
KEPT_PAGES = KeptReads(size=256)
_CSRF_MARK = f"csrf{secrets.token_hex(16)}"


def render_kept(request: Request, template: str, key: Hashable, position: int | None,
                context: Callable[[], dict[str, Any]]) -> Response:
    """`render` of a page whose context, `context()`, follows from the events up to `position` and from `key`
    (with the reader, their language and the path, which are added to it). A page with a message to show is
    drawn anew."""
    if request.cookies.get(FLASH_COOKIE):
        return render(request, template, context())
    lang = language(request)
    shown = viewer(request)
    page = KEPT_PAGES.read((template, key, lang, shown.actor if shown else None, request.url.path), position,
                           lambda: _drawn(request, template, lang, _CSRF_MARK, None, context()))
    return _page_response(request, page.replace(_CSRF_MARK, csrf_token(request)), lang)


def remember_browser(request: Request, response: Response) -> None:
    new = request.state._state.get("new_browser")
    if new:
        set_cookie(request, response, BROWSER_COOKIE, new, max_age=None)


def set_cookie(request: Request, response: Response, name: str, value: str, max_age: int | None) -> None:
    """Cookies the site sets: out of scripts' reach, not sent by other sites' forms, only over HTTPS when the
    site is served so."""
    secure = web_of(request).secure_cookies or request.url.scheme == "https"
    response.set_cookie(name, value, max_age=max_age, path="/", httponly=True, samesite="lax", secure=secure)


def flash(request: Request, response: Response, message: str) -> None:
    set_cookie(request, response, FLASH_COOKIE, message, max_age=60)
