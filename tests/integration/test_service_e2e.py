"""End to end on real components: SeaweedFS (fixture), the session's catalog database, real
``celery -A workers worker`` processes, and each broker: the session's own Valkey and RabbitMQ (a vhost of this
session's own, made with ``rabbitmqctl`` and deleted afterwards).

Each test uploads through the S3 API, enqueues, and waits for the outcome event on a queue bound to
the ``docpipe.events`` exchange (CloudEvents in structured mode, read with the official SDK's
AMQP binding on RabbitMQ).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import signal
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import redis
from kombu import Connection, Exchange, Queue
from kombu.simple import SimpleQueue
from pydantic import SecretStr

from schemas.events import ObjectEvent
from tests.integration.conftest import unique_bucket_name
from workers.broker.app import create_app
from workers.broker.topology import is_amqp
from workers.catalog.catalog import Catalog, ObjectRef
from workers.devstack.processes import celery_command
from workers.errors import ObjectNotFoundError
from workers.events.cloudevent import CONTENT_TYPE, register_serializer
from workers.intake.enqueue import Enqueuer
from workers.names import PROCESS_QUEUE, PROCESS_TASK
from workers.settings import CatalogSettings, Settings, StorageSettings, WorkerSettings
from workers.storage.s3 import S3ObjectStore
from workers.storage.seaweed import SeaweedServer

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
#: Short on purpose: a killed worker's task must come back within the test (Redis).
VISIBILITY_TIMEOUT, TASK_TIME_LIMIT = 8, 6

register_serializer()


def seed_bytes(n: int = 3) -> bytes:
    """A seed made unique (one more closing line), so the catalog has never seen it."""
    data = sorted((ROOT / "seeds").glob("*.txt"))[n].read_bytes()
    return data + f"\n\n（测试 {uuid.uuid4().hex[:12]}）\n".encode()


def rabbitmqctl(*args: str) -> None:
    subprocess.run(["rabbitmqctl", "-q", *args], check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def amqp_url() -> Iterator[str]:
    """A RabbitMQ vhost of this session's own on the machine's broker (guest/guest)."""
    vhost = f"docpipe-test-{uuid.uuid4().hex[:8]}"
    rabbitmqctl("add_vhost", vhost)
    try:
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        yield f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    finally:
        rabbitmqctl("delete_vhost", vhost)


class Service:
    """Buckets, settings, the store and a way to start real workers for them."""

    def __init__(self, seaweed: SeaweedServer, tmp: Path, broker: str, catalog_url: str) -> None:
        self.tmp = tmp
        self.settings = Settings(
            broker_url=SecretStr(broker),
            catalog=CatalogSettings(url=SecretStr(catalog_url)),
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
                delivery_limit=3,
            ),
        )
        self.store = S3ObjectStore(seaweed.s3_endpoint, "docpipe", "docpipe-secret")
        self.store.ensure_bucket(self.settings.storage.inbox_bucket)
        self.app = create_app(self.settings, worker=False)
        self.catalog = Catalog.connect(catalog_url, pool_size=1)
        self.enqueue = Enqueuer(self.app, self.catalog)
        self.workers: list[subprocess.Popen[bytes]] = []

    @property
    def amqp(self) -> bool:
        return is_amqp(self.settings.broker)

    def env(self, **extra: str) -> dict[str, str]:
        s = self.settings.storage
        return {
            **{k: v for k, v in os.environ.items() if not k.startswith("DOCPIPE_")},
            "DOCPIPE_BROKER_URL": self.settings.broker,
            "DOCPIPE_CATALOG__URL": self.settings.catalog_url,
            "DOCPIPE_STORAGE__ENDPOINT": s.endpoint,
            "DOCPIPE_STORAGE__INBOX_BUCKET": s.inbox_bucket,
            "DOCPIPE_STORAGE__PROCESSED_BUCKET": s.processed_bucket,
            "DOCPIPE_STORAGE__FAILED_BUCKET": s.failed_bucket,
            "DOCPIPE_WORKER__VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT),
            "DOCPIPE_WORKER__TASK_TIME_LIMIT": str(TASK_TIME_LIMIT),
            "DOCPIPE_WORKER__MAX_RETRIES": "2",
            "DOCPIPE_WORKER__RETRY_BACKOFF_MAX": "2",
            "DOCPIPE_WORKER__DELIVERY_LIMIT": "3",
            "DOCPIPE_LOG__FORMAT": "json",
            **extra,
        }

    def start_worker(self, name: str, **env: str) -> subprocess.Popen[bytes]:
        """``celery -A workers worker`` in its own process group (so SIGKILL takes the pool too)."""
        log = (self.tmp / f"worker-{name}.log").open("wb")
        worker = subprocess.Popen(
            celery_command(
                "worker",
                "-c",
                "1",
                "-n",
                f"{name}@%h",
                "-Q",
                PROCESS_QUEUE,
                "--without-gossip",
                "--without-mingle",
                "-l",
                "info",
            ),
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

    def send_raw(self, body: bytes, *, content_type: str = "application/json", headers: Any = None) -> None:
        """A message on the task queue as anyone with broker access could send it."""
        with Connection(self.settings.broker) as conn:
            producer = conn.Producer()
            queue = self.app.amqp.queues[PROCESS_QUEUE]
            producer.publish(
                body,
                exchange=queue.exchange,
                routing_key=PROCESS_QUEUE,
                content_type=content_type,
                content_encoding="utf-8",
                headers=headers or {},
                declare=[queue],
            )

    def dead_letters(self, timeout: float = 20) -> list[Any]:
        """Messages in ``docpipe.dead`` (drained), undecoded: whatever they contain."""
        from workers.broker.topology import dead_letter_queue

        found: list[Any] = []
        with Connection(self.settings.broker) as conn:
            queue = dead_letter_queue(self.amqp)(conn.default_channel)
            queue.declare()
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                message = queue.get(no_ack=True, accept=[])
                if message is None:
                    if found:
                        break
                    time.sleep(0.2)
                    continue
                found.append(message)
        return found

    def logs(self) -> str:
        return "\n".join(f"--- {p.name}\n{p.read_text(errors='replace')[-4000:]}" for p in self.tmp.glob("*.log"))


@pytest.fixture(params=["redis", "rabbitmq"])
def service(
    request: pytest.FixtureRequest, seaweed: SeaweedServer, tmp_path: Path, catalog_url: str
) -> Iterator[Service]:
    redis_url = f"{request.getfixturevalue('redis_server')}/14"
    broker = redis_url if request.param == "redis" else request.getfixturevalue("amqp_url")
    client = redis.Redis.from_url(redis_url)
    client.flushdb()
    svc = Service(seaweed, tmp_path, broker, catalog_url)
    if svc.amqp:  # a clean task queue for each test
        with Connection(broker) as conn, contextlib.suppress(Exception):
            svc.app.amqp.queues[PROCESS_QUEUE](conn.default_channel).purge()
    try:
        yield svc
    finally:
        svc.stop_workers()
        svc.catalog.close()
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
def events(service: Service) -> Iterator[SimpleQueue]:
    """A queue bound to every outcome (bound before anything is published)."""
    with Connection(service.settings.broker) as conn:
        exchange = Exchange("docpipe.events", type="topic", durable=True)
        queue = conn.SimpleQueue(
            Queue(f"test.events.{uuid.uuid4().hex[:8]}", exchange, routing_key="document.#", auto_delete=service.amqp)
        )
        yield queue
        queue.close()  # RabbitMQ: auto-deleted with its consumer
        if not service.amqp:
            queue.queue(conn.default_channel).delete()


def next_event(queue: SimpleQueue, service: Service, timeout: float = 40) -> tuple[str, dict[str, Any], Any]:
    try:
        message = queue.get(timeout=timeout)
    except queue.Empty:
        pytest.fail(f"no event within {timeout} s\n{service.logs()}")
    message.ack()
    return message.delivery_info["routing_key"], json.loads(message.body), message


def wait_for_state(service: Service, read: Any, state: str, timeout: float = 20) -> dict[str, Any]:
    """The record once it reaches ``state`` (the event goes out just before the catalog says so)."""
    deadline = time.monotonic() + timeout
    record: dict[str, Any] | None = None
    while time.monotonic() < deadline:
        record = read()
        if record and record.get("state") == state:
            return record
        time.sleep(0.05)
    pytest.fail(f"still {record} after {timeout} s\n{service.logs()}")


def test_document_is_processed_and_announced(service: Service, events: SimpleQueue) -> None:
    """Upload + enqueue -> output and a document.processed CloudEvent in structured mode, which
    the official SDK's AMQP binding reads; the catalog has the document."""
    from cloudevents.core.bindings import amqp

    service.start_worker("w1")
    data = seed_bytes()
    doc_id = hashlib.sha256(data).hexdigest()
    event = service.upload("决议/A_RES_78_1.txt", data)
    assert service.enqueue(event) is not None
    assert service.enqueue(event) is None  # known and in flight: not sent twice
    key, body, message = next_event(events, service)
    assert key == "document.processed" and message.content_type == CONTENT_TYPE
    parsed = amqp.from_amqp_event(
        amqp.AMQPMessage(
            properties={"content-type": message.content_type}, application_properties={}, application_data=message.body
        )
    )
    assert parsed.get_type() == "org.docpipe.document.processed" and parsed.get_id() == body["id"]
    assert parsed.get_subject() == "决议/A_RES_78_1.txt" and parsed.get_data()["doc_id"] == doc_id
    out = service.settings.storage.processed_bucket
    document = json.loads(service.store.get_bytes(out, f"{doc_id}/document.json"))
    assert body["data"]["counts"]["segments"] == len(document["segments"])
    record = wait_for_state(service, lambda: service.catalog.document(doc_id), "published")
    assert record["title"] == document["meta"]["title"]


