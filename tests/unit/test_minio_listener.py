"""The MinIO notification-stream listener: records become events, drops reconnect, 501 stops it."""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Iterator
from typing import Any

import urllib3
from minio.error import S3Error

from schemas.events import ObjectEvent
from tests.conftest import ROOT
from workers.backoff import Backoff
from workers.intake.minio_listener import MinioListener

RECORD = json.loads((ROOT / "tests" / "fixtures" / "events" / "minio-put-event.json").read_text("utf-8"))


class _FakeClient:
    """Serves scripted streams: a list of records, or an exception, per connection."""

    def __init__(self, *connections: list[dict[str, Any]] | Exception) -> None:
        self.connections = list(connections)
        self.calls: list[dict[str, Any]] = []

    @contextlib.contextmanager
    def listen_bucket_notification(
        self, bucket_name: str, prefix: str = "", suffix: str = "", events: tuple[str, ...] = ()
    ) -> Iterator[list[dict[str, Any]]]:
        self.calls.append({"bucket": bucket_name, "prefix": prefix, "events": events})
        step = self.connections.pop(0) if self.connections else _not_implemented()
        if isinstance(step, Exception):
            raise step
        yield step


def _not_implemented() -> S3Error:
    """What SeaweedFS (and AWS) answer: 501 NotImplemented."""
    response = urllib3.HTTPResponse(body=b"", status=501)
    return S3Error(response, "NotImplemented", "not implemented", None, None, None)


def _run(client: _FakeClient, bucket: str) -> tuple[list[ObjectEvent], MinioListener]:
    seen: list[ObjectEvent] = []
    listener = MinioListener(client, bucket, seen.append, backoff=Backoff(first=0.01, cap=0.02))
    thread = threading.Thread(target=listener.run, args=(threading.Event(),), daemon=True)
    thread.start()
    thread.join(timeout=5)
    assert not thread.is_alive(), "the listener stops when the server says NotImplemented"
    return seen, listener


def test_records_become_object_events_and_drops_reconnect() -> None:
    """A record yields its ObjectEvent; a dropped connection is retried; only created events are asked for."""
    bucket = RECORD["Records"][0]["s3"]["bucket"]["name"]
    client = _FakeClient([RECORD], ConnectionResetError("peer reset"), [RECORD])
    seen, listener = _run(client, bucket)
    assert len(seen) == 2
    assert seen[0].source == "minio" and seen[0].bucket == bucket
    assert seen[0].key == RECORD["Records"][0]["s3"]["object"]["key"].replace("%E5%86%B3%E8%AE%AE+1", "决议 1")
    assert all(call["events"] == ("s3:ObjectCreated:*",) for call in client.calls)
    assert len(client.calls) == 4  # record stream, reset, record stream, NotImplemented
    assert listener.supported is False


def test_other_buckets_and_system_files_are_ignored() -> None:
    """Events of another bucket, or of a .DS_Store, are not handed on."""
    other = json.loads(json.dumps(RECORD))
    other["Records"][0]["s3"]["object"]["key"] = "inbox/.DS_Store"
    seen, _ = _run(_FakeClient([other]), RECORD["Records"][0]["s3"]["bucket"]["name"])
    assert seen == []
    seen, _ = _run(_FakeClient([RECORD]), "another-bucket")
    assert seen == []
