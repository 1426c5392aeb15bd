"""One run of ``docpipe.process`` on one payload, without Celery: ``handle(deps, payload, ...)``.

Outcomes (the task's return value; the catalog has the same in ``uploads.state``)::

    published    output written to <processed>/<doc-id>/document.json, event sent
    duplicate    the same content was already taken by another upload: no second output
    failed       PermanentError (bad input), a dead-lettered TransientError, or a bug: a failure row
                 (one per upload, never overwritten), a record in <failed>/<doc-id or key-hash>.json
                 (written later by the reconciler if the store is down now), a document.failed event
    superseded   the key was overwritten before it was read: that version is gone, the new one has its own task
    skipped      this upload is already done (redelivery); its event is re-sent only if it never went out
    in_flight    another task holds this upload's claim

``DeadLetter`` (a payload that is not an object event of the inbox bucket) and ``TransientError``
(store, catalog or broker down) leave ``handle``; the task turns them into a rejection and a
retry with backoff.
"""

from __future__ import annotations

import contextlib
import hashlib
import time
from collections import Counter
from typing import Any

import structlog
from celery.exceptions import SoftTimeLimitExceeded
from pydantic import ValidationError

from pipeline.errors import DocpipeError, PermanentError, TransientError
from pipeline.version import PIPELINE_VERSION
from schemas import ProcessedDocument
from schemas.events import CloudEvent, ObjectEvent
from workers.catalog.catalog import ObjectRef
from workers.errors import CatalogError, ObjectNotFoundError
from workers.events.cloudevent import make_event, now_iso, outcome_of
from workers.names import Outcome, output_key, routing_key
from workers.processing.deps import Deps
from workers.storage.s3 import json_bytes

log = structlog.get_logger("docpipe.task")

#: Starts of one upload beyond its retries (worker killed, hard time limit) before it is failed.
EXTRA_STARTS = 2
#: Entity types whose values name other documents: the catalog's citations.
CITING_TYPES = frozenset({"resolution", "decision", "document_symbol"})


class DeadLetter(Exception):  # noqa: N818 - a control-flow signal, not an error
    """The message is not a task docpipe will run: reject it to the dead-letter queue, record nothing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class TooManyAttemptsError(PermanentError):
    """The upload keeps killing its worker (or hits the hard time limit): stop trying."""

    code = "too_many_attempts"


def _md5_etag(etag: str) -> bool:
    """A single-part upload's ETag is the MD5 of its bytes (multipart ones end in ``-<parts>``)."""
    return len(etag) == 32 and all(c in "0123456789abcdef" for c in etag)


def citations(document: ProcessedDocument) -> list[dict[str, Any]]:
    """Other documents this one cites: symbol, entity type, occurrences (its own symbol left out)."""
    own = document.meta.symbol
    found = Counter(
        (e.value, e.type) for e in document.entities if e.type in CITING_TYPES and e.value and e.value != own
    )
    best: dict[str, tuple[str, int]] = {}
    for (symbol, kind), count in found.items():
        if symbol not in best or count > best[symbol][1]:
            best[symbol] = (kind, count + (best[symbol][1] if symbol in best else 0))
    return [{"symbol": s, "kind": k, "occurrences": n} for s, (k, n) in sorted(best.items())]