def test_same_bytes_twice_give_one_output(service: Service, events: SimpleQueue) -> None:
    """The same content under another key: one output, a duplicate record and event."""
    service.start_worker("w1")
    data = seed_bytes(2)
    first, second = service.upload("a/one.txt", data), service.upload("b/two.txt", data)
    service.enqueue(first)
    assert next_event(events, service)[0] == "document.processed"
    service.enqueue(second)
    assert next_event(events, service)[0] == "document.duplicate"
    out = service.settings.storage.processed_bucket
    assert len(list(service.store.list_objects(out))) == 1
    assert service.catalog.upload(ObjectRef(second.bucket, second.key, second.etag or ""))["state"] == "duplicate"


def test_bad_file_fails_with_reason_and_original_untouched(service: Service, events: SimpleQueue) -> None:
    """Binary bytes -> document.failed with code and reason, a failed record, the original as it was,
    and the failure kept in the docpipe.failed queue."""
    service.start_worker("w1")
    data = bytes(range(256)) * 4 + uuid.uuid4().bytes
    event = service.upload("bad/image.bin", data)
    service.enqueue(event)
    key, body, _ = next_event(events, service)
    assert key == "document.failed" and body["data"]["code"] == "unsupported" and body["data"]["reason"]
    record = json.loads(service.store.get_bytes(service.settings.storage.failed_bucket, body["data"]["record"]["key"]))
    assert record["code"] == "unsupported" and record["source"]["key"] == "bad/image.bin"
    assert service.store.get_bytes(service.settings.storage.inbox_bucket, "bad/image.bin") == data
    with Connection(service.settings.broker) as conn:
        from workers.events.publisher import KombuPublisher

        failed = conn.SimpleQueue(KombuPublisher(service.settings.broker, "docpipe.events").failed_queue)
        ids = []
        with contextlib.suppress(failed.Empty):
            while True:
                message = failed.get(timeout=3)
                ids.append(json.loads(message.body)["id"])
                message.ack()
        failed.close()
    assert body["id"] in ids


