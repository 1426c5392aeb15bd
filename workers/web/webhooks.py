"""Storage notification endpoints.

=====================  ======  ==========================================================
path                   method  what
=====================  ======  ==========================================================
``/hooks/minio``       POST    a MinIO bucket notification (``Records``, URL-encoded keys)
``/hooks/seaweedfs``   POST    a SeaweedFS filer ``notification.webhook`` payload
``/minio``, ``/seaweedfs``     the same (the paths MinIO and SeaweedFS configurations used so far)
HEAD on any of them            200: MinIO probes its target that way
=====================  ======  ==========================================================

POSTs need ``Authorization: Bearer <web.webhook_token>`` (any case of ``Bearer``; constant-time
comparison; 401 otherwise). A notification is answered 200 with counts once each object in it has
been handed to ``enqueue``, except temporary and system keys and objects outside the inbox bucket
(``ignored``). If enqueueing fails (broker or catalog down) the answer is 503, so MinIO keeps the
event in its ``queue_dir`` and sends it again; SeaweedFS drops it and the reconciler finds the object.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from schemas.events import ObjectEvent
from workers.ignore import is_ignored_key
from workers.intake.notifications import parse_minio_notification, parse_seaweed_webhook
from workers.settings import Settings
from workers.web.guards import RequestRefused, bearer_ok, read_json

log = structlog.get_logger("docpipe.web")

Enqueue = Callable[[ObjectEvent], str | None]
Parser = Callable[[Any], list[ObjectEvent]]
PARSERS: dict[str, Parser] = {"minio": parse_minio_notification, "seaweedfs": parse_seaweed_webhook}


def handle_events(events: list[ObjectEvent], enqueue: Enqueue, bucket: str) -> dict[str, int]:
    """Filter and enqueue; raises whatever ``enqueue`` raises (answered 503)."""
    counts = {"received": len(events), "enqueued": 0, "known": 0, "ignored": 0}
    for event in events:
        if is_ignored_key(event.key) or event.bucket != bucket:
            counts["ignored"] += 1
        elif enqueue(event) is None:
            counts["known"] += 1
        else:
            counts["enqueued"] += 1
    return counts


def webhook_routes(settings: Settings, enqueue: Enqueue) -> list[Route]:
    web = settings.web
    token = web.webhook_token.get_secret_value()
    bucket = settings.storage.inbox_bucket

    async def notify(request: Request) -> Response:  # noqa: PLR0911 - one answer per refusal
        source = request.path_params["source"]
        parser = PARSERS.get(source)
        if parser is None:
            return JSONResponse({"error": f"no such endpoint: {request.url.path}"}, 404)
        if request.method == "HEAD":
            return Response(status_code=200)
        if not bearer_ok(request.headers.get("authorization"), token):
            return JSONResponse({"error": "missing or wrong bearer token"}, 401)
        try:
            payload = await read_json(
                request, max_bytes=web.max_body_bytes, max_depth=web.max_json_depth, timeout=web.read_timeout
            )
            events = parser(payload)
        except RequestRefused as refused:
            return JSONResponse({"error": refused.message}, refused.status)
        except Exception as exc:  # InvalidEventError or a parser bug: the sender should know
            log.warning("webhook payload rejected", source=source, error=str(exc)[:300])
            return JSONResponse({"error": f"not a valid notification: {str(exc)[:300]}"}, 400)
        try:
            counts = await run_in_threadpool(handle_events, events, enqueue, bucket)
        except Exception as exc:
            log.error("webhook could not enqueue", source=source, events=len(events), error=repr(exc)[:300])
            return JSONResponse({"error": "could not enqueue, try again"}, 503)
        return JSONResponse(counts)

    methods = ["POST", "HEAD"]
    return [
        Route(path, notify, methods=methods)
        for path in ("/hooks/{source}", "/hooks/{source}/", "/{source}", "/{source}/")
    ]
