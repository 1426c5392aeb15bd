"""The task body (``workers.processing.job.handle``) with Deps built from fakes: an in-memory store,
a recording publisher, the real core, and the real catalog (the session's PostgreSQL database;
an inbox bucket of its own per test keeps the rows apart)."""

from __future__ import annotations

import contextlib
import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from pipeline.version import PIPELINE_VERSION
from schemas.events import CloudEvent, ObjectEvent
from schemas.options import Limits
from tests.conftest import catalog_rows
from tests.fakes import InMemoryObjectStore
from workers.catalog.catalog import Catalog, ObjectRef
from workers.errors import CatalogError, PublishError, StorageError
from workers.processing.deps import Deps
from workers.processing.job import DeadLetter, handle
from workers.processing.task import retry_backoff
from workers.settings import Settings, StorageSettings, WorkerSettings

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


class RecordingPublisher:
    """A ``Publisher`` that keeps what it was given; ``fail`` makes it raise ``PublishError``."""

    def __init__(self) -> None:
        self.events: list[tuple[str, CloudEvent]] = []
        self.fail = False

    def publish(self, event: CloudEvent, routing_key: str) -> None:
        if self.fail:
            raise PublishError("broker down")
        self.events.append((routing_key, event))

    def close(self) -> None:
        pass

    def keys(self) -> list[str]:
        return [key for key, _ in self.events]


@pytest.fixture
def deps(catalog_url: str) -> Iterator[Deps]:
    with task_deps(catalog_url) as made:
        yield made


@contextlib.contextmanager
def task_deps(catalog_url: str) -> Iterator[Deps]:
    """The task's dependencies: buckets of their own in memory, the real catalog, a recording publisher."""
    tag = uuid.uuid4().hex[:10]
    settings = Settings(
        storage=StorageSettings(inbox_bucket=f"in-{tag}", processed_bucket=f"out-{tag}", failed_bucket=f"bad-{tag}"),
        worker=WorkerSettings(max_retries=2),
    )
    store = InMemoryObjectStore()
    store.ensure_bucket(settings.storage.inbox_bucket)
    catalog = Catalog.connect(catalog_url, pool_size=1)
    yield Deps(settings=settings, store=store, catalog=catalog, publisher=RecordingPublisher())
    catalog.close()


def upload(deps: Deps, key: str, data: bytes) -> dict[str, Any]:
    bucket = deps.settings.storage.inbox_bucket
    etag = deps.store.put_bytes(bucket, key, data)
    return ObjectEvent(bucket=bucket, key=key, etag=etag, size=len(data), source="upload").model_dump(mode="json")


def seed(n: int = 3) -> bytes:
    """A seed with a closing line of its own: a document no other test of the session has."""
    return sorted(SEEDS.glob("*.txt"))[n].read_bytes() + f"\n\n（测试 {uuid.uuid4().hex[:12]}）\n".encode()


def publisher(deps: Deps) -> RecordingPublisher:
    assert isinstance(deps.publisher, RecordingPublisher)
    return deps.publisher


def ref(payload: dict[str, Any]) -> ObjectRef:
    return ObjectRef(payload["bucket"], payload["key"], payload["etag"])


