"""The site: one FastAPI application over the same application object the CLI opens.

    create_app(web)   the site over an opened Web (tests open one on their own database and clock)
    from_environ()    what each Uvicorn worker calls: the settings read from the environment, as `pdsa` reads them
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.responses import RedirectResponse
from fastapi.staticfiles import StaticFiles

from pdsa_engine.web import errors
from pdsa_engine.web.context import Web
from pdsa_engine.web.pages_base import TEMPLATES

# What a browser may load and do on these pages: only what the site itself serves; no framing by others.
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
                               "frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}


_ENCODED = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in SECURITY_HEADERS.items()]
_NO_STORE = (b"cache-control", b"no-store")


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every response (where the endpoint did not set its own), and no-store to the API's
    and log-in's. Plain ASGI: Starlette's BaseHTTPMiddleware (@app.middleware) runs each request in a task group
    of its own with streams between the two halves, a fixed cost on every page."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]

        async def headed(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", ()))
                present = {name.lower() for name, _ in headers}
                for name, value in _ENCODED:
                    if name == b"content-security-policy" and path == "/api/docs":
                        continue  # the API's documentation page loads its scripts from the framework's own CDN
                    if name not in present:
                        headers.append((name, value))
                if path.startswith(("/api/", "/login/")) and _NO_STORE[0] not in present:
                    headers.append(_NO_STORE)
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, headed)


def create_app(web: Web, close_on_shutdown: bool = False) -> FastAPI:
    from pdsa_engine.web import api, audit_api, audit_pages, forms, login, mailed, outbox, pages, uploads

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        yield
        if close_on_shutdown:
            web.close()

    app = FastAPI(title="pdsa-engine", version="1", openapi_url="/api/v1/openapi.json", docs_url="/api/docs",
                  redoc_url=None, lifespan=lifespan)
    app.state.web = web
    errors.install(app)
    # The pages first: a request is matched against every route before its own, in order, and the pages are
    # what people open most; no route of the others matches a page's path (theirs are /api/…, /login…, /mailed…).
    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(audit_api.router)
    app.include_router(login.router)
    app.include_router(mailed.router)
    app.include_router(audit_pages.router)
    app.include_router(outbox.router)
    app.include_router(uploads.router)
    app.include_router(forms.router)
    app.mount("/static", StaticFiles(directory=TEMPLATES / "static"), name="static")
    # Browsers ask for /favicon.ico whatever a page names; the pages name the SVG.
    app.add_api_route("/favicon.ico", lambda: RedirectResponse("/static/favicon.svg", status_code=301),
                      include_in_schema=False)

    app.add_middleware(SecurityHeaders)

    _merge_schemas(app)
    return app


def _merge_schemas(app: FastAPI) -> None:
    """The command models' shared definitions (enums, nested values) go where their $refs point."""
    from pdsa_engine.web.api import schema_definitions

    plain = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = plain()
            schema.setdefault("components", {}).setdefault("schemas", {}).update(schema_definitions())
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def from_environ() -> FastAPI:
    from pdsa_engine.config import Settings
    from pdsa_engine.notifications.settings import MailSettings

    settings = Settings.from_environ()
    mail = MailSettings.from_environ(os.environ, settings.maildir)
    web = Web.open(settings, mail, secure_cookies=mail.base_url.startswith("https://"))
    return create_app(web, close_on_shutdown=True)
