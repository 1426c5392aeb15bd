"""The webhook endpoints on the real ASGI server (uvicorn + Starlette, port 0): authentication,
malformed bodies, size/depth limits, read timeouts, MinIO and SeaweedFS samples -> ObjectEvents."""

from __future__ import annotations

import http.client
import json
import socket
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from schemas.events import ObjectEvent
from workers.settings import Settings, StorageSettings, WebSettings
from workers.web.app import create_web_app
from workers.web.server import WebServer

TOKEN = "s3cr3t-token"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "events"


class RecordingEnqueue:
    """Records events; answers a task id, or None for keys listed in ``known``; may fail."""

    def __init__(self) -> None:
        self.events: list[ObjectEvent] = []
        self.known: set[str] = set()
        self.error: Exception | None = None

    def __call__(self, event: ObjectEvent) -> str | None:
        if self.error is not None:
            raise self.error
        self.events.append(event)
        return None if event.key in self.known else f"task-{len(self.events)}"


@pytest.fixture(name="enqueue")
def _enqueue() -> RecordingEnqueue:
    return RecordingEnqueue()


Serve = Callable[..., WebServer]


@pytest.fixture(name="serve")
def _serve(enqueue: RecordingEnqueue) -> Iterator[Serve]:
    started: list[WebServer] = []

    def serve(bucket: str = "docpipe-inbox", **web: Any) -> WebServer:
        settings = Settings(web=WebSettings(webhook_token=TOKEN, **web), storage=StorageSettings(inbox_bucket=bucket))
        server = WebServer(settings, create_web_app(settings, enqueue=enqueue), host="127.0.0.1", port=0)
        server.start()
        started.append(server)
        return server

    yield serve
    for server in started:
        server.stop()


@pytest.fixture(name="server")
def _server(serve: Serve) -> WebServer:
    return serve()


def request(
    server: WebServer,
    method: str,
    path: str,
    body: Any = None,
    *,
    token: str | None = TOKEN,
    raw: bytes | None = None,
    scheme: str = "Bearer",
) -> tuple[int, dict[str, Any]]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"{scheme} {token}"
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    conn.request(method, path, body=data, headers=headers)
    response = conn.getresponse()
    payload = response.read()
    conn.close()
    return response.status, json.loads(payload) if payload else {}


def minio_samples() -> list[dict[str, Any]]:
    return json.loads((FIXTURES / "minio-webhook-events.json").read_text(encoding="utf-8"))["samples"]


def seaweed_sample(label_start: str) -> dict[str, Any]:
    samples = json.loads((FIXTURES / "seaweedfs-webhook-events.json").read_text(encoding="utf-8"))["samples"]
    return next(s for s in samples if s["label"].startswith(label_start))


class TestAuth:
    @pytest.mark.parametrize("token", [None, "wrong", TOKEN + "x", ""])
    def test_wrong_or_missing_token_is_401(
        self, server: WebServer, enqueue: RecordingEnqueue, token: str | None
    ) -> None:
        """No token, or a different one, is refused and nothing is enqueued."""
        status, body = request(server, "POST", "/minio", minio_samples()[0]["body"], token=token)
        assert status == 401 and "token" in body["error"]
        assert enqueue.events == []

    def test_healthz_needs_no_token(self, server: WebServer) -> None:
        """The health check answers without authentication."""
        assert request(server, "GET", "/healthz", token=None) == (200, {"status": "ok"})

    @pytest.mark.parametrize("scheme", ["bearer", "BEARER", "Bearer"])
    def test_bearer_scheme_in_any_case(self, server: WebServer, enqueue: RecordingEnqueue, scheme: str) -> None:
        """The auth scheme is case-insensitive (RFC 9110); the token is not."""
        assert request(server, "POST", "/minio", minio_samples()[0]["body"], scheme=scheme)[0] == 200
        assert request(server, "POST", "/minio", minio_samples()[0]["body"], token=TOKEN.upper())[0] == 401

    def test_default_token_refused_on_public_address(self) -> None:
        """The shipped placeholder token may not be used beyond loopback."""
        settings = Settings()
        with pytest.raises(ValueError, match="webhook_token"):
            WebServer(settings, create_web_app(settings, enqueue=lambda e: None), host="0.0.0.0", port=0)

    def test_head_probe_answers(self, server: WebServer) -> None:
        """MinIO's HEAD liveness probe gets 200."""
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
        conn.request("HEAD", "/minio", headers={"Authorization": f"Bearer {TOKEN}"})
        assert conn.getresponse().status == 200
        conn.close()