class TestProcessed:
    def test_writes_outputs_and_publishes_summary(self, deps: Deps, catalog_url: str) -> None:
        """A good document gives one output, one processed event with the summary, and its catalog
        record: document meta, output location, citations, the attempt's stage timings."""
        data = seed()
        doc_id = hashlib.sha256(data).hexdigest()
        payload = upload(deps, "a/res.txt", data)
        assert handle(deps, payload, task_id="t1") == "published"
        out = deps.settings.storage.processed_bucket
        document = json.loads(deps.store.get_bytes(out, f"{doc_id}/document.json"))
        assert document["doc_id"] == doc_id and document["segments"]
        assert [o.key for o in deps.store.list_objects(out)] == [f"{doc_id}/document.json"]
        assert deps.store.stat(out, f"{doc_id}/document.json").metadata == {
            "doc-id": doc_id,
            "pipeline-version": PIPELINE_VERSION,
        }
        [(key, event)] = publisher(deps).events
        assert key == "document.processed" and event.type == "org.docpipe.document.processed"
        assert event.subject == "a/res.txt" and event.data["output"]["output_key"] == f"{doc_id}/document.json"
        record = deps.catalog.document(doc_id)
        assert record is not None and record["state"] == "published"
        assert record["symbol"] == document["meta"]["symbol"] and record["title"] == document["meta"]["title"]
        assert record["segments"] == len(document["segments"])
        assert [(o["bucket"], o["key"]) for o in record["outputs"]] == [(out, f"{doc_id}/document.json")]
        cited = {e["value"] for e in document["entities"] if e["type"] == "resolution" and e["value"]}
        assert cited and cited <= {c["cited_symbol"] for c in record["citations"]}
        [row] = record["uploads"]
        assert row["state"] == "published" and row["event_id"] == event.id and row["ref"] == ref(payload).ref
        stages = [row["timings"][f"{s}_ms"] for s in ("read", "cleaned", "segmented", "extracted")]
        assert all(ms >= 0 for ms in stages) and sum(stages) <= row["timings"]["process_ms"]
        [attempt] = catalog_rows(catalog_url, "SELECT * FROM attempts WHERE upload_id = %s", (row["upload_id"],))
        assert attempt["task_id"] == "t1" and attempt["outcome"] == "processed" and attempt["finished_at"]

    def test_redelivery_publishes_nothing_twice(self, deps: Deps) -> None:
        """The same message handled again (redelivered, or sent again by anyone) is skipped."""
        payload = upload(deps, "a/res.txt", seed())
        assert handle(deps, payload, task_id="t1") == "published"
        assert handle(deps, payload, task_id="t1") == "skipped"
        assert handle(deps, payload, task_id="t2") == "skipped"
        assert publisher(deps).keys() == ["document.processed"]

    def test_same_bytes_other_key_is_a_duplicate(self, deps: Deps) -> None:
        """The same content under another key gives no second output, a duplicate record and event."""
        data = seed()
        first = upload(deps, "a/one.txt", data)
        handle(deps, first, task_id="t1")
        puts = [c for c in deps.store.calls if c[0] == "put_bytes"]
        second = upload(deps, "b/two.txt", data)
        assert handle(deps, second, task_id="t2") == "duplicate"
        assert [c for c in deps.store.calls if c[0] == "put_bytes"][len(puts) :] == [
            ("put_bytes", deps.settings.storage.inbox_bucket, "b/two.txt")
        ]
        assert publisher(deps).keys() == ["document.processed", "document.duplicate"]
        record = deps.catalog.upload(ref(second))
        assert record["state"] == "duplicate" and record["duplicate_of"] == ref(first).ref
        assert publisher(deps).events[1][1].data["duplicate_of"] == ref(first).ref

    def test_overwritten_key_is_a_new_version(self, deps: Deps) -> None:
        """New content under the same key is processed as a new document."""
        handle(deps, upload(deps, "a/res.txt", seed(3)), task_id="t1")
        assert handle(deps, upload(deps, "a/res.txt", seed(2)), task_id="t2") == "published"
        assert publisher(deps).keys() == ["document.processed", "document.processed"]

    def test_event_for_an_overwritten_version_is_superseded(self, deps: Deps) -> None:
        """An event naming a version overwritten before the task read it does nothing."""
        old = upload(deps, "a/res.txt", seed(3))
        new = upload(deps, "a/res.txt", seed(2))
        assert handle(deps, old, task_id="t1") == "superseded"
        assert handle(deps, new, task_id="t2") == "published"
        assert publisher(deps).keys() == ["document.processed"]
        assert deps.catalog.upload(ref(old))["state"] == "superseded"

    def test_etag_that_is_not_an_md5_is_trusted(self, deps: Deps) -> None:
        """Encrypted MinIO objects have 32-hex ETags that are no MD5: the store confirms the version."""

        class EncryptingStore(InMemoryObjectStore):
            def stat(self, bucket: str, key: str) -> Any:
                info = super().stat(bucket, key)
                return replace(info, etag="f" * 32) if bucket == deps.settings.storage.inbox_bucket else info

        store = EncryptingStore()
        store.ensure_bucket(deps.settings.storage.inbox_bucket)
        deps.store = store
        payload = {**upload(deps, "a/res.txt", seed()), "etag": "f" * 32}
        assert handle(deps, payload, task_id="t1") == "published"


