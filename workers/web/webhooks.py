"""The HTTP endpoint for storage notifications (stdlib ``http.server``, one thread per request).

=====================  ======  ==========================================================
path                   method  what
=====================  ======  ==========================================================
``/minio``             POST    a MinIO bucket notification (``Records``, URL-encoded keys)
``/seaweedfs``         POST    a SeaweedFS filer ``notification.webhook`` payload
``/healthz``           GET     ``{"status": "ok"}``, no authentication
=====================  ======  ==========================================================

POSTs need ``Authorization: Bearer <settings.intake.webhook_token>`` (compared in constant time;
401 otherwise). Malformed JSON or an unknown payload shape gets 400 with a message saying what
is wrong; a notification is answered 200 once each object in it has been handed to ``enqueue``,
except temporary and system keys and objects outside the inbox bucket (counted as ``ignored``).
If enqueueing fails (broker down) the answer is 503, so MinIO keeps the event in its
``queue_dir`` and sends it again; SeaweedFS drops it (its webhook is at-most-once) and the
reconciler finds the object later.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from schemas.events import ObjectEvent
from workers.settings import Settings

log = logging.getLogger(__name__)

#: Largest request body accepted; MinIO sends one record per request, SeaweedFS one event.
MAX_BODY_BYTES = 4 * 1024 * 1024
#: The token shipped in the settings' default: refused unless the endpoint is loopback-only.
DEFAULT_TOKEN = "change-me"

Enqueue = Callable[[ObjectEvent], str | None]
Parser = Callable[[Any], list[ObjectEvent]]


def _parsers() -> dict[str, Parser]:
    from workers.intake.notifications import parse_minio_notification, parse_seaweed_webhook

    return {"/minio": parse_minio_notification, "/seaweedfs": parse_seaweed_webhook}


def _ignored(key: str) -> bool:
    from workers.ignore import is_ignored_key

    return bool(is_ignored_key(key))


class WebhookServer(ThreadingHTTPServer):
    """A ``ThreadingHTTPServer`` that knows its token, parsers and ``enqueue``."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], token: str, enqueue: Enqueue, bucket: str | None = None) -> None:
        self.token = token
        self.enqueue = enqueue
        #: Only objects of this bucket are enqueued (None: any). SeaweedFS notifies about every
        #: bucket, the outputs' included: without this filter outputs would come back as inputs.
        self.bucket = bucket
        self.parsers = _parsers()
        self._thread: threading.Thread | None = None
        super().__init__(address, WebhookHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host!s}:{port}"

    def authorized(self, header: str | None) -> bool:
        expected = f"Bearer {self.token}".encode()
        return bool(self.token) and hmac.compare_digest((header or "").encode(), expected)

    def handle_events(self, events: list[ObjectEvent]) -> dict[str, int]:
        """Filter and enqueue; raises whatever ``enqueue`` raises (the handler answers 503)."""
        counts = {"received": len(events), "enqueued": 0, "known": 0, "ignored": 0}
        for event in events:
            if _ignored(event.key) or (self.bucket is not None and event.bucket != self.bucket):
                counts["ignored"] += 1
            elif self.enqueue(event) is None:
                counts["known"] += 1
            else:
                counts["enqueued"] += 1
        return counts

    def start(self) -> threading.Thread:
        """Serve in a daemon thread; ``stop()`` ends it."""
        self._thread = threading.Thread(
            target=self.serve_forever, kwargs={"poll_interval": 0.1}, name="docpipe-webhook", daemon=True
        )
        self._thread.start()
        return self._thread

    def stop(self, timeout: float = 5.0) -> None:
        """Stop serving (if ``start`` was called) and close the socket; safe to call twice."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self.shutdown()
            thread.join(timeout)
        self.server_close()


class WebhookHandler(BaseHTTPRequestHandler):
    """Routes, authenticates, parses; all answers are small JSON objects."""

    server: WebhookServer
    server_version = "docpipe-intake"
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("webhook %s - " + format, self.address_string(), *args)

    def _answer(self, status: HTTPStatus, body: dict[str, Any] | None = None) -> None:
        data = json.dumps(body if body is not None else {}, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    @property
    def _path(self) -> str:
        return self.path.split("?", 1)[0].rstrip("/") or "/"

    def do_GET(self) -> None:
        if self._path == "/healthz":
            self._answer(HTTPStatus.OK, {"status": "ok"})
        elif self._path in self.server.parsers:
            self._answer(HTTPStatus.METHOD_NOT_ALLOWED, {"error": "POST notifications here"})
        else:
            self._answer(HTTPStatus.NOT_FOUND, {"error": f"no such endpoint: {self._path}"})

    def do_HEAD(self) -> None:
        # MinIO probes its webhook target with HEAD to decide whether it is online.
        known = self._path in self.server.parsers or self._path == "/healthz"
        self._answer(HTTPStatus.OK if known else HTTPStatus.NOT_FOUND)

    def do_POST(self) -> None:
        parser = self.server.parsers.get(self._path)
        if parser is None:
            self._answer(HTTPStatus.NOT_FOUND, {"error": f"no such endpoint: {self._path}"})
            return
        if not self.server.authorized(self.headers.get("Authorization")):
            self.close_connection = True
            self._answer(HTTPStatus.UNAUTHORIZED, {"error": "missing or wrong bearer token"})
            return
        payload = self._read_json()
        if payload is None:
            return
        try:
            events = parser(payload)
        except Exception as exc:  # InvalidEventError or a parser bug: the sender should know
            log.warning("webhook %s: rejected payload: %s", self._path, exc)
            self._answer(HTTPStatus.BAD_REQUEST, {"error": f"not a valid notification: {exc}"})
            return
        try:
            counts = self.server.handle_events(events)
        except Exception as exc:
            log.error("webhook %s: could not enqueue (%d events): %s", self._path, len(events), exc)
            self._answer(HTTPStatus.SERVICE_UNAVAILABLE, {"error": f"could not enqueue: {exc}"})
            return
        self._answer(HTTPStatus.OK, counts)

    def _read_json(self) -> Any:
        """The JSON body, or None after answering 400/411/413 itself."""
        length_header = self.headers.get("Content-Length")
        if length_header is None or not length_header.isdigit():
            self.close_connection = True
            self._answer(HTTPStatus.LENGTH_REQUIRED, {"error": "a Content-Length header is required"})
            return None
        length = int(length_header)
        if length > MAX_BODY_BYTES:
            self.close_connection = True
            self._answer(HTTPStatus.REQUEST_ENTITY_TOO_LARGE, {"error": f"body over {MAX_BODY_BYTES} bytes"})
            return None
        body = self.rfile.read(length)
        try:
            return json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            self._answer(HTTPStatus.BAD_REQUEST, {"error": f"malformed JSON: {exc}"})
            return None


def make_server(
    settings: Settings,
    enqueue: Enqueue | None = None,
    *,
    host: str | None = None,
    port: int | None = None,
) -> WebhookServer:
    """Bind the endpoint (port 0 picks a free one); ``enqueue`` defaults to ``workers.processing.task.enqueue``.

    Refuses the default token on a non-loopback address.
    """
    intake = settings.intake
    host = intake.webhook_host if host is None else host
    port = intake.webhook_port if port is None else port
    if intake.webhook_token == DEFAULT_TOKEN and host not in {"127.0.0.1", "localhost", "::1"}:
        raise ValueError(
            f"intake.webhook_token is the default {DEFAULT_TOKEN!r}: set DOCPIPE_INTAKE__WEBHOOK_TOKEN "
            f"before listening on {host}"
        )
    if enqueue is None:
        from workers.processing.task import enqueue as enqueue_task

        enqueue = enqueue_task
    return WebhookServer((host, port), intake.webhook_token, enqueue, bucket=settings.storage.inbox_bucket)
