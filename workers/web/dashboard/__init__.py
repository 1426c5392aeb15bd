"""The operators' document dashboard, mounted at ``/ui`` on docpipe's web server.

Server-rendered pages (Starlette, Jinja2) with a little htmx (vendored in ``static/``, no build
step): Documents, a document (with the reader of its result), Failures (retry, reprocess),
Overview. It reads the PostgreSQL catalog; live updates come as server-sent events from the
catalog's outbox of outcome events (every event is recorded there before it is published, so the
stream needs no queue of its own on the broker and works the same with Redis and RabbitMQ).
Operators sign in (``settings.dashboard``); every POST is CSRF-checked; every answer carries
security headers (``SecurityHeaders``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from workers.catalog.catalog import Catalog
from workers.settings import Settings
from workers.storage.s3 import ObjectStore

STATIC = Path(__file__).resolve().parent / "static"
#: Headers on every answer of the dashboard.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        b"frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class SecurityHeaders:
    """ASGI middleware adding ``SECURITY_HEADERS`` (and ``no-store`` on pages) to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope.get("path", "").startswith("/ui/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [h for h in message.get("headers", []) if h[0].lower() != b"cache-control" or static]
                headers += SECURITY_HEADERS
                headers.append((b"cache-control", b"public, max-age=3600" if static else b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


def dashboard_routes(settings: Settings, catalog: Catalog | None, store: ObjectStore | None) -> list[BaseRoute]:
    """``/ui`` and everything under it (nothing without a catalog, or when ``dashboard.enabled`` is off)."""
    if catalog is None or not settings.dashboard.enabled:
        return []
    return [Mount("/ui", app=create_dashboard_app(settings, catalog, store))]


def create_dashboard_app(settings: Settings, catalog: Catalog, store: ObjectStore | None) -> ASGIApp:
    from workers.web.dashboard.broker import BrokerView
    from workers.web.dashboard.views import Dashboard

    d = Dashboard(settings, catalog, store, BrokerView(settings))

    async def home(_request: Any) -> Response:
        return RedirectResponse("/ui/documents", status_code=303)

    routes: list[BaseRoute] = [
        Route("/", home),
        Route("/login", d.login_page, methods=["GET"]),
        Route("/login", d.login, methods=["POST"]),
        Route("/logout", d.logout, methods=["POST"]),
        Route("/documents", d.documents),
        Route("/documents/{doc_id:str}", d.document),
        Route("/documents/{doc_id:str}/outputs/{kind:str}/{version:str}", d.output),
        Route("/failures", d.failures),
        Route("/overview", d.overview),
        Route("/events", d.events),
        Route("/actions/{action:str}", d.act, methods=["POST"]),
        Mount("/static", app=StaticFiles(directory=str(STATIC)), name="static"),
    ]
    return SecurityHeaders(Starlette(routes=routes))