class TestFailures:
    def test_bad_file_is_recorded_and_announced(self, deps: Deps) -> None:
        """Binary bytes: a failure row and record with code and reason, a failed event, the original untouched."""
        data = b"\x00\x01\x02binary\xff" * 10 + uuid.uuid4().bytes
        payload = upload(deps, "bad.bin", data)
        assert handle(deps, payload, task_id="t1") == "failed"
        doc_id = hashlib.sha256(data).hexdigest()
        record = json.loads(deps.store.get_bytes(deps.settings.storage.failed_bucket, f"{doc_id}.json"))
        assert record["code"] == "unsupported" and record["reason"] and record["source"]["key"] == "bad.bin"
        [(key, event)] = publisher(deps).events
        assert key == "document.failed" and event.data["code"] == "unsupported"
        assert deps.store.get_bytes(deps.settings.storage.inbox_bucket, "bad.bin") == data
        row = deps.catalog.upload(ref(payload))
        assert row["state"] == "failed" and row["code"] == "unsupported" and row["reason"] == record["reason"]
        assert handle(deps, payload, task_id="t1") == "skipped"

    def test_one_failure_record_per_upload_never_overwritten(self, deps: Deps, catalog_url: str) -> None:
        """Two uploads of the same bad content keep a failure row each; a later failure of the same
        upload does not replace the first reason."""
        data = b"\x00\x01bad\xff" * 20 + uuid.uuid4().bytes
        one, two = upload(deps, "one.bin", data), upload(deps, "two.bin", data)
        assert handle(deps, one, task_id="t1") == handle(deps, two, task_id="t2") == "failed"
        upload_one = deps.catalog.upload(ref(one))["upload_id"]
        first = deps.catalog.failed(
            upload_one,
            None,
            code="internal",
            reason="later",
            dead_letter=False,
            task_id="t9",
            pipeline_version=PIPELINE_VERSION,
            record_bucket="b",
            record_key="k",
            record={},
            event={"id": str(uuid.uuid4())},
            routing_key="document.failed",
            written=True,
        )
        assert first is False
        rows = catalog_rows(
            catalog_url,
            "SELECT f.code, f.reason FROM failures f JOIN uploads u USING (upload_id) "
            "WHERE u.bucket = %s ORDER BY u.key",
            (deps.settings.storage.inbox_bucket,),
        )
        assert [r["code"] for r in rows] == ["unsupported", "unsupported"] and "later" not in str(rows)

    def test_too_large_input_is_refused_before_reading_it(self, deps: Deps) -> None:
        """An object over limits.max_input_bytes fails too_large, naming the limit."""
        deps.settings = deps.settings.model_copy(update={"limits": Limits(max_input_bytes=1000)})
        assert handle(deps, upload(deps, "big.txt", seed()), task_id="t1") == "failed"
        [(_, event)] = publisher(deps).events
        assert event.data["code"] == "too_large" and "max_input_bytes=1000" in event.data["reason"]

    def test_missing_object_fails_permanently(self, deps: Deps) -> None:
        """An event for an object that is gone is a failure with code not_found, keyed by the key hash."""
        event = ObjectEvent(bucket=deps.settings.storage.inbox_bucket, key="gone.txt", etag="abc", source="cli")
        assert handle(deps, event.model_dump(mode="json"), task_id="t1") == "failed"
        [(_, failed)] = publisher(deps).events
        assert failed.data["code"] == "not_found" and failed.data["record"]["key"].startswith("key-")

    @pytest.mark.parametrize(
        "payload", [{"bucket": "x"}, [1, 2], "text", None, {"bucket": 1, "key": [], "source": "?"}]
    )
    def test_unreadable_payload_is_dead_lettered(self, deps: Deps, payload: Any) -> None:
        """A payload that is not an object event is refused, nothing recorded or announced."""
        with pytest.raises(DeadLetter):
            handle(deps, payload, task_id="t1")
        assert publisher(deps).events == []

    def test_foreign_bucket_is_refused(self, deps: Deps) -> None:
        """Whoever sends it, a task naming another bucket than the inbox reads nothing."""
        other = deps.settings.storage.processed_bucket
        deps.store.ensure_bucket(other)
        deps.store.put_bytes(other, "secret.txt", seed())
        calls = len(deps.store.calls)
        event = ObjectEvent(bucket=other, key="secret.txt", source="cli").model_dump(mode="json")
        with pytest.raises(DeadLetter, match="not the inbox"):
            handle(deps, event, task_id="t1")
        assert deps.store.calls[calls:] == [] and publisher(deps).events == []

    def test_storage_outage_is_retried_then_dead_lettered(self, deps: Deps) -> None:
        """StorageError propagates while retries remain, then becomes a dead-lettered failure whose
        record waits in the catalog for the store (the reconciler writes it)."""
        payload = upload(deps, "a/res.txt", seed())
        assert isinstance(deps.store, InMemoryObjectStore)
        deps.store.unavailable = True
        with pytest.raises(StorageError):
            handle(deps, payload, task_id="t1", retries=0)
        assert handle(deps, payload, task_id="t1", retries=2) == "failed"
        [(_, event)] = publisher(deps).events
        assert event.data["code"] == "storage" and event.data["dead_letter"] is True
        [pending] = [r for r in deps.catalog.unwritten_failures(1000) if r["record"]["source"]["key"] == "a/res.txt"]
        assert pending["record"]["code"] == "storage"

    def test_catalog_outage_is_retried(self, deps: Deps) -> None:
        """A catalog that does not answer raises CatalogError (transient) from the first step."""
        deps.catalog = Catalog.connect("postgresql://postgres@127.0.0.1:1/none", connect_timeout=1)
        with pytest.raises(CatalogError):
            handle(deps, upload(deps, "a/res.txt", seed()), task_id="t1", retries=99)

    def test_publish_failure_resends_the_stored_event(self, deps: Deps) -> None:
        """Broker down after the outputs are written: the retry sends the same event, outputs untouched."""
        payload = upload(deps, "a/res.txt", seed())
        publisher(deps).fail = True
        with pytest.raises(PublishError):
            handle(deps, payload, task_id="t1")
        puts = len([c for c in deps.store.calls if c[0] == "put_bytes"])
        publisher(deps).fail = False
        assert handle(deps, payload, task_id="t1", retries=1) == "skipped"
        assert publisher(deps).keys() == ["document.processed"]
        assert len([c for c in deps.store.calls if c[0] == "put_bytes"]) == puts
        assert deps.catalog.upload(ref(payload))["state"] == "published"

    def test_bug_is_recorded_not_raised(self, deps: Deps) -> None:
        """An unexpected exception becomes a failed record with its type and message."""

        def broken(data: bytes, name: str, **_: Any) -> Any:
            raise KeyError("oops")

        deps.process = broken
        assert handle(deps, upload(deps, "a/res.txt", seed()), task_id="t1") == "failed"
        assert publisher(deps).events[0][1].data["reason"] == "KeyError: 'oops'"

    def test_in_flight_claim_is_respected(self, deps: Deps) -> None:
        """A second task finds the claim of the first and steps aside; the same task id re-takes it."""
        payload = upload(deps, "a/res.txt", seed())
        assert deps.catalog.begin(ref(payload), "other-task").status == "started"
        assert handle(deps, payload, task_id="t1") == "in_flight"
        assert handle(deps, payload, task_id="other-task") == "published"

    def test_redelivery_after_a_dead_worker_does_not_rewrite_the_output(self, deps: Deps, catalog_url: str) -> None:
        """A worker killed between the output's PUT and its record: the redelivered task finds the
        output in the store and does not write it again; the dead attempt is closed as interrupted."""
        data = seed()
        doc_id = hashlib.sha256(data).hexdigest()
        payload = upload(deps, "a/res.txt", data)
        first = deps.catalog.begin(ref(payload), "t1")  # the attempt of the worker that died
        out = deps.settings.storage.processed_bucket
        deps.store.ensure_bucket(out)
        meta = {"doc-id": doc_id, "pipeline-version": PIPELINE_VERSION}
        deps.store.put_bytes(out, f"{doc_id}/document.json", b"{}", "application/json", meta)
        puts = len([c for c in deps.store.calls if c[:2] == ("put_bytes", out)])
        assert handle(deps, payload, task_id="t1") == "published"
        assert len([c for c in deps.store.calls if c[:2] == ("put_bytes", out)]) == puts
        attempts = catalog_rows(
            catalog_url, "SELECT number, outcome FROM attempts WHERE upload_id = %s ORDER BY number", (first.upload_id,)
        )
        assert [(a["number"], a["outcome"]) for a in attempts] == [(1, "interrupted"), (2, "processed")]

    def test_every_outcome_drops_its_claim(self, deps: Deps) -> None:
        """Published, duplicate and failed uploads hold no claim afterwards."""
        data = seed()
        first = upload(deps, "a/one.txt", data)
        handle(deps, first, task_id="t1")
        dup, bad = upload(deps, "b/two.txt", data), upload(deps, "c/bad.txt", b"")
        assert handle(deps, dup, task_id="t2") == "duplicate"
        assert handle(deps, bad, task_id="t3") == "failed"
        for payload in (first, dup, bad):
            assert deps.catalog.upload(ref(payload))["task_id"] is None


