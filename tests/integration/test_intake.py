"""The intake on real components: SeaweedFS (fixture), Redis on 127.0.0.1:6379, a real Celery worker.

- the reconciler enqueues exactly the uploads the catalog does not know (new keys, new versions);
- an event that never arrives: the reconciler alone gets the object processed end to end;
- the filer subscriber and the drop folder each get an object processed end to end.

Own Redis databases as brokers (not the shared test DB 15): 11 for the worker-less queue checks,
12 for the end-to-end module worker, both flushed before and after; the session's catalog database.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from pydantic import SecretStr

from tests.integration.conftest import S3_ACCESS_KEY, S3_SECRET_KEY, flushed, unique_bucket_name
from workers.broker.app import PROCESS_QUEUE, create_app
from workers.catalog.catalog import Catalog, ObjectRef
from workers.devstack.processes import ManagedProcess, celery_command, wait_until
from workers.devstack.stack import PROJECT_ROOT, settings_env
from workers.intake.enqueue import Enqueuer
from workers.intake.reconciler import reconcile_once
from workers.intake.service import IntakeService
from workers.settings import CatalogSettings, IntakeSettings, Settings, StorageSettings, WebSettings
from workers.storage.s3 import S3ObjectStore
from workers.storage.seaweed import SeaweedServer

pytestmark = pytest.mark.integration

SEED = (PROJECT_ROOT / "seeds" / "003_5b8e28b97d1114ab.txt").read_bytes()
#: Seconds within which an uploaded seed must be published (it takes well under one).
PUBLISH_TIMEOUT = 30.0


def unique_seed() -> bytes:
    """A seed-sized document with content of its own (a distinct document id)."""
    return SEED + f"\n\n<!-- test {uuid.uuid4().hex} -->\n".encode()


def make_settings(
    seaweed: SeaweedServer, redis_url: str, catalog_url: str, inbox: str, tmp: Path, **intake: object
) -> Settings:
    storage = StorageSettings(
        endpoint=seaweed.s3_endpoint,
        access_key=S3_ACCESS_KEY,
        secret_key=S3_SECRET_KEY,
        inbox_bucket=inbox,
        processed_bucket=f"{inbox}-out",
        failed_bucket=f"{inbox}-failed",
    )
    options = {
        "filer_grpc": seaweed.filer_grpc,
        "reconcile_interval": 0.5,
        "drop_dir": tmp / "drop",
        "drop_stable_seconds": 0.3,
        **intake,
    }
    return Settings(
        broker_url=SecretStr(redis_url),
        data_dir=tmp,
        storage=storage,
        intake=IntakeSettings(**options),
        catalog=CatalogSettings(url=SecretStr(catalog_url)),
        web=WebSettings(webhook_token=SecretStr("t0k")),
    )


class TestReconcilerCatalog:
    """Without a worker: what the reconciler puts on the queue, checked in Redis."""

    @pytest.fixture(name="queue_redis")
    def _queue_redis(self, redis_server: str) -> Iterator[redis.Redis]:
        yield from flushed(f"{redis_server}/11", decode_responses=True)

    def test_enqueues_exactly_unprocessed(
        self,
        seaweed: SeaweedServer,
        store: S3ObjectStore,
        bucket: str,
        queue_redis: redis.Redis,
        tmp_path: Path,
        catalog_url: str,
        redis_server: str,
    ) -> None:
        """New keys and new versions are enqueued once; known uploads and system keys never."""
        settings = make_settings(seaweed, f"{redis_server}/11", catalog_url, bucket, tmp_path)
        catalog = Catalog.connect(catalog_url, pool_size=1)
        send = Enqueuer(create_app(settings, worker=False), catalog)
        for key in ["a.txt", "大会/b.txt", "c/.DS_Store", "d.txt.part", "~$e.docx"]:
            store.put_bytes(bucket, key, unique_seed())

        first = reconcile_once(store, bucket, send)
        assert (first.listed, first.enqueued, first.skipped, first.ignored) == (5, 2, 0, 3)
        second = reconcile_once(store, bucket, send)
        assert (second.enqueued, second.skipped) == (0, 2)  # in flight: not again

        store.put_bytes(bucket, "a.txt", unique_seed())  # a new version of a key
        store.put_bytes(bucket, "f.txt", unique_seed())  # a new key
        third = reconcile_once(store, bucket, send)
        assert (third.enqueued, third.skipped) == (2, 1)
        assert queue_redis.llen(PROCESS_QUEUE) == 4

        etag = store.stat(bucket, "f.txt").etag
        assert catalog.upload(ObjectRef(bucket, "f.txt", str(etag)))["source"] == "reconciler"


@pytest.fixture(scope="module", name="e2e_redis")
def _e2e_redis(redis_server: str) -> Iterator[redis.Redis]:
    yield from flushed(f"{redis_server}/12", decode_responses=True)


@pytest.fixture(scope="module", name="worker_settings")
def _worker_settings(
    seaweed: SeaweedServer,
    tmp_path_factory: pytest.TempPathFactory,
    e2e_redis: redis.Redis,
    catalog_url: str,
    redis_server: str,
) -> Iterator[Settings]:
    tmp = tmp_path_factory.mktemp("worker")
    settings = make_settings(seaweed, f"{redis_server}/12", catalog_url, unique_bucket_name("w"), tmp)
    yield settings
    store = S3ObjectStore.from_settings(settings.storage)
    for name in (settings.storage.processed_bucket, settings.storage.failed_bucket):
        with contextlib.suppress(Exception):  # never created when no test got that far
            store.remove_bucket(name)


@pytest.fixture(scope="module", name="worker")
def _worker(worker_settings: Settings) -> Iterator[ManagedProcess]:
    """A real ``celery -A workers worker`` on both queues, for the whole module."""
    name = f"intake-test-{uuid.uuid4().hex[:8]}@localhost"
    env = settings_env(worker_settings) | {"PYTHONPATH": str(PROJECT_ROOT)}
    queues = ",".join(q.name for q in create_app(worker_settings).conf.task_queues)
    command = celery_command(
        "worker",
        "-c",
        "1",
        "-n",
        name,
        "-Q",
        queues,
        "--loglevel=INFO",
        "--without-mingle",
        "--without-gossip",
    )
    process = ManagedProcess("worker", command, Path(worker_settings.data_dir) / "worker.log", env)
    process.start(cwd=PROJECT_ROOT)
    app = create_app(worker_settings)
    try:
        wait_until(lambda: bool(app.control.ping(destination=[name], timeout=0.5)), 60, "worker", process)
        yield process
    finally:
        process.stop(grace=10)


def wait_published(settings: Settings, bucket: str, key: str, etag: str) -> dict[str, object]:
    catalog = Catalog.connect(settings.catalog_url, pool_size=1)
    deadline = time.monotonic() + PUBLISH_TIMEOUT
    record: dict[str, object] = {}
    while time.monotonic() < deadline:
        record = catalog.upload(ObjectRef(bucket, key, etag))
        if record.get("state") in {"published", "failed", "duplicate"}:
            break
        time.sleep(0.1)
    assert record.get("state") == "published", record
    return record


class TestEndToEnd:
    """A real worker behind each intake path; outputs checked in the processed bucket."""

    @pytest.fixture(name="bucket")
    def _inbox(self, worker_settings: Settings, store: S3ObjectStore) -> str:
        """The worker's inbox: it processes no other bucket."""
        store.ensure_bucket(worker_settings.storage.inbox_bucket)
        return worker_settings.storage.inbox_bucket

    def run_intake(self, worker_settings: Settings, bucket: str, tmp_path: Path, **parts: bool) -> IntakeService:
        flags = {"web": False, "filer": False, "reconciler": False, "dropfolder": False} | parts
        settings = worker_settings.model_copy(
            update={
                "storage": worker_settings.storage.model_copy(update={"inbox_bucket": bucket}),
                "intake": worker_settings.intake.model_copy(update={"drop_dir": tmp_path / "drop"}),
            }
        )
        service = IntakeService(settings, **flags)
        service.start()
        return service

    def check_output(self, store: S3ObjectStore, settings: Settings, record: dict[str, object], data: bytes) -> None:
        doc_id = hashlib.sha256(data).hexdigest()
        assert record["doc_id"] == doc_id
        assert store.exists(settings.storage.processed_bucket, f"{doc_id}/document.json")

    def test_event_that_never_arrives(
        self, worker: ManagedProcess, worker_settings: Settings, store: S3ObjectStore, bucket: str, tmp_path: Path
    ) -> None:
        """An object put with no event and no nudge is found by the reconciler and published."""
        data = unique_seed()
        etag = store.put_bytes(bucket, "lost-event.txt", data)
        service = self.run_intake(worker_settings, bucket, tmp_path, reconciler=True)
        try:
            record = wait_published(worker_settings, bucket, "lost-event.txt", etag)
            assert record["source"] == "reconciler"
            self.check_output(store, worker_settings, record, data)
            assert service.reconciler is not None
            again = reconcile_once(store, bucket, service.enqueue)
            assert (again.enqueued, again.skipped) == (0, 1)  # completed: never enqueued again
        finally:
            service.stop()

    def test_filer_subscriber_path(
        self, worker: ManagedProcess, worker_settings: Settings, store: S3ObjectStore, bucket: str, tmp_path: Path
    ) -> None:
        """With only the gRPC subscriber running, an S3 PUT is published (and was hinted by it)."""
        service = self.run_intake(worker_settings, bucket, tmp_path, filer=True)
        try:
            data = unique_seed()
            etag = store.put_bytes(bucket, "决议/经由订阅.txt", data)
            record = wait_published(worker_settings, bucket, "决议/经由订阅.txt", etag)
            assert record["source"] == "seaweedfs-grpc"
            self.check_output(store, worker_settings, record, data)
        finally:
            service.stop()

    def test_drop_folder_path(
        self, worker: ManagedProcess, worker_settings: Settings, store: S3ObjectStore, bucket: str, tmp_path: Path
    ) -> None:
        """A file written into the drop folder is uploaded once settled, moved to .done, published."""
        service = self.run_intake(worker_settings, bucket, tmp_path, dropfolder=True)
        try:
            data = unique_seed()
            drop = tmp_path / "drop"
            drop.mkdir(exist_ok=True)
            (drop / "放入.txt.part").write_bytes(data)
            (drop / "放入.txt.part").rename(drop / "放入.txt")  # how browsers finish a download
            wait_until(lambda: store.exists(bucket, "放入.txt"), 15, "drop-folder upload")
            record = wait_published(worker_settings, bucket, "放入.txt", str(store.stat(bucket, "放入.txt").etag))
            assert record["source"] == "dropfolder"
            self.check_output(store, worker_settings, record, data)
            wait_until(lambda: not (drop / "放入.txt").exists(), 5, "move to .done")
            assert [p.name.split("-", 1)[1] for p in (drop / ".done").iterdir()] == ["放入.txt"]
        finally:
            service.stop()
