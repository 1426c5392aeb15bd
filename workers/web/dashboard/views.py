"""The dashboard's pages: Documents, a document, Failures, Overview; sign-in; the operators' actions.

Every handler runs its catalog reads in the thread pool (the catalog client is synchronous) and
renders a Jinja2 template; htmx asks for the documents table alone (``HX-Request``) when the
filters change or an outcome event arrives. Pages need a session; POSTs also a CSRF token
(``workers.web.dashboard.auth``). Actions answer with a redirect (303) back to the page, which shows
the recorded action.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse
from starlette.templating import Jinja2Templates

from workers.catalog.catalog import Catalog
from workers.catalog.operations import ActionRefusedError, Operations
from workers.errors import DocpipeError
from workers.settings import Settings
from workers.storage.s3 import ObjectStore
from workers.web.dashboard import queries
from workers.web.dashboard.auth import (
    CSRF_FIELD,
    CSRF_HEADER,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    Authenticator,
    Session,
    new_nonce,
    same_origin,
)
from workers.web.dashboard.broker import BrokerView
from workers.web.dashboard.chart import line_chart
from workers.web.dashboard.reader import entity_counts, segment_tree

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: The largest form an action or the sign-in may post.
MAX_FORM_BYTES = 16 * 1024
#: The largest output the reader or a download loads.
MAX_OUTPUT_BYTES = 64 * 1024 * 1024
#: Seconds one server-sent events stream lasts before the browser reconnects (and seconds between polls).
STREAM_SECONDS, POLL_SECONDS = 300.0, 1.0


class Dashboard:
    """The handlers, bound to one catalog, store, broker view and authenticator."""

    def __init__(self, settings: Settings, catalog: Catalog, store: ObjectStore | None, broker: BrokerView) -> None:
        self.settings = settings
        self.catalog = catalog
        self.store = store
        self.broker = broker
        self.auth = Authenticator(settings.dashboard)
        self.operations = Operations(catalog, broker.send)
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
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_FORM_BYTES:
                raise ActionRefusedError("form too large")
        parsed = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
        return {k: v[0] for k, v in parsed.items()}

    def _post_allowed(self, request: Request, nonce: str | None, form: dict[str, str]) -> bool:
        token = form.get(CSRF_FIELD) or request.headers.get(CSRF_HEADER)
        origin_ok = same_origin(request.headers.get("origin"), request.headers.get("referer"), request.url.netloc)
        return origin_ok and self.auth.csrf_ok(nonce, token)

    # -- sign-in -----------------------------------------------------------------------------------
    async def login_page(self, request: Request, error: str = "", status: int = 200) -> Response:
        nonce = request.cookies.get(LOGIN_COOKIE) or new_nonce()
        response = self.templates.TemplateResponse(
            request,
            "login.html",
            {
                "session": None,
                "csrf": self.auth.csrf_token(nonce),
                "csrf_field": CSRF_FIELD,
                "error": error,
                "configured": self.auth.configured,
                "next": _safe_next(request.query_params.get("next", "")),
            },
            status_code=status,
        )
        response.set_cookie(LOGIN_COOKIE, nonce, max_age=3600, path="/ui", httponly=True, samesite="strict")
        return response

    async def login(self, request: Request) -> Response:
        form = await self._form(request)
        if not self._post_allowed(request, request.cookies.get(LOGIN_COOKIE), form):
            return PlainTextResponse("CSRF check failed", status_code=403)
        user, password = form.get("user", "").strip(), form.get("password", "")
        if not self.auth.check(user, password):
            await asyncio.sleep(0.5)  # a little friction for guessing
            return await self.login_page(request, "Wrong user name or password.", 401)
        response = RedirectResponse(_safe_next(form.get("next", "")) or "/ui/documents", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            self.auth.issue(user),
            max_age=self.auth.session_seconds,
            path="/ui",
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        response.delete_cookie(LOGIN_COOKIE, path="/ui")
        return response

    async def logout(self, request: Request) -> Response:
        session = self.session(request)
        form = await self._form(request)
        if session is None or not self._post_allowed(request, session.nonce, form):
            return PlainTextResponse("CSRF check failed", status_code=403)
        response = RedirectResponse("/ui/login", status_code=303)
        response.delete_cookie(SESSION_COOKIE, path="/ui")
        return response

    # -- pages -------------------------------------------------------------------------------------
    async def documents(self, request: Request) -> Response:
        session = self.session(request)
        if session is None:
            return self._login_redirect(request)
        f = queries.DocumentFilter.from_query(request.query_params)
        size = self.settings.dashboard.page_size
        page = await run_in_threadpool(queries.documents, self.catalog, f, size)
        if request.headers.get("hx-request") == "true":
            return self.render(request, "_documents_table.html", session, page=page, f=f)
        facets = await run_in_threadpool(queries.facets, self.catalog)
        return self.render(
            request, "documents.html", session, page=page, f=f, facets=facets, states=queries.DOCUMENT_STATES
        )

    async def document(self, request: Request) -> Response:
        session = self.session(request)
        if session is None:
            return self._login_redirect(request)
        doc_id = request.path_params["doc_id"]
        doc = await run_in_threadpool(queries.document, self.catalog, doc_id)
        if doc is None:
            return self.render(request, "missing.html", session, what=f"document {doc_id}")
        output, output_error = await run_in_threadpool(self._output, doc)
        action = await self._action(request)
        return self.render(
            request,
            "document.html",
            session,
            doc=doc,
            tree=segment_tree(output) if output else [],
            entity_types=entity_counts(output) if output else [],
            output_error=output_error,
            action=action,
        )

    def _output(self, doc: dict[str, Any]) -> tuple[dict[str, Any] | None, str]:
        json_outputs = [o for o in doc["outputs"] if o["kind"] == "json"]
        if not json_outputs:
            return None, "no JSON output yet"
        if self.store is None:
            return None, "the object store is not configured for the dashboard"
        out = json_outputs[0]
        try:
            data = json.loads(self.store.get_bytes(out["bucket"], out["key"], max_bytes=MAX_OUTPUT_BYTES))
        except DocpipeError as exc:
            return None, f"output not readable: {exc.message}"
        except ValueError as exc:
            return None, f"output is not JSON: {exc}"
        return (data if isinstance(data, dict) else None), ""

    async def output(self, request: Request) -> Response:
        """One output's bytes: JSON and XML inline (as text), the rest as a download."""
        session = self.session(request)
        if session is None:
            return self._login_redirect(request)
        doc_id, kind, version = (request.path_params[k] for k in ("doc_id", "kind", "version"))
        row = await run_in_threadpool(
            self.catalog.row,
            "output",
            "SELECT bucket, key FROM outputs WHERE doc_id = %s AND kind = %s AND pipeline_version = %s",
            (doc_id, kind, version),
        )
        if row is None or self.store is None:
            return PlainTextResponse("no such output", status_code=404)
        store = self.store
        try:
            data = await run_in_threadpool(store.get_bytes, row["bucket"], row["key"], MAX_OUTPUT_BYTES)
        except DocpipeError as exc:
            return PlainTextResponse(f"output not readable: {exc.message}", status_code=502)
        name = row["key"].rsplit("/", 1)[-1]
        media = {"json": "application/json", "akn": "application/xml"}.get(kind, "application/octet-stream")
        inline = kind in {"json", "akn"} and request.query_params.get("download") != "1"
        headers = {
            "Content-Disposition": f'{"inline" if inline else "attachment"}; filename="{doc_id[:12]}-{quote(name)}"'
        }
        return Response(data, media_type=media, headers=headers)

    async def failures(self, request: Request) -> Response:
        session = self.session(request)
        if session is None:
            return self._login_redirect(request)
        code = request.query_params.get("code", "")[:100]
        groups, rows = await run_in_threadpool(queries.failures, self.catalog, code)
        actions = await run_in_threadpool(queries.recent_actions, self.catalog)
        action = await self._action(request)
        return self.render(
            request, "failures.html", session, groups=groups, rows=rows, code=code, actions=actions, action=action
        )

    async def overview(self, request: Request) -> Response:
        session = self.session(request)
        if session is None:
            return self._login_redirect(request)
        text = request.query_params.get("hours", "6")
        hours = min(max(int(text), 1), 72) if text.isdigit() and len(text) < 4 else 6
        minutes = 1 if hours <= 3 else 5 if hours <= 12 else 15
        series = await run_in_threadpool(queries.throughput, self.catalog, hours, minutes)
        for point in series:
            point["per_minute"] = round(point["done"] / minutes, 2)
        groups, _ = await run_in_threadpool(queries.failures, self.catalog, "", 0)
        states = await run_in_threadpool(queries.states, self.catalog)
        depths, workers = await asyncio.gather(
            run_in_threadpool(self.broker.queue_depths), run_in_threadpool(self.broker.workers)
        )
        chart = line_chart(
            series,
            [("per_minute", "documents per minute"), ("backlog", "backlog")],
            title=f"Documents per minute and backlog, last {hours} h",
        )
        return self.render(
            request,
            "overview.html",
            session,
            chart=chart,
            hours=hours,
            groups=groups,
            states=states,
            depths=depths,
            workers=workers,
        )

    # -- actions -----------------------------------------------------------------------------------
    async def act(self, request: Request) -> Response:
        session = self.session(request)
        form = await self._form(request)
        if session is None or not self._post_allowed(request, session.nonce, form):
            return PlainTextResponse("CSRF check failed or not signed in", status_code=403)
        what = request.path_params["action"]
        back = _safe_next(form.get("next", "")) or "/ui/failures"
        try:
            if what == "retry":
                results = [await run_in_threadpool(self.operations.retry, form.get("upload", ""), session.user)]
            elif what == "retry-code":
                results = await run_in_threadpool(self.operations.retry_code, form.get("code", ""), session.user)
            elif what == "reprocess":
                results = [await run_in_threadpool(self.operations.reprocess, form.get("doc", ""), session.user)]
            else:
                return PlainTextResponse("unknown action", status_code=404)
        except ActionRefusedError as exc:
            return PlainTextResponse(f"refused: {exc}", status_code=409)
        mark = f"action={results[-1].action_id}&n={len(results)}" if results else "n=0"
        return RedirectResponse(f"{back}{'&' if '?' in back else '?'}{mark}", status_code=303)

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

    # -- live updates ------------------------------------------------------------------------------
    async def events(self, request: Request) -> Response:
        """Server-sent events: one ``outcome`` per outcome event recorded in the catalog's outbox."""
        if self.session(request) is None:
            return PlainTextResponse("not signed in", status_code=403)
        latest = await run_in_threadpool(queries.events_after, self.catalog, None)
        cursor = (latest[0]["created_at"], latest[0]["event_id"]) if latest else ("-infinity", "")

        async def stream() -> Any:
            nonlocal cursor
            yield "retry: 3000\n\n"
            loop = asyncio.get_running_loop()
            deadline, quiet = loop.time() + STREAM_SECONDS, 0
            while loop.time() < deadline:
                rows = await run_in_threadpool(queries.events_after, self.catalog, cursor)
                for r in rows:
                    cursor = (r["created_at"], r["event_id"])
                    data = {"doc_id": r["doc_id"], "outcome": r["routing_key"].rsplit(".", 1)[-1], "key": r["key"]}
                    yield f"event: outcome\nid: {r['event_id']}\ndata: {json.dumps(data)}\n\n"
                quiet = 0 if rows else quiet + 1
                if quiet and quiet % 15 == 0:
                    yield ": keep-alive\n\n"
                await asyncio.sleep(POLL_SECONDS)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        )


def _safe_next(target: str) -> str:
    """A redirect target inside the dashboard only (no scheme, no other host)."""
    if target.startswith("/ui/") and not target.startswith("//") and "\\" not in target and "\n" not in target:
        return target
    return ""


def _when(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S") if hasattr(value, "strftime") else ("" if value is None else str(value))
