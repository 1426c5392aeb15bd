"""``FilerSubscriber`` against a real SeaweedFS: live events, exact resume from a checkpoint,
at-least-once on handler failure, noise filtering, reconnect after a filer restart."""

from __future__ import annotations

import io
import queue
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from schemas.events import ObjectEvent
from workers.backoff import Backoff
from workers.catalog.catalog import Catalog
from workers.intake.filer_subscriber import (
    CatalogCheckpointStore,
    CheckpointStore,
    FilerSubscriber,
    MemoryCheckpointStore,
)
from workers.storage.s3 import S3ObjectStore
from workers.storage.seaweed import SeaweedServer

pytestmark = pytest.mark.integration

#: Seconds within which a live event must arrive (measured p50 is under a millisecond).
EVENT_TIMEOUT = 5.0


class Collector:
    """Runs ``subscriber.run`` in a thread, collecting events (or failing on chosen keys)."""

    def __init__(self, subscriber: FilerSubscriber, fail_on: str | None = None) -> None:
        self.subscriber = subscriber
        self.fail_on = fail_on
        self.events: queue.Queue[ObjectEvent] = queue.Queue()
        self.stop = threading.Event()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _handle(self, event: ObjectEvent) -> None:
        if event.key == self.fail_on:
            raise RuntimeError(f"handler failed on {event.key}")
        self.events.put(event)

    def _run(self) -> None:
        try:
            self.subscriber.run(self._handle, self.stop)
        except BaseException as exc:
            self.error = exc

    def start(self, checkpoint: CheckpointStore) -> Collector:
        self.thread.start()
        deadline = time.monotonic() + EVENT_TIMEOUT
        while checkpoint.load() is None:  # the initial position is saved before subscribing
            assert time.monotonic() < deadline, "subscriber did not start"
            time.sleep(0.01)
        return self

    def take(self, count: int, timeout: float = EVENT_TIMEOUT) -> list[ObjectEvent]:
        deadline = time.monotonic() + timeout
        taken: list[ObjectEvent] = []
        while len(taken) < count:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self.error is not None:
                break
            try:
                taken.append(self.events.get(timeout=min(remaining, 0.1)))
            except queue.Empty:
                continue
        assert len(taken) == count, f"got {len(taken)} of {count} events: {taken}; error={self.error!r}"
        return taken

    def assert_quiet(self, seconds: float = 1.0) -> None:
        """No further events arrive within ``seconds``."""
        time.sleep(seconds)
        extra = [self.events.get_nowait() for _ in range(self.events.qsize())]
        assert extra == []

    def close(self, timeout: float = 5.0) -> None:
        self.stop.set()
        self.thread.join(timeout)
        assert not self.thread.is_alive(), "subscriber did not stop"


@pytest.fixture
def make_collector(seaweed: SeaweedServer, bucket: str) -> Iterator[Callable[..., Collector]]:
    """Start subscribers on this test's bucket; all are stopped at teardown."""
    started: list[Collector] = []

    def make(checkpoint: CheckpointStore, *, fail_on: str | None = None, addr: str | None = None) -> Collector:
        subscriber = FilerSubscriber(
            addr or seaweed.filer_grpc,
            path_prefix=f"/buckets/{bucket}/",
            client_name=f"test-{bucket}",
            checkpoint=checkpoint,
            backoff=Backoff(first=0.1, cap=0.5),
        )
        collector = Collector(subscriber, fail_on=fail_on).start(checkpoint)
        started.append(collector)
        return collector

    yield make
    for collector in started:
        collector.close()


def put(store: S3ObjectStore, bucket: str, key: str, data: bytes) -> str:
    return store.put_bytes(bucket, key, data, content_type="text/plain; charset=utf-8")