class TestMalformed:
    def test_bad_json_is_400_with_message(self, server: WebServer, enqueue: RecordingEnqueue) -> None:
        """A body that is not JSON gets 400 saying so."""
        status, body = request(server, "POST", "/minio", raw=b'{"Records": [')
        assert status == 400 and body["error"].startswith("malformed JSON")
        assert enqueue.events == []

    def test_not_utf8_is_400(self, server: WebServer) -> None:
        """Undecodable bytes get 400 too."""
        status, body = request(server, "POST", "/seaweedfs", raw=b"\xff\xfe{}")
        assert status == 400 and "malformed JSON" in body["error"]

    @pytest.mark.parametrize(("path", "payload"), [("/minio", {"foo": 1}), ("/seaweedfs", [1, 2]), ("/minio", "x")])
    def test_wrong_shape_is_400(self, server: WebServer, path: str, payload: Any) -> None:
        """Valid JSON that is not a notification gets 400 with the parser's reason."""
        status, body = request(server, "POST", path, payload)
        assert status == 400 and body["error"].startswith("not a valid notification")

    def test_unknown_path_is_404(self, server: WebServer) -> None:
        """Only the two notification sources and /healthz exist."""
        assert request(server, "POST", "/s3", {})[0] == 404
        assert request(server, "POST", "/hooks/s3", {})[0] == 404


class TestLimits:
    def test_declared_body_too_large_is_413(self, serve: Serve, enqueue: RecordingEnqueue) -> None:
        """A Content-Length over web.max_body_bytes is answered 413 without reading the body."""
        server = serve(max_body_bytes=100)
        status, body = request(server, "POST", "/minio", raw=b"[" + b" " * 200 + b"]")
        assert status == 413 and "100 bytes" in body["error"] and enqueue.events == []

    def test_streamed_body_too_large_is_413(self, serve: Serve) -> None:
        """A chunked body (no Content-Length) is cut off at the limit, 413."""
        server = serve(max_body_bytes=100)
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        conn.request(
            "POST",
            "/minio",
            body=iter([b"[" + b" " * 99, b" " * 99 + b"]"]),
            headers={"Authorization": f"Bearer {TOKEN}"},
            encode_chunked=True,
        )
        assert conn.getresponse().status == 413
        conn.close()

    def test_deep_json_is_400_not_a_dropped_connection(self, server: WebServer) -> None:
        """JSON nested 100,000 deep is answered 400 (it used to drop the connection)."""
        status, body = request(server, "POST", "/minio", raw=b"[" * 100_000 + b"]" * 100_000)
        assert status == 400 and "nested deeper" in body["error"]

    def test_half_sent_request_times_out_with_408(self, serve: Serve) -> None:
        """A client that stops in the middle of its headers gets 408 and the connection is closed."""
        server = serve(read_timeout=0.5)
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(b"POST /minio HTTP/1.1\r\nHost: x\r\nContent-Le")
            answer = sock.recv(1024)
            assert answer.startswith(b"HTTP/1.1 408") and sock.recv(1024) == b""

    def test_half_sent_body_times_out(self, serve: Serve) -> None:
        """A body announced but never sent is answered 408 (or the connection closed), not held."""
        server = serve(read_timeout=0.5)
        with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
            sock.sendall(
                f"POST /minio HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {TOKEN}\r\n"
                "Content-Length: 50\r\n\r\n[".encode()
            )
            answer = sock.recv(1024)
            assert answer == b"" or answer.startswith(b"HTTP/1.1 408")

    def test_held_connections_do_not_block_others(self, serve: Serve, enqueue: RecordingEnqueue) -> None:
        """Fifty half-sent requests held open; a real notification is still answered."""
        server = serve(read_timeout=30)
        held = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(50)]
        try:
            for sock in held:
                sock.sendall(b"POST /minio HTTP/1.1\r\nHost: x\r\n")
            assert request(server, "POST", "/minio", minio_samples()[0]["body"])[0] == 200
        finally:
            for sock in held:
                sock.close()