class Job:
    """What has been learned about one payload so far, for the failure record."""

    def __init__(self, deps: Deps, task_id: str) -> None:
        self.deps = deps
        self.task_id = task_id
        self.catalog = deps.catalog
        self.obj = ObjectRef("-", "-", "-")
        self.upload_id: int | None = None
        self.doc_id: str | None = None
        self.size: int | None = None
        self.timings: dict[str, float] = {}
        #: Only re-sending a stored event: a broker outage is all that can go wrong.
        self.resending = False
        #: The upload's claim was dropped together with the outcome.
        self.released = False
        #: The (code, reason) recorded by ``fail``, for the task to report.
        self.failure: tuple[str, str] | None = None

    @property
    def storage(self) -> Any:
        return self.deps.settings.storage

    def read_payload(self, payload: Any) -> ObjectEvent:
        """The payload as an object event of the inbox bucket, or ``DeadLetter``."""
        try:
            event = ObjectEvent.model_validate(payload)
        except ValidationError as exc:
            raise DeadLetter(f"payload is not an object event: {exc.errors()[:2]}") from exc
        if event.bucket != self.storage.inbox_bucket:
            raise DeadLetter(f"bucket {event.bucket[:80]!r} is not the inbox {self.storage.inbox_bucket!r}")
        return event

    def run(self, payload: Any) -> str:
        event = self.read_payload(payload)
        structlog.contextvars.bind_contextvars(key=event.key)
        etag = (event.etag or "").strip('"')
        if not etag:  # trust the event's ETag; without one, ask the store which version is there
            etag = (self.deps.store.stat(event.bucket, event.key).etag or "-").strip('"')
        self.obj = ObjectRef(event.bucket, event.key, etag)
        started = time.perf_counter()
        data = self.deps.store.get_bytes(
            self.obj.bucket, self.obj.key, max_bytes=self.deps.settings.limits.max_input_bytes
        )
        self._lap("load_ms", started)
        if _md5_etag(etag) and hashlib.md5(data).hexdigest() != etag:
            # overwritten since the event, or an ETag that is not an MD5 (encrypted MinIO objects)
            now = self.deps.store.stat(self.obj.bucket, self.obj.key).etag
            if now != etag:
                return self._superseded(str(now))
        self.doc_id, self.size = hashlib.sha256(data).hexdigest(), len(data)
        structlog.contextvars.bind_contextvars(doc_id=self.doc_id)
        # one round trip: the claim, the attempt, the document and who owns its output
        begin = self.catalog.begin(self.obj, self.task_id, doc_id=self.doc_id, size=len(data))
        self.upload_id = begin.upload_id
        if begin.status == "done":
            return self._resend(begin.event, begin.doc_id)
        if begin.status == "in_flight":
            return "in_flight"
        try:
            return self._process(begin.attempts, begin.owner, data, started)
        finally:
            if not self.released:
                with contextlib.suppress(CatalogError):  # the claim expires by itself
                    self.catalog.release(begin.upload_id, self.task_id)

    def _superseded(self, etag_now: str) -> str:
        """The key no longer holds this version: record it; the new version has its own event."""
        begin = self.catalog.begin(self.obj, self.task_id)
        self.upload_id = begin.upload_id
        if begin.status == "started":
            self.catalog.superseded(begin.upload_id, etag_now)
        return "superseded" if begin.status == "started" else "skipped"

    def _process(self, attempts: int, owner: int | None, data: bytes, started: float) -> str:
        worker = self.deps.settings.worker
        assert self.upload_id is not None and self.doc_id is not None
        if attempts > worker.max_retries + 1 + EXTRA_STARTS:
            raise TooManyAttemptsError(
                f"started {attempts - 1} times without finishing: the worker was "
                "killed or the task hit its hard time limit"
            )
        if owner is not None:  # the first upload to read these bytes owns the output
            return self._duplicate(owner)
        mark = stage_start = time.perf_counter()

        def stage_done(stage: str) -> None:  # the shell keeps the clock; the core only reports stage ends
            nonlocal stage_start
            self._lap(f"{stage}_ms", stage_start)
            stage_start = time.perf_counter()

        document = self.deps.process(data, self.obj.key, options=self.deps.options, on_stage=stage_done)
        self._lap("process_ms", mark)
        mark = time.perf_counter()
        if attempts > 1 and self._output_stored():  # a worker died between the PUT and the record
            bucket, key = self.storage.processed_bucket, output_key(self.doc_id)
            self.timings["output_reused"] = 1.0
        else:
            bucket, key = self._write_output(document)
            self._lap("store_ms", mark)
        event = self._event(
            "processed", {**self._summary(document), "output": {"output_bucket": bucket, "output_key": key}}
        )
        self.catalog.processed(
            self.upload_id,
            self.doc_id,
            meta=document.meta.model_dump(mode="json"),
            counts=(len(document.segments), len(document.entities), len(document.warnings)),
            pipeline_version=PIPELINE_VERSION,
            bucket=bucket,
            key=key,
            citations=citations(document),
            event=event.model_dump(mode="json"),
            routing_key=routing_key("processed"),
        )
        result = self._publish(event, "published", started)
        self._request_archive()
        return result

    def _request_archive(self) -> None:
        """Ask for the published document's archive; a broker that refuses now only delays it
        (the reconciler's sweep sends it for every published document still without one)."""
        if self.deps.archive is None or self.doc_id is None:
            return
        try:
            self.deps.archive(self.doc_id, PIPELINE_VERSION)
        except Exception as exc:
            log.warning("archive request deferred to the sweep", error=repr(exc)[:300])

    def _output_stored(self) -> bool:
        """Whether this document's output of this pipeline version is already in the store."""
        assert self.doc_id is not None
        try:
            info = self.deps.store.stat(self.storage.processed_bucket, output_key(self.doc_id))
        except ObjectNotFoundError:
            return False
        meta = info.metadata or {}
        return meta.get("doc-id") == self.doc_id and meta.get("pipeline-version") == PIPELINE_VERSION

    def _write_output(self, document: ProcessedDocument) -> tuple[str, str]:
        """One PUT: ``document.json`` carries its own provenance; the run's is in the catalog."""
        assert self.doc_id is not None
        bucket, key = self.storage.processed_bucket, output_key(self.doc_id)
        meta = {"doc-id": self.doc_id, "pipeline-version": PIPELINE_VERSION}
        self.deps.ensure_buckets()
        self.deps.store.put_bytes(bucket, key, document.model_dump_json().encode(), "application/json", meta)
        return bucket, key

    def _duplicate(self, owner: int) -> str:
        assert self.upload_id is not None and self.doc_id is not None
        location = {"output_bucket": self.storage.processed_bucket, "output_key": output_key(self.doc_id)}
        data = {
            "doc_id": self.doc_id,
            "source": self._source(),
            "duplicate_of": self.catalog.upload_ref(owner),
            "output": location,
        }
        event = self._event("duplicate", data)
        self.catalog.duplicate(
            self.upload_id, self.doc_id, owner, event.model_dump(mode="json"), routing_key("duplicate")
        )
        return self._publish(event, "duplicate")

    def fail(self, code: str, reason: str, *, dead_letter: bool = False) -> str:
        """Record a failure (catalog, failed bucket when reachable) and announce it.

        A store that is down only delays the record in the failed bucket (the reconciler writes
        it later); a catalog that is down raises ``CatalogError``, and the task is retried."""
        if self.upload_id is None:  # nothing known about the upload yet: the catalog is where to start
            self.upload_id = self.catalog.begin(self.obj, self.task_id).upload_id
        name = self.doc_id or "key-" + hashlib.sha256(self.obj.ref.encode()).hexdigest()
        record_key = f"{name}.json"
        record = {
            "doc_id": self.doc_id,
            "code": code,
            "reason": reason,
            "source": self._source(),
            "failed_at": now_iso(),
            "dead_letter": dead_letter,
            "task_id": self.task_id,
            "pipeline_version": PIPELINE_VERSION,
        }
        written = False
        try:
            self.deps.ensure_buckets()
            self.deps.store.put_bytes(self.storage.failed_bucket, record_key, json_bytes(record), "application/json")
            written = True
        except DocpipeError as exc:
            log.warning("failure record deferred", record=record_key, error=exc.message)
        event = self._event(
            "failed",
            {k: v for k, v in record.items() if k != "task_id"}
            | {"record": {"bucket": self.storage.failed_bucket, "key": record_key}},
        )
        self.catalog.failed(
            self.upload_id,
            self.doc_id,
            code=code,
            reason=reason,
            dead_letter=dead_letter,
            task_id=self.task_id,
            pipeline_version=PIPELINE_VERSION,
            record_bucket=self.storage.failed_bucket,
            record_key=record_key,
            record=record,
            event=event.model_dump(mode="json"),
            routing_key=routing_key("failed"),
            written=written,
        )
        if self.doc_id is not None:
            self.catalog.disown(self.doc_id, self.upload_id)
        log.warning("document failed", code=code, reason=reason, dead_letter=dead_letter)
        self.failure = (code, reason)
        return self._publish(event, "failed")

    def _resend(self, stored: dict[str, Any] | None, doc_id: str | None) -> str:
        """A redelivered or repeated task for a finished upload: send its event if it never went out."""
        self.resending = True
        if stored is not None:
            self.doc_id = doc_id
            event = CloudEvent.model_validate(stored)
            self._publish(event, "skipped")
        return "skipped"

    def _publish(self, event: CloudEvent, result: str, started: float | None = None) -> str:
        assert self.upload_id is not None
        mark = time.perf_counter()
        outcome = outcome_of(event.type)
        self.deps.publisher.publish(event, routing_key(outcome))
        self._lap("publish_ms", mark)
        if started is not None:
            self._lap("total_ms", started)
        self.catalog.published(
            event.id, self.upload_id, self.task_id, outcome, {k: round(v, 3) for k, v in self.timings.items()}
        )
        self.released = True
        return result

    def _event(self, outcome: Outcome, data: dict[str, Any]) -> CloudEvent:
        return make_event(
            outcome,
            bucket=self.obj.bucket,
            key=self.obj.key,
            upload_ref=self.obj.ref,
            doc_id=self.doc_id,
            pipeline_version=PIPELINE_VERSION,
            data=data,
        )

    def _summary(self, document: ProcessedDocument) -> dict[str, Any]:
        return {
            "doc_id": self.doc_id,
            "source": self._source(),
            "meta": document.meta.model_dump(mode="json"),
            "counts": {
                "segments": len(document.segments),
                "entities": len(document.entities),
                "warnings": len(document.warnings),
            },
            "pipeline_version": PIPELINE_VERSION,
            "schema_version": document.schema_version,
        }

    def _source(self) -> dict[str, Any]:
        return {"bucket": self.obj.bucket, "key": self.obj.key, "etag": self.obj.etag, "size": self.size}

    def _lap(self, name: str, since: float) -> None:
        self.timings[name] = (time.perf_counter() - since) * 1000


def handle(deps: Deps, payload: Any, *, task_id: str, retries: int = 0) -> str:
    """The task body without Celery: the outcome, or ``DeadLetter`` / a ``TransientError`` to retry."""
    return handle_job(Job(deps, task_id), payload, retries=retries)


def handle_job(job: Job, payload: Any, *, retries: int = 0) -> str:
    """``handle`` on a ``Job`` the caller keeps: after ``failed``, ``job.failure`` is (code, reason)."""
    deps = job.deps
    try:
        return job.run(payload)
    except PermanentError as exc:
        return job.fail(exc.code, exc.message)
    except CatalogError:
        raise  # nothing can be recorded now: retry (the task dead-letters the message after the last one)
    except TransientError as exc:
        if retries < deps.settings.worker.max_retries or job.resending:
            raise
        return job.fail(exc.code, f"gave up after {retries} retries: {exc.message}", dead_letter=True)
    except SoftTimeLimitExceeded:
        return job.fail("timeout", f"took longer than {deps.settings.worker.task_time_limit} s")
    except DeadLetter:
        raise
    except Exception as exc:  # a bug: record it, keep the worker alive, do not retry forever
        log.exception("unexpected error")
        return job.fail("internal", f"{type(exc).__name__}: {exc}")