class TestFilerSubscriber:
    def test_live_events_carry_bucket_key_size_and_etag(
        self, s3_store: S3ObjectStore, bucket: str, make_collector: Callable[..., Collector]
    ) -> None:
        """Objects written over S3 arrive over gRPC within seconds, with the S3 ETag, in order."""
        checkpoint = MemoryCheckpointStore()
        collector = make_collector(checkpoint)
        written = {
            key: (len(data), put(s3_store, bucket, key, data))
            for key, data in [
                ("inbox/决议 1.txt", "第一条".encode()),
                ("inbox/a+b c.txt", b"plus and space"),
                ("top.txt", b"x"),
            ]
        }
        events = collector.take(3)
        assert [e.key for e in events] == list(written)
        for event in events:
            assert event.bucket == bucket and event.source == "seaweedfs-grpc"
            assert (event.size, event.etag) == written[event.key]
            assert event.event_time is not None
        collector.assert_quiet(0.5)

    def test_restart_replays_exactly_the_missed_events(
        self,
        s3_store: S3ObjectStore,
        bucket: str,
        catalog_url: str,
        make_collector: Callable[..., Collector],
    ) -> None:
        """A new subscriber on the same (catalog) checkpoint gets what was written while none ran, once."""
        catalog = Catalog.connect(catalog_url, pool_size=1)
        name = f"test:{uuid.uuid4().hex[:8]}"
        checkpoint = CatalogCheckpointStore(catalog, name)
        first = make_collector(checkpoint)
        put(s3_store, bucket, "a/1.txt", b"a1")
        put(s3_store, bucket, "a/2.txt", b"a2")
        assert [e.key for e in first.take(2)] == ["a/1.txt", "a/2.txt"]
        first.close()
        saved = checkpoint.load()
        assert saved is not None and Catalog.connect(catalog_url, pool_size=1).load_checkpoint(name) == saved

        missed = ["b/1.txt", "b/决议 2.txt", "b/3.txt"]
        for key in missed:
            put(s3_store, bucket, key, key.encode())

        second = make_collector(CatalogCheckpointStore(catalog, name))
        assert [e.key for e in second.take(3)] == missed
        second.assert_quiet(1.0)
        put(s3_store, bucket, "c/live.txt", b"c")
        assert [e.key for e in second.take(1)] == ["c/live.txt"]
        latest = checkpoint.load()
        assert latest is not None and latest > saved

    def test_event_whose_handler_failed_is_delivered_again(
        self, s3_store: S3ObjectStore, bucket: str, make_collector: Callable[..., Collector]
    ) -> None:
        """At least once: the position is saved only after the handler returns."""
        checkpoint = MemoryCheckpointStore()
        failing = make_collector(checkpoint, fail_on="2.txt")
        for key in ["1.txt", "2.txt", "3.txt"]:
            put(s3_store, bucket, key, key.encode())
        assert [e.key for e in failing.take(1)] == ["1.txt"]
        failing.thread.join(EVENT_TIMEOUT)
        assert isinstance(failing.error, RuntimeError)

        retry = make_collector(checkpoint)
        assert [e.key for e in retry.take(2)] == ["2.txt", "3.txt"]
        retry.assert_quiet(0.5)

    def test_directories_and_multipart_parts_are_filtered(
        self, s3_store: S3ObjectStore, bucket: str, make_collector: Callable[..., Collector]
    ) -> None:
        """Folders (implicit or marker objects) and ``.uploads`` parts give no events; a multipart
        upload gives one event for the final key, with its ``-<parts>`` ETag."""
        checkpoint = MemoryCheckpointStore()
        collector = make_collector(checkpoint)
        s3_store.client.put_object(bucket, "folder/", io.BytesIO(b""), 0)
        size = 6 * 1024 * 1024
        result = s3_store.client.put_object(
            bucket, "deep/er/big.bin", io.BytesIO(b"\x01" * size), size, part_size=5 * 1024 * 1024
        )
        put(s3_store, bucket, "deep/er/small.txt", b"s")
        events = collector.take(2, timeout=15)
        assert [(e.key, e.size) for e in events] == [("deep/er/big.bin", size), ("deep/er/small.txt", 1)]
        assert events[0].etag == result.etag and (result.etag or "").endswith("-2")
        collector.assert_quiet(0.5)
        assert checkpoint.saves >= 2

    def test_stop_returns_promptly_when_idle(self, bucket: str, make_collector: Callable[..., Collector]) -> None:
        """Setting ``stop`` cancels the blocked stream: ``run`` returns at once."""
        collector = make_collector(MemoryCheckpointStore())
        time.sleep(0.3)
        started = time.monotonic()
        collector.close()
        assert time.monotonic() - started < 1.0
        assert collector.error is None

    def test_unreachable_filer_is_retried_not_raised(
        self, bucket: str, make_collector: Callable[..., Collector]
    ) -> None:
        """UNAVAILABLE means reconnect with backoff; the subscriber keeps running until stopped."""
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        collector = make_collector(MemoryCheckpointStore(), addr=f"127.0.0.1:{port}")
        time.sleep(1.0)
        assert collector.thread.is_alive() and collector.error is None
        collector.close()


def test_reconnects_after_filer_restart(tmp_path: Path) -> None:
    """Events written while the filer was down, and after it came back, arrive on the same subscriber."""
    server = SeaweedServer.on_free_ports(tmp_path / "weed")
    server.start()
    try:
        store = S3ObjectStore(server.s3_endpoint, "k", "s")
        store.ensure_bucket("restart")
        checkpoint = MemoryCheckpointStore()
        subscriber = FilerSubscriber(
            server.filer_grpc,
            "/buckets/restart/",
            "test-restart",
            checkpoint=checkpoint,
            backoff=Backoff(first=0.1, cap=0.5),
        )
        collector = Collector(subscriber).start(checkpoint)
        try:
            put(store, "restart", "before.txt", b"1")
            assert [e.key for e in collector.take(1)] == ["before.txt"]
            server.stop()
            server.start()
            put(store, "restart", "after.txt", b"2")
            assert [e.key for e in collector.take(1, timeout=15)] == ["after.txt"]
            assert collector.error is None
        finally:
            collector.close()
    finally:
        server.stop()
