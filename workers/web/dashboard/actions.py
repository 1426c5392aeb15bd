"""The operators' actions (retry, retry a code, reprocess) and the live event stream.

An action answers with a redirect (303) back to its page, which shows the recorded action. The
stream sends one ``outcome`` event per outcome event recorded in the catalog's outbox.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response, StreamingResponse

from workers.catalog.operations import ActionRefusedError
from workers.web.dashboard import queries
from workers.web.dashboard.base import (
    LOOKBACK_SECONDS,
    POLL_SECONDS,
    STREAM_SECONDS,
    DashboardBase,
    safe_next,
)


class ActionViews(DashboardBase):
    """POST actions and server-sent events."""

    async def act(self, request: Request) -> Response:
        session = self.session(request)
        form = await self._form(request)
        if session is None or not self._post_allowed(request, session.nonce, form):
            return PlainTextResponse("CSRF check failed or not signed in", status_code=403)
        what = request.path_params["action"]
        back = safe_next(form.get("next", "")) or "/ui/failures"
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
            response = self.render(request, "refused.html", session, reason=str(exc), back=back)
            response.status_code = 409
            return response
        mark = f"action={results[-1].action_id}&n={len(results)}" if results else "n=0"
        return RedirectResponse(f"{back}{'&' if '?' in back else '?'}{mark}", status_code=303)

    # -- live updates ------------------------------------------------------------------------------
    async def events(self, request: Request) -> Response:
        """Server-sent events: one ``outcome`` per outcome event recorded in the catalog's outbox."""
        if self.session(request) is None:
            return PlainTextResponse("not signed in", status_code=403)
        latest = await run_in_threadpool(queries.latest_event_time, self.catalog)

        async def stream() -> Any:
            # events are stamped when their transaction began, so one may commit after a later one:
            # each poll looks LOOKBACK_SECONDS behind the newest time seen and skips ids already sent
            since, sent = latest, {}
            yield "retry: 3000\n\n"
            loop = asyncio.get_running_loop()
            deadline, quiet = loop.time() + STREAM_SECONDS, 0
            while loop.time() < deadline:
                rows = await run_in_threadpool(queries.events_since, self.catalog, since, LOOKBACK_SECONDS)
                fresh = [r for r in rows if r["event_id"] not in sent]
                for r in fresh:
                    sent[r["event_id"]] = r["created_at"]
                    data = {"doc_id": r["doc_id"], "outcome": r["routing_key"].rsplit(".", 1)[-1], "key": r["key"]}
                    yield f"event: outcome\nid: {r['event_id']}\ndata: {json.dumps(data)}\n\n"
                if rows:
                    since = (
                        max(since, *(r["created_at"] for r in rows)) if since else max(r["created_at"] for r in rows)
                    )
                    horizon = since - timedelta(seconds=2 * LOOKBACK_SECONDS)
                    sent = {k: t for k, t in sent.items() if t >= horizon}
                quiet = 0 if fresh else quiet + 1
                if quiet and quiet % 15 == 0:
                    yield ": keep-alive\n\n"
                await asyncio.sleep(POLL_SECONDS)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"}
        )