@pytest.mark.parametrize(
    ("body", "content_type", "headers"),
    [
        (b'{"bucket": "x", "key": "y"}', "application/json", {"task": PROCESS_TASK, "id": "poison-1"}),
        (b"\x80\x04not json", "application/x-python-serialize", {"task": PROCESS_TASK, "id": "poison-2"}),
        (b"[[], {}, {}]", "application/json", {"id": "poison-3"}),
        (b'[[{"bucket": 1}], {}, {}]', "application/json", {"task": PROCESS_TASK, "id": "poison-4"}),
    ],
)
def test_poison_message_is_dead_lettered_and_the_worker_goes_on(
    service: Service, events: SimpleQueue, body: bytes, content_type: str, headers: dict[str, str]
) -> None:
    """An unreadable message (wrong shape, foreign content type, no task header, a payload that is
    no object event) goes to docpipe.dead; the same worker then processes a real document."""
    worker = service.start_worker("w1")
    service.send_raw(body, content_type=content_type, headers=headers)
    dead = service.dead_letters()
    assert len(dead) == 1
    raw = dead[0].body if isinstance(dead[0].body, bytes) else dead[0].body.encode()
    assert raw == body or json.loads(raw).get("id") == headers["id"]
    assert worker.poll() is None, service.logs()
    event = service.upload("after/poison.txt", seed_bytes(0))
    service.enqueue(event)
    assert next_event(events, service)[0] == "document.processed"
    assert worker.poll() is None
    log = (service.tmp / "worker-w1.log").read_text(errors="replace")
    assert '"message dead-lettered"' in log or '"task refused"' in log