class TestMinio:
    def test_put_sample_enqueues_decoded_key(self, server: WebServer, enqueue: RecordingEnqueue) -> None:
        """A PutObject record becomes one ObjectEvent with the URL-decoded Chinese key."""
        sample = minio_samples()[0]
        status, body = request(server, "POST", "/minio", sample["body"])
        assert status == 200
        assert body == {"received": 1, "enqueued": 1, "known": 0, "ignored": 0}
        assert enqueue.events == [
            ObjectEvent(
                bucket="docpipe-inbox",
                key="大会/第75届 决议.txt",
                size=5221,
                etag="6d0bb00954ceb7fbee436bb55a8397a9",
                source="minio",
                event_time="2026-11-23T15:02:11.482Z",
            )
        ]

    def test_all_samples(self, server: WebServer, enqueue: RecordingEnqueue) -> None:
        """Each sample gives exactly its expected key (deletes give none)."""
        for sample in minio_samples():
            assert request(server, "POST", "/minio", sample["body"])[0] == 200
        expected = [s["expected_key"] for s in minio_samples() if s["expected_key"]]
        assert [e.key for e in enqueue.events] == expected

    def test_ignored_key_is_not_enqueued(self, server: WebServer, enqueue: RecordingEnqueue) -> None:
        """A .DS_Store upload is acknowledged but not enqueued."""
        body = minio_samples()[0]["body"]
        body["Records"][0]["s3"]["object"]["key"] = "batch%2F.DS_Store"
        status, counts = request(server, "POST", "/minio", body)
        assert status == 200 and counts["ignored"] == 1 and enqueue.events == []

    def test_known_object_counts_as_known(self, server: WebServer, enqueue: RecordingEnqueue) -> None:
        """When enqueue answers None (already done or in flight) the answer still is 200."""
        enqueue.known.add("大会/第75届 决议.txt")
        status, counts = request(server, "POST", "/minio", minio_samples()[0]["body"])
        assert status == 200 and counts["known"] == 1 and counts["enqueued"] == 0

    def test_enqueue_failure_is_503(self, server: WebServer, enqueue: RecordingEnqueue) -> None:
        """Broker down: 503, so MinIO keeps the event in its queue_dir and sends it again."""
        enqueue.error = ConnectionError("broker down")
        status, body = request(server, "POST", "/minio", minio_samples()[0]["body"])
        assert status == 503 and "try again" in body["error"]


class TestSeaweed:
    @pytest.fixture(name="server")
    def _seaweed_server(self, serve: Serve) -> WebServer:
        return serve("docs")  # the bucket of the recorded samples

    def test_put_sample(self, server: WebServer, enqueue: RecordingEnqueue) -> None:
        """A filer create of a file becomes one ObjectEvent with the S3 ETag."""
        sample = seaweed_sample("S3 PutObject docs/inbox/report.pdf")
        status, counts = request(server, "POST", "/seaweedfs", sample["body"])
        assert status == 200 and counts["enqueued"] == 1
        [event] = enqueue.events
        assert (event.bucket, event.key, event.size, event.source) == (
            "docs",
            "inbox/report.pdf",
            22,
            "seaweedfs-webhook",
        )
        assert event.etag == "7d3ef19aff58f3a53210fdf0a7d61eee"

    @pytest.mark.parametrize(
        "label", ["S3 CreateBucket", "multipart upload: per-part", "internal system entry", "S3 Delete"]
    )
    def test_noise_gives_nothing(self, server: WebServer, enqueue: RecordingEnqueue, label: str) -> None:
        """Directories, multipart parts, .system entries and deletes are answered 200 and dropped."""
        status, counts = request(server, "POST", "/seaweedfs", seaweed_sample(label)["body"])
        assert status == 200 and counts["received"] == 0 and enqueue.events == []

    def test_other_buckets_are_ignored(self, serve: Serve, enqueue: RecordingEnqueue) -> None:
        """Objects outside the inbox (the outputs, say) never come back as inputs."""
        server = serve("docpipe-inbox")
        sample = seaweed_sample("S3 PutObject docs/inbox/report.pdf")
        status, counts = request(server, "POST", "/seaweedfs", sample["body"])
        assert status == 200 and counts["ignored"] == 1 and enqueue.events == []

    def test_trailing_slash_and_query_are_tolerated(self, server: WebServer, enqueue: RecordingEnqueue) -> None:
        """/seaweedfs/?x=1 and /hooks/seaweedfs route like /seaweedfs."""
        sample = seaweed_sample("S3 PutObject docs/inbox/report.pdf")
        assert request(server, "POST", "/seaweedfs/?x=1", sample["body"])[0] == 200
        assert request(server, "POST", "/hooks/seaweedfs", sample["body"])[0] == 200
        assert len(enqueue.events) == 2