class TestEnqueueRules:
    def test_reserve_once_then_known(self, deps: Deps) -> None:
        """The first hint reserves the upload, the next ones find it known."""
        obj = ObjectRef(deps.settings.storage.inbox_bucket, "k.txt", "e1")
        assert deps.catalog.reserve(obj, "upload") is None
        assert deps.catalog.reserve(obj, "reconciler") == "queued"

    def test_stale_queued_upload_is_reserved_again(self, deps: Deps, catalog_url: str) -> None:
        """A queued upload whose message was lost (a broker restart) is enqueued again once stale."""
        obj = ObjectRef(deps.settings.storage.inbox_bucket, "k.txt", "e1")
        deps.catalog.reserve(obj, "upload")
        catalog = Catalog.connect(catalog_url, stale_seconds=0.0)
        try:
            assert catalog.reserve(obj, "reconciler") is None
        finally:
            catalog.close()

    def test_processed_upload_whose_event_was_lost_is_finished(self, deps: Deps, catalog_url: str) -> None:
        """A processed upload whose message was lost before its event went out (a broker restarted
        without persistence) is enqueued again once stale, and its task only sends the stored event."""
        payload = upload(deps, "a/res.txt", seed())
        publisher(deps).fail = True
        with pytest.raises(PublishError):
            handle(deps, payload, task_id="t1")
        publisher(deps).fail = False
        assert deps.catalog.upload(ref(payload))["state"] == "processed"
        assert deps.catalog.reserve(ref(payload), "reconciler") == "processed"  # not stale yet
        stale = Catalog.connect(catalog_url, stale_seconds=0.0)
        try:
            assert stale.reserve(ref(payload), "reconciler") is None
        finally:
            stale.close()
        puts = len([c for c in deps.store.calls if c[0] == "put_bytes"])
        assert handle(deps, payload, task_id="t2") == "skipped"
        assert publisher(deps).keys() == ["document.processed"]
        assert deps.catalog.upload(ref(payload))["state"] == "published"
        assert len([c for c in deps.store.calls if c[0] == "put_bytes"]) == puts