def test_task_for_another_bucket_is_refused(service: Service, events: SimpleQueue) -> None:
    """A task naming the processed bucket (as an open Flower would have let anyone send) reads
    nothing and writes nothing: it is dead-lettered."""
    service.start_worker("w1")
    out = service.settings.storage.processed_bucket
    service.store.ensure_bucket(out)
    service.store.put_bytes(out, "secret.txt", seed_bytes(1))
    payload = ObjectEvent(bucket=out, key="secret.txt", source="cli").model_dump(mode="json")
    service.app.send_task(PROCESS_TASK, args=[payload], queue=PROCESS_QUEUE)
    assert len(service.dead_letters()) == 1
    assert [o.key for o in service.store.list_objects(out)] == ["secret.txt"]
    with pytest.raises(events.Empty):
        events.get(timeout=2)


def test_worker_killed_mid_task_document_still_completes(service: Service, events: SimpleQueue) -> None:
    """SIGKILL to a worker (and its pool) mid-task; a new worker finishes the document with one
    output and one processed event (RabbitMQ: at once; Redis: after the visibility timeout)."""
    slow = service.start_worker("slow", DOCPIPE_TEST_PROCESS_DELAY="4")
    event = service.upload("slow/doc.txt", seed_bytes(1))
    service.enqueue(event)
    obj = ObjectRef(event.bucket, event.key, event.etag or "")
    deadline = time.monotonic() + 30
    while service.catalog.upload(obj).get("state") != "processing":
        assert time.monotonic() < deadline, service.logs()
        time.sleep(0.1)
    os.killpg(slow.pid, signal.SIGKILL)
    slow.wait(10)
    service.start_worker("rescuer")
    key, body, _ = next_event(events, service, timeout=VISIBILITY_TIMEOUT + 40)
    assert key == "document.processed" and body["subject"] == "slow/doc.txt"
    record = wait_for_state(service, lambda: service.catalog.upload(obj), "published")
    assert record["attempts"] == 2
    with pytest.raises(events.Empty):
        events.get(timeout=2)


def test_rabbitmq_delivery_limit_dead_letters(
    amqp_url: str, seaweed: SeaweedServer, tmp_path: Path, catalog_url: str
) -> None:
    """On the quorum queue, a message returned more than worker.delivery_limit times is
    dead-lettered to docpipe.dead (what happens to a message that keeps killing its worker)."""
    svc = Service(seaweed, tmp_path, amqp_url, catalog_url)
    try:
        body = json.dumps([[{"bucket": "b", "key": "k", "source": "cli"}], {}, {}]).encode()
        svc.send_raw(body, headers={"task": PROCESS_TASK, "id": "limit-1"})
        with Connection(amqp_url) as conn:
            queue = conn.SimpleQueue(svc.app.amqp.queues[PROCESS_QUEUE])
            returned = 0
            with contextlib.suppress(queue.Empty):
                while returned < 10:
                    message = queue.get(timeout=3)
                    message.requeue()
                    returned += 1
            queue.close()
        assert returned == svc.settings.worker.delivery_limit + 1
        [dead] = svc.dead_letters()
        raw = dead.body if isinstance(dead.body, bytes) else dead.body.encode()
        assert raw == body and dead.headers.get("x-death")
    finally:
        svc.catalog.close()
