"""End to end on real components: SeaweedFS (fixture), Redis db 14 (broker, ledger, events),
RabbitMQ at 127.0.0.1:5672 for the AMQP path, and real ``celery -A workers worker`` processes.

Each test uploads through the S3 API, calls ``enqueue`` and waits for the outcome event on a queue
bound to the ``docpipe.events`` exchange.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from kombu import Connection, Exchange, Queue
from kombu.simple import SimpleQueue

from schemas.events import ObjectEvent
from tests.integration.conftest import unique_bucket_name
from workers.celery_app import create_app
from workers.errors import ObjectNotFoundError
from workers.ledger import Ledger, ObjectRef
from workers.seaweed import SeaweedServer
from workers.settings import Settings, StorageSettings, WorkerSettings
from workers.storage import S3ObjectStore
from workers.tasks import enqueue

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/14"
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672//"
#: Short on purpose: a killed worker's task must come back within the test.
VISIBILITY_TIMEOUT, TASK_TIME_LIMIT = 8, 6


def seed_bytes(n: int = 3) -> bytes:
    """A seed made unique (one more closing line), so the ledger has never seen it."""
    data = sorted((ROOT / "seeds").glob("*.txt"))[n].read_bytes()
    return data + f"\n\n（测试 {uuid.uuid4().hex[:12]}）\n".encode()


class Service:
    """Buckets, settings, the store and a way to start real workers for them."""

    def __init__(self, seaweed: SeaweedServer, tmp: Path) -> None:
        self.tmp = tmp
        self.settings = Settings(
            redis_url=REDIS_URL,
            storage=StorageSettings(
                endpoint=seaweed.s3_endpoint,
                inbox_bucket=unique_bucket_name("in"),
                processed_bucket=unique_bucket_name("out"),
                failed_bucket=unique_bucket_name("failed"),
            ),
            worker=WorkerSettings(
                visibility_timeout=VISIBILITY_TIMEOUT,
                task_time_limit=TASK_TIME_LIMIT,
                max_retries=2,
                retry_backoff_max=2,
            ),
        )
        self.store = S3ObjectStore(seaweed.s3_endpoint, "docpipe", "docpipe-secret")
        self.store.ensure_bucket(self.settings.storage.inbox_bucket)
        self.app = create_app(self.settings)
        self.ledger = Ledger(redis.Redis.from_url(REDIS_URL, decode_responses=True))
        self.workers: list[subprocess.Popen[bytes]] = []

    def env(self, **extra: str) -> dict[str, str]:
        s = self.settings.storage
        return {
            **os.environ,
            "DOCPIPE_REDIS_URL": REDIS_URL,
            "DOCPIPE_STORAGE__ENDPOINT": s.endpoint,
            "DOCPIPE_STORAGE__INBOX_BUCKET": s.inbox_bucket,
            "DOCPIPE_STORAGE__PROCESSED_BUCKET": s.processed_bucket,
            "DOCPIPE_STORAGE__FAILED_BUCKET": s.failed_bucket,
            "DOCPIPE_WORKER__VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "DOCPIPE_WORKER__TASK_TIME_LIMIT": str(TASK_TIME_LIMIT),
            "DOCPIPE_WORKER__MAX_RETRIES": "2",
            "DOCPIPE_WORKER__RETRY_BACKOFF_MAX": "2",
            **extra,
        }

    def start_worker(self, name: str, **env: str) -> subprocess.Popen[bytes]:
        """``celery -A workers worker`` in its own process group (so SIGKILL takes the pool too)."""
        log = (self.tmp / f"worker-{name}.log").open("wb")
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "workers",
                "worker",
                "-c",
                "1",
                "-n",
                f"{name}@%h",
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ],
            cwd=ROOT,
            env=self.env(**env),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.workers.append(worker)
        return worker

    def stop_workers(self) -> None:
        for worker in self.workers:
            if worker.poll() is None:
                os.killpg(worker.pid, signal.SIGTERM)
        for worker in self.workers:
            try:
                worker.wait(20)
            except subprocess.TimeoutExpired:
                os.killpg(worker.pid, signal.SIGKILL)
                worker.wait(5)
        self.workers.clear()

    def upload(self, key: str, data: bytes) -> ObjectEvent:
        etag = self.store.put_bytes(self.settings.storage.inbox_bucket, key, data)
        return ObjectEvent(
            bucket=self.settings.storage.inbox_bucket, key=key, etag=etag, size=len(data), source="upload"
        )

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-3000:]}" for p in self.tmp.glob("*.log"))


@pytest.fixture
def service(seaweed: SeaweedServer, tmp_path: Path) -> Iterator[Service]:
    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    svc = Service(seaweed, tmp_path)
    try:
        yield svc
    finally:
        svc.stop_workers()
        client.flushdb()
        client.close()
        for name in (
            svc.settings.storage.inbox_bucket,
            svc.settings.storage.processed_bucket,
            svc.settings.storage.failed_bucket,
        ):
            with contextlib.suppress(ObjectNotFoundError):
                svc.store.remove_bucket(name)


@pytest.fixture
def events() -> Iterator[SimpleQueue]:
    """A queue bound to every outcome on the Redis transport (bound before anything is published)."""
    with Connection(REDIS_URL) as conn:
        exchange = Exchange("docpipe.events", type="topic", durable=True)
        queue = conn.SimpleQueue(Queue(f"test.events.{uuid.uuid4().hex[:8]}", exchange, routing_key="document.#"))
        yield queue
        queue.queue.delete()
        queue.close()


def next_event(queue: SimpleQueue, service: Service, timeout: float = 40) -> tuple[str, dict[str, Any]]:
    try:
        message = queue.get(timeout=timeout)
    except queue.Empty:
        pytest.fail(f"no event within {timeout} s\n{service.logs()}")
    message.ack()
    return message.delivery_info["routing_key"], message.payload


def test_document_is_processed_and_announced(service: Service, events: SimpleQueue) -> None:
    """Upload + enqueue -> outputs in the processed bucket and a document.processed CloudEvent."""
    service.start_worker("w1")
    data = seed_bytes()
    doc_id = hashlib.sha256(data).hexdigest()
    event = service.upload("决议/A_RES_78_1.txt", data)
    assert enqueue(event, service.app) is not None
    assert enqueue(event, service.app) is None  # known and in flight: not sent twice
    key, body = next_event(events, service)
    assert key == "document.processed"
    assert body["specversion"] == "1.0" and body["type"] == "org.docpipe.document.processed"
    assert body["subject"] == "决议/A_RES_78_1.txt" and body["source"] == f"/docpipe/{event.bucket}"
    out = service.settings.storage.processed_bucket
    assert body["data"]["doc_id"] == doc_id and body["data"]["output"]["output_bucket"] == out
    document = json.loads(service.store.get_bytes(out, f"{doc_id}/document.json"))
    assert document["doc_id"] == doc_id
    assert body["data"]["counts"] == {
        "segments": len(document["segments"]),
        "entities": len(document["entities"]),
        "warnings": len(document["warnings"]),
    }
    assert body["data"]["meta"] == document["meta"]
    assert [o.key for o in service.store.list_objects(out, f"{doc_id}/")] == [f"{doc_id}/document.json"]
    assert service.ledger.document(doc_id)["state"] == "published"


def test_same_bytes_twice_give_one_output(service: Service, events: SimpleQueue) -> None:
    """The same content under another key: one output, a duplicate record and event."""
    service.start_worker("w1")
    data = seed_bytes(2)
    doc_id = hashlib.sha256(data).hexdigest()
    first, second = service.upload("a/one.txt", data), service.upload("b/two.txt", data)
    enqueue(first, service.app)
    assert next_event(events, service)[0] == "document.processed"
    enqueue(second, service.app)
    key, body = next_event(events, service)
    assert key == "document.duplicate" and body["data"]["doc_id"] == doc_id
    out = service.settings.storage.processed_bucket
    assert sorted(o.key for o in service.store.list_objects(out)) == [f"{doc_id}/document.json"]
    record = service.ledger.object_record(ObjectRef(second.bucket, second.key, second.etag or ""))
    assert record["state"] == "duplicate" and record["duplicate_of"] == f"{first.bucket}/a/one.txt@{first.etag}"
    assert enqueue(second, service.app) is None


def test_bad_file_fails_with_reason_and_original_untouched(service: Service, events: SimpleQueue) -> None:
    """Binary bytes -> document.failed with code and reason, a failed record, the original as it was."""
    service.start_worker("w1")
    data = bytes(range(256)) * 4
    event = service.upload("bad/image.bin", data)
    enqueue(event, service.app)
    key, body = next_event(events, service)
    assert key == "document.failed"
    assert body["data"]["code"] == "unsupported" and body["data"]["reason"]
    failed = service.settings.storage.failed_bucket
    record = json.loads(service.store.get_bytes(failed, body["data"]["record"]["key"]))
    assert record["code"] == "unsupported" and record["source"]["key"] == "bad/image.bin"
    inbox = service.settings.storage.inbox_bucket
    assert service.store.get_bytes(inbox, "bad/image.bin") == data
    assert service.store.stat(inbox, "bad/image.bin").etag == event.etag
    with Connection(REDIS_URL) as conn:  # the failure queue keeps it for people and tools
        dead = conn.SimpleQueue("docpipe.failed")
        assert dead.get(timeout=5).payload["id"] == body["id"]
        dead.close()


def test_worker_killed_mid_task_document_still_completes(service: Service, events: SimpleQueue) -> None:
    """SIGKILL to a worker (and its pool) mid-task; a new worker finishes the document after the
    visibility timeout, with one output and one processed event."""
    slow = service.start_worker("slow", DOCPIPE_TEST_PROCESS_DELAY="4")
    data = seed_bytes(1)
    event = service.upload("slow/doc.txt", data)
    enqueue(event, service.app)
    obj = ObjectRef(event.bucket, event.key, event.etag or "")
    deadline = time.monotonic() + 30
    while service.ledger.object_record(obj).get("state") != "processing":
        assert time.monotonic() < deadline, service.logs()
        time.sleep(0.1)
    os.killpg(slow.pid, signal.SIGKILL)
    slow.wait(10)
    killed_at = time.monotonic()
    service.start_worker("rescuer")
    key, body = next_event(events, service, timeout=VISIBILITY_TIMEOUT + 30)
    assert key == "document.processed" and body["subject"] == "slow/doc.txt"
    assert time.monotonic() - killed_at >= VISIBILITY_TIMEOUT - 2  # it came back through the timeout
    record = service.ledger.object_record(obj)
    assert record["state"] == "published" and int(record["attempts"]) == 2
    with pytest.raises(events.Empty):
        events.get(timeout=2)


def test_events_on_rabbitmq(service: Service) -> None:
    """With DOCPIPE_PUBLISH__URL=amqp://... the event arrives on a RabbitMQ queue bound to the exchange."""
    with Connection(AMQP_URL) as conn:
        exchange = Exchange("docpipe.events", type="topic", durable=True)
        queue = conn.SimpleQueue(
            Queue(f"test.events.{uuid.uuid4().hex[:8]}", exchange, routing_key="document.processed", auto_delete=True)
        )
        service.start_worker("amqp", DOCPIPE_PUBLISH__URL=AMQP_URL)
        event = service.upload("amqp/doc.txt", seed_bytes(0))
        enqueue(event, service.app)
        try:
            message = queue.get(timeout=40)
        except queue.Empty:
            pytest.fail(f"no event on RabbitMQ\n{service.logs()}")
        message.ack()
        assert message.payload["type"] == "org.docpipe.document.processed"
        assert message.payload["subject"] == "amqp/doc.txt"
        queue.close()  # auto_delete: gone with its consumer