class TestBackoff:
    def test_grows_and_is_capped_below_visibility_on_redis(self) -> None:
        """Exponential with jitter, never longer than half the visibility timeout on Redis."""
        worker = WorkerSettings(visibility_timeout=10, task_time_limit=5, retry_backoff_max=300)
        backoff = retry_backoff(worker, redis=True)
        assert 0.5 <= backoff.delay(0) <= 1
        assert 2 <= backoff.delay(2) <= 4
        assert backoff.delay(20) <= 5
        assert retry_backoff(worker, redis=False).delay(20) > 5

    def test_default_retries_outlast_a_minute(self) -> None:
        """The default retries span more than a 60 s outage, even with the shortest jitter."""
        settings = Settings()
        backoff = retry_backoff(settings.worker, redis=True)
        assert backoff.total(settings.worker.max_retries) * (1 - backoff.jitter) > 60


class TestStatus:
    def test_table_and_document_report(self, deps: Deps) -> None:
        """The status command's table lists the upload; the report joins document and uploads."""
        from workers.cli.status import format_table

        data = seed()
        handle(deps, upload(deps, "a/res.txt", data), task_id="t1")
        handle(deps, upload(deps, "b/dup.txt", data), task_id="t2")
        rows = [r for r in deps.catalog.recent(50) if r["bucket"] == deps.settings.storage.inbox_bucket]
        table = format_table(rows)
        assert "duplicate" in table and "published" in table and "a/res.txt" in table
        doc_id = hashlib.sha256(data).hexdigest()
        report = deps.catalog.document(doc_id[:10])
        assert report is not None and report["state"] == "published"
        assert sorted(u["state"] for u in report["uploads"]) == ["duplicate", "published"]

    def test_a_key_with_a_newline_stays_on_its_line(self) -> None:
        """Control characters in a key are shown escaped in the table."""
        from workers.cli.status import format_table

        table = format_table([{"ref": "in/a\nFAKE LINE@e", "state": "failed", "timings": {}}])
        assert len(table.splitlines()) == 2 and "a\\nFAKE" in table
