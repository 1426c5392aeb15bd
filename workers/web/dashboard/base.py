"""The dashboard handlers' shared state and plumbing: sessions, rendering, forms, CSRF checks.

``DashboardBase`` holds one catalog, store, broker view and authenticator; the handlers are its
subclasses' methods (``signin``, ``views``, ``actions``), put together as ``views.Dashboard``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.templating import Jinja2Templates

from workers.catalog.catalog import Catalog
from workers.catalog.operations import Operations
from workers.settings import Settings
from workers.storage.s3 import ObjectStore
from workers.web.dashboard.auth import (
    CSRF_FIELD,
    CSRF_HEADER,
    SESSION_COOKIE,
    Authenticator,
    Session,
    same_origin,
)
from workers.web.dashboard.broker import BrokerView

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The largest form an action or the sign-in may post.
MAX_FORM_BYTES = 16 * 1024
#: The largest output the reader or a download loads.
MAX_OUTPUT_BYTES = 64 * 1024 * 1024
#: Seconds one server-sent events stream lasts before the browser reconnects (and seconds between polls).
STREAM_SECONDS, POLL_SECONDS = 300.0, 1.0
#: How far behind the newest event seen each poll of the event stream looks again.
LOOKBACK_SECONDS = 10.0


class DashboardBase:
    """The handlers' shared state (one catalog, store, broker view and authenticator) and plumbing."""

    def __init__(self, settings: Settings, catalog: Catalog, store: ObjectStore | None, broker: BrokerView) -> None:
        self.settings = settings
        self.catalog = catalog
        self.store = store
        self.broker = broker
        self.auth = Authenticator(settings.dashboard, fallback_users=settings.flower.basic_auth.get_secret_value())
        self.operations = Operations(catalog, broker.send, inbox=settings.storage.inbox_bucket)
        self.templates = Jinja2Templates(directory=str(TEMPLATES))
        self.templates.env.globals["flower_url"] = (
            settings.dashboard.flower_url.rstrip("/") or f"http://{settings.flower.host}:{settings.flower.port}"
        )
        self.templates.env.filters["when"] = _when

    # -- plumbing ----------------------------------------------------------------------------------
    def session(self, request: Request) -> Session | None:
        return self.auth.verify(request.cookies.get(SESSION_COOKIE))

    def render(self, request: Request, name: str, session: Session | None, **context: Any) -> Response:
        csrf = self.auth.csrf_token(session.nonce) if session else ""
        return self.templates.TemplateResponse(
            request, name, {"session": session, "csrf": csrf, "csrf_field": CSRF_FIELD, **context}
        )

    def _login_redirect(self, request: Request) -> Response:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/ui/login?next={quote(target)}", status_code=303)

    async def _form(self, request: Request) -> dict[str, str]:
        """The urlencoded form; an empty one (so the CSRF check fails) when it is too large."""
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                return {}
        parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}

    def _post_allowed(self, request: Request, nonce: str | None, form: dict[str, str]) -> bool:
        token = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
        origin_ok = same_origin(request.headers.get("origin"), request.headers.get("referer"), request.url.netloc)
        return origin_ok and self.auth.csrf_ok(nonce, token)

    async def _action(self, request: Request) -> dict[str, Any] | None:
        text = request.query_params.get("action", "")
        if not text.isdigit():
            return None
        row = await run_in_threadpool(
            self.catalog.row,
            "action",
            "SELECT a.*, u.key FROM operator_actions a LEFT JOIN uploads u ON u.upload_id = a.upload_id "
            "WHERE a.action_id = %s",
            (int(text),),
        )
        if row is not None:
            n = request.query_params.get("n", "1")
            row["count"] = int(n) if n.isdigit() else 1
        return row


def safe_next(target: str) -> str:
    """A redirect target inside the dashboard only (no scheme, no other host)."""
    if target.startswith("/ui/") and not target.startswith("//") and "\\" not in target and "\n" not in target:
        return target
    return ""


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if hasattr(value, "strftime") else ("" if value is None else str(value))
