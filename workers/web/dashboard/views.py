"""The dashboard's pages (Documents, a document, Failures, Overview) and ``Dashboard``, every handler.

Every handler runs its catalog reads in the thread pool (the catalog client is synchronous) and
renders a Jinja2 template; htmx asks for the documents table alone (``HX-Request``) when the
filters change or an outcome event arrives. Pages need a session (``signin``); POSTs also a CSRF
token (``actions``, ``auth``).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from workers.errors import DocpipeError
from workers.web.dashboard import queries
from workers.web.dashboard.actions import ActionViews
from workers.web.dashboard.base import (
    MAX_OUTPUT_BYTES,
    DashboardBase,
)
from workers.web.dashboard.chart import line_chart
from workers.web.dashboard.reader import entity_counts, segment_tree
from workers.web.dashboard.signin import SignInViews


class PageViews(DashboardBase):
    """The pages: Documents, a document (and its outputs), Failures, Overview."""

    async def documents(self, request: Request) -> Response:
        session = self.session(request)
        if session is None:
            return self._login_redirect(request)
        f = queries.DocumentFilter.from_query(request.query_params)
        size = self.settings.dashboard.page_size
        page = await run_in_threadpool(queries.documents, self.catalog, f, size)
        # htmx asks for the table alone, except when it restores a page from history
        if request.headers.get("hx-request") == "true" and request.headers.get("hx-history-restore-request") != "true":
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


class Dashboard(SignInViews, PageViews, ActionViews):
    """Every handler of the dashboard, bound to one catalog, store and broker view."""
