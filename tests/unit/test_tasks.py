"""The task body (``workers.tasks.handle``) with Deps built from fakes: an in-memory store, a
recording publisher, the real core, and the real ledger on Redis (db 14, a key prefix per test)."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from redis import Redis

from pipeline.version import PIPELINE_VERSION
from schemas.events import CloudEvent, ObjectEvent
from tests.fakes import InMemoryObjectStore
from workers.deps import Deps
from workers.errors import PublishError, StorageError
from workers.ledger import Ledger, ObjectRef
from workers.settings import Settings, WorkerSettings
from workers.tasks import backoff, handle

SEEDS = Path(__file__).resolve().parents[2] / "seeds"
REDIS_URL = "redis://127.0.0.1:6379/14"


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
def deps() -> Iterator[Deps]:
    client = Redis.from_url(REDIS_URL, decode_responses=True)
    prefix = f"test-{uuid.uuid4().hex[:8]}:"
    settings = Settings(worker=WorkerSettings(max_retries=2))
    store = InMemoryObjectStore()
    store.ensure_bucket(settings.storage.inbox_bucket)
    yield Deps(
        settings=settings,
        store=store,
        redis=client,
        ledger=Ledger(client, prefix=prefix),
        publisher=RecordingPublisher(),
    )
    keys = list(client.scan_iter(f"{prefix}*"))
    if keys:
        client.delete(*keys)
    client.close()


def upload(deps: Deps, key: str, data: bytes) -> dict[str, Any]:
    bucket = deps.settings.storage.inbox_bucket
    etag = deps.store.put_bytes(bucket, key, data)
    return ObjectEvent(bucket=bucket, key=key, etag=etag, size=len(data), source="upload").model_dump(mode="json")


def seed(n: int = 3) -> bytes:
    return sorted(SEEDS.glob("*.txt"))[n].read_bytes()


def publisher(deps: Deps) -> RecordingPublisher:
    assert isinstance(deps.publisher, RecordingPublisher)
    return deps.publisher


class TestProcessed:
    def test_writes_outputs_and_publishes_summary(self, deps: Deps) -> None:
        """A good document gives one output, document.json (with its provenance), and one processed event
        with the summary; the run's own record (source upload, timings) is in the ledger."""
        data = seed()
        doc_id = hashlib.sha256(data).hexdigest()
        assert handle(deps, upload(deps, "a/res.txt", data), task_id="t1") == "published"
        out = deps.settings.storage.processed_bucket
        document = json.loads(deps.store.get_bytes(out, f"{doc_id}/document.json"))
        assert document["doc_id"] == doc_id and document["segments"]
        assert document["provenance"]["sha256"] == doc_id and document["provenance"]["size"] == len(data)
        assert [o.key for o in deps.store.list_objects(out)] == [f"{doc_id}/document.json"]
        assert deps.store.stat(out, f"{doc_id}/document.json").metadata == {
            "doc-id": doc_id,
            "pipeline-version": PIPELINE_VERSION,
        }
        [(key, event)] = publisher(deps).events
        assert key == "document.processed" and event.type == "org.docpipe.document.processed"
        assert event.subject == "a/res.txt" and event.source == f"/docpipe/{deps.settings.storage.inbox_bucket}"
        assert event.data["counts"]["segments"] == len(document["segments"])
        assert event.data["output"]["output_key"] == f"{doc_id}/document.json"
        record = deps.ledger.document(doc_id)
        assert record["state"] == "published" and record["event_id"] == event.id
        assert record["key"] == "a/res.txt" and record["output_key"] == f"{doc_id}/document.json"
        assert "provenance_key" not in event.data["output"]
        assert float(record["process_ms"]) > 0
        stages = [float(record[f"{stage}_ms"]) for stage in ("read", "cleaned", "segmented", "extracted")]
        assert all(ms >= 0 for ms in stages) and sum(stages) <= float(record["process_ms"])

    def test_redelivery_publishes_nothing_twice(self, deps: Deps) -> None:
        """The same message handled again (redelivered) is skipped: no second event."""
        payload = upload(deps, "a/res.txt", seed())
        assert handle(deps, payload, task_id="t1") == "published"
        assert handle(deps, payload, task_id="t1") == "skipped"
        assert handle(deps, payload, task_id="t2") == "skipped"
        assert publisher(deps).keys() == ["document.processed"]

    def test_same_bytes_other_key_is_a_duplicate(self, deps: Deps) -> None:
        """The same content under another key gives no second output, a duplicate record and event."""
        data = seed()
        doc_id = hashlib.sha256(data).hexdigest()
        handle(deps, upload(deps, "a/one.txt", data), task_id="t1")
        puts = [c for c in deps.store.calls if c[0] == "put_bytes"]
        assert handle(deps, upload(deps, "b/two.txt", data), task_id="t2") == "duplicate"
        assert [c for c in deps.store.calls if c[0] == "put_bytes"][len(puts) :] == [
            ("put_bytes", deps.settings.storage.inbox_bucket, "b/two.txt")
        ]
        assert publisher(deps).keys() == ["document.processed", "document.duplicate"]
        bucket = deps.settings.storage.inbox_bucket
        etag = deps.store.stat(bucket, "b/two.txt").etag or ""
        record = deps.ledger.object_record(ObjectRef(bucket, "b/two.txt", etag))
        assert record["state"] == "duplicate" and record["duplicate_of"].startswith(f"{bucket}/a/one.txt@")
        assert deps.ledger.document(doc_id)["duplicates"] == "1"

    def test_overwritten_key_is_a_new_version(self, deps: Deps) -> None:
        """New content under the same key is processed as a new document."""
        handle(deps, upload(deps, "a/res.txt", seed(3)), task_id="t1")
        assert handle(deps, upload(deps, "a/res.txt", seed(2)), task_id="t2") == "published"
        assert publisher(deps).keys() == ["document.processed", "document.processed"]

    def test_event_for_an_overwritten_version_is_superseded(self, deps: Deps) -> None:
        """An event naming a version that was overwritten before the task read it does nothing;
        the new version's own event processes the new content."""
        old = upload(deps, "a/res.txt", seed(3))
        new = upload(deps, "a/res.txt", seed(2))
        assert handle(deps, old, task_id="t1") == "superseded"
        assert handle(deps, new, task_id="t2") == "published"
        assert publisher(deps).keys() == ["document.processed"]

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
        """Binary bytes: failed record with code and reason, a failed event, the original untouched."""
        data = b"\x00\x01\x02binary\xff" * 10
        payload = upload(deps, "bad.bin", data)
        assert handle(deps, payload, task_id="t1") == "failed"
        doc_id = hashlib.sha256(data).hexdigest()
        record = json.loads(deps.store.get_bytes(deps.settings.storage.failed_bucket, f"{doc_id}.json"))
        assert record["code"] == "unsupported" and record["reason"] and record["source"]["key"] == "bad.bin"
        [(key, event)] = publisher(deps).events
        assert key == "document.failed" and event.data["code"] == "unsupported"
        assert deps.store.get_bytes(deps.settings.storage.inbox_bucket, "bad.bin") == data
        assert handle(deps, payload, task_id="t1") == "skipped"

    def test_missing_object_fails_permanently(self, deps: Deps) -> None:
        """An event for an object that is gone is a failure with code not_found, keyed by the key hash."""
        event = ObjectEvent(bucket=deps.settings.storage.inbox_bucket, key="gone.txt", etag="abc", source="cli")
        assert handle(deps, event.model_dump(mode="json"), task_id="t1") == "failed"
        [(_, failed)] = publisher(deps).events
        assert failed.data["code"] == "not_found" and failed.data["record"]["key"].startswith("key-")

    def test_invalid_payload_fails(self, deps: Deps) -> None:
        """A payload that is not an ObjectEvent is recorded as invalid_event."""
        assert handle(deps, {"bucket": "x"}, task_id="t1") == "failed"
        assert publisher(deps).events[0][1].data["code"] == "invalid_event"

    def test_storage_outage_is_retried_then_dead_lettered(self, deps: Deps) -> None:
        """StorageError propagates while retries remain, then becomes a dead-lettered failure."""
        payload = upload(deps, "a/res.txt", seed())
        assert isinstance(deps.store, InMemoryObjectStore)
        deps.store.unavailable = True
        with pytest.raises(StorageError):
            handle(deps, payload, task_id="t1", retries=0)
        assert handle(deps, payload, task_id="t1", retries=2) == "failed"
        [(_, event)] = publisher(deps).events
        assert event.data["code"] == "storage" and event.data["dead_letter"] is True

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
        obj = ObjectRef(payload["bucket"], payload["key"], payload["etag"])
        assert deps.ledger.begin(obj, "other-task").status == "started"
        assert handle(deps, payload, task_id="t1") == "in_flight"
        assert handle(deps, payload, task_id="other-task") == "published"

    def test_claim_is_dropped_with_the_outcome_and_others_are_left_alone(self, deps: Deps) -> None:
        """The claim goes with the ``published`` record (one round trip); a claim held by another
        task id survives that task's ``published`` call."""
        payload = upload(deps, "a/res.txt", seed())
        obj = ObjectRef(payload["bucket"], payload["key"], payload["etag"])
        claim = f"{deps.ledger.prefix}claim:{obj.ref}"
        assert handle(deps, payload, task_id="t1") == "published"
        assert not deps.ledger.client.exists(claim)
        deps.ledger.client.set(claim, "someone-else")
        deps.ledger.published(obj, "ev-x", None, "failed", release="t1")
        assert deps.ledger.client.get(claim) == "someone-else"

    def test_duplicate_and_failure_drop_their_claims(self, deps: Deps) -> None:
        """Every outcome releases the upload's claim, not only ``published``."""
        data = seed()
        handle(deps, upload(deps, "a/one.txt", data), task_id="t1")
        dup = upload(deps, "b/two.txt", data)
        bad = upload(deps, "c/bad.txt", b"")
        assert handle(deps, dup, task_id="t2") == "duplicate"
        assert handle(deps, bad, task_id="t3") == "failed"
        for payload in (dup, bad):
            ref = ObjectRef(payload["bucket"], payload["key"], payload["etag"]).ref
            assert not deps.ledger.client.exists(f"{deps.ledger.prefix}claim:{ref}")


class TestBackoff:
    def test_grows_and_is_capped_below_visibility(self) -> None:
        """Exponential with jitter, never longer than half the visibility timeout."""
        worker = WorkerSettings(visibility_timeout=10, task_time_limit=5, retry_backoff_max=300)
        assert 0.5 <= backoff(0, worker) <= 1
        assert 2 <= backoff(2, worker) <= 4
        assert backoff(20, worker) <= 5


class TestStatus:
    def test_table_and_document_report(self, deps: Deps) -> None:
        """The status command's table lists the upload; the report joins document and uploads."""
        from workers.cli_status import document_report, format_table

        data = seed()
        handle(deps, upload(deps, "a/res.txt", data), task_id="t1")
        handle(deps, upload(deps, "b/dup.txt", data), task_id="t2")
        table = format_table(deps.ledger.recent(10))
        assert "duplicate" in table and "published" in table and "a/res.txt" in table
        doc_id = hashlib.sha256(data).hexdigest()
        report = document_report(deps.ledger, doc_id[:10])
        assert report is not None and report["state"] == "published"
        assert sorted(u["state"] for u in report["uploads"]) == ["duplicate", "published"]  # type: ignore[union-attr]
