"""The task: one upload in, one outcome out. Thin: validate, load, ``pipeline.run.process``, store,
record, publish; every decision about retries and failures is made here, in one place.

Outcomes of ``docpipe.process`` (its return value, also in the ledger)::

    published    output written to <processed>/<doc-id>/document.json, event sent
    duplicate    the same content was already taken by another upload: no second output
    failed       PermanentError (bad input), a dead-lettered TransientError, or a bug: failed record
                 in <failed>/<doc-id or key-hash>.json, document.failed event; the original is untouched
    superseded   the key was overwritten before it was read: that version is gone, the new one has its
                 own task
    skipped      this upload is already done (redelivery); its event is re-sent only if it never went out
    in_flight    another task holds this upload's claim

TransientError (storage or broker down) is retried with exponential backoff and jitter, at most
``worker.max_retries`` times, then dead-lettered as ``failed``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from typing import Any

from celery import Celery, shared_task
from celery.exceptions import SoftTimeLimitExceeded
from pydantic import ValidationError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from pipeline.errors import DocpipeError, PermanentError, TransientError
from pipeline.version import PIPELINE_VERSION
from schemas import ProcessedDocument
from schemas.events import CloudEvent, ObjectEvent
from workers.broker.app import PROCESS_QUEUE, PROCESS_TASK, get_app
from workers.processing.deps import Deps, get_deps, make_ledger
from workers.errors import InvalidEventError
from workers.catalog.ledger_old import Ledger, ObjectRef, now_iso
from workers.events.publisher import Outcome, make_event, routing_key
from workers.settings import Settings, WorkerSettings, get_settings
from workers.storage.s3 import json_bytes

log = logging.getLogger(__name__)
#: Redis (ledger) unreachable: retried without a cap, as no failure could be recorded anyway; if the
#: broker is the same Redis the retry itself fails and the unacked message returns after the
#: visibility timeout.
REDIS_OUTAGE = (RedisConnectionError, RedisTimeoutError)
#: Starts of one upload beyond its retries (worker killed, hard time limit) before it is failed.
EXTRA_STARTS = 2


def backoff(retries: int, worker: WorkerSettings) -> float:
    """Seconds before retry ``retries + 1``: 1, 2, 4... capped, with jitter (50-100 %).

    Capped below half the visibility timeout: Redis would redeliver a message held longer."""
    cap = min(worker.retry_backoff_max, worker.visibility_timeout / 2)
    return min(cap, 2.0**retries) * random.uniform(0.5, 1.0)


def _md5_etag(etag: str) -> bool:
    """A single-part upload's ETag is the MD5 of its bytes (multipart ones end in ``-<parts>``)."""
    return len(etag) == 32 and all(c in "0123456789abcdef" for c in etag)


def _ref(bucket: str, key: str, etag: str | None) -> ObjectRef:
    return ObjectRef(bucket, key, (etag or "").strip('"') or "-")


class Job:
    """One run of the task on one payload: knows what has been learned so far, for the failure record."""

    def __init__(self, deps: Deps, task_id: str) -> None:
        self.deps = deps
        self.task_id = task_id
        self.ledger: Ledger = deps.ledger
        self.obj = ObjectRef("-", "-", "-")
        self.doc_id: str | None = None
        self.size: int | None = None
        self.timings: dict[str, float] = {}
        #: Only re-sending a stored event: a broker outage is retried without a cap (nothing else to do).
        self.resending = False
        #: The upload's claim was dropped together with the ``published`` record.
        self.released = False

    @property
    def storage(self) -> Any:
        return self.deps.settings.storage

    def run(self, payload: Any) -> str:
        try:
            event = ObjectEvent.model_validate(payload)
        except ValidationError as exc:
            if isinstance(payload, dict):
                self.obj = _ref(str(payload.get("bucket", "-")), str(payload.get("key", "-")), None)
            raise InvalidEventError(f"invalid task payload: {exc.errors()[:3]}", data=payload) from exc
        self.obj = _ref(event.bucket, event.key, event.etag)
        if not event.etag:  # trust the event's ETag; without one, ask the store which version is there
            info = self.deps.store.stat(event.bucket, event.key)
            self.obj = _ref(event.bucket, event.key, info.etag)
        begin = self.ledger.begin(self.obj, self.task_id)
        if begin.status == "done":
            return self._resend(begin.record or {})
        if begin.status == "in_flight":
            return "in_flight"
        try:
            return self._process(begin.attempts)
        finally:
            if not self.released:
                self.ledger.release(self.obj, self.task_id)

    def _process(self, attempts: int) -> str:
        worker = self.deps.settings.worker
        if attempts > worker.max_retries + 1 + EXTRA_STARTS:
            raise TooManyAttemptsError(f"started {attempts - 1} times without finishing: the worker was "
                                       "killed or the task hit its hard time limit")
        started = time.perf_counter()
        data = self.deps.store.get_bytes(self.obj.bucket, self.obj.key)
        self.doc_id, self.size = hashlib.sha256(data).hexdigest(), len(data)
        if _md5_etag(self.obj.etag) and hashlib.md5(data).hexdigest() != self.obj.etag:
            # overwritten since the event, or an ETag that is not an MD5 (encrypted MinIO objects)
            now = self.deps.store.stat(self.obj.bucket, self.obj.key).etag
            if now != self.obj.etag:
                return self._superseded(str(now))
        self._lap("load_ms", started)
        owner = self.ledger.received(self.doc_id, self.obj, len(data), self.timings["load_ms"], attempts)
        if owner is not None:
            return self._duplicate(owner)
        mark = time.perf_counter()
        stage_start = mark

        def stage_done(stage: str) -> None:  # the shell keeps the clock; the core only reports stage ends
            nonlocal stage_start
            self._lap(f"{stage}_ms", stage_start)
            stage_start = time.perf_counter()

        document = self.deps.process(data, self.obj.key, on_stage=stage_done)
        self._lap("process_ms", mark)
        if not self.ledger.own(self.doc_id, self.obj):  # first completion wins
            return self._duplicate(self.ledger.owner(self.doc_id) or "?")
        mark = time.perf_counter()
        location = self._write_outputs(document)
        self._lap("store_ms", mark)
        event = self._event("processed", {**self._summary(document), "output": location})
        self.ledger.processed(self.doc_id, self.obj, event.model_dump(mode="json"),
                              pipeline_version=PIPELINE_VERSION, **location, **self._ms())
        return self._publish(event, "published", started)

    def _write_outputs(self, document: ProcessedDocument) -> dict[str, str]:
        """One PUT: ``document.json`` carries its own provenance; the run's (source upload, task,
        timings) is in the ledger and the event."""
        bucket, key = self.storage.processed_bucket, f"{self.doc_id}/document.json"
        meta = {"doc-id": str(self.doc_id), "pipeline-version": PIPELINE_VERSION}
        self.deps.ensure_buckets()
        self.deps.store.put_bytes(bucket, key, document.model_dump_json().encode(), "application/json", meta)
        return {"output_bucket": bucket, "output_key": key}

    def _superseded(self, etag_now: str) -> str:
        """The key was overwritten after the event: the new version gets its own task (event or
        reconciler); this one has nothing left to process."""
        self.ledger.superseded(self.obj, etag_now)
        return "superseded"

    def _duplicate(self, owner: str) -> str:
        location = {"output_bucket": self.storage.processed_bucket, "output_key": f"{self.doc_id}/document.json"}
        event = self._event("duplicate", {"doc_id": self.doc_id, "source": self._source(),
                                          "duplicate_of": owner, "output": location})
        self.ledger.duplicate(str(self.doc_id), self.obj, owner, event.model_dump(mode="json"))
        return self._publish(event, "duplicate")

    def fail(self, code: str, reason: str, *, dead_letter: bool = False) -> str:
        """Record a failure (failed bucket, ledger) and announce it; never raises for storage."""
        record = {"doc_id": self.doc_id, "code": code, "reason": reason, "source": self._source(),
                  "failed_at": now_iso(), "dead_letter": dead_letter, "task_id": self.task_id,
                  "pipeline_version": PIPELINE_VERSION}
        name = self.doc_id or "key-" + hashlib.sha256(self.obj.ref.encode()).hexdigest()
        try:
            self.deps.ensure_buckets()
            self.deps.store.put_bytes(self.storage.failed_bucket, f"{name}.json", json_bytes(record),
                                      "application/json")
        except DocpipeError as exc:  # the ledger and the event still carry the failure
            log.warning("could not write the failed record %s.json: %s", name, exc)
        event = self._event("failed", {k: v for k, v in record.items() if k != "task_id"}
                            | {"record": {"bucket": self.storage.failed_bucket, "key": f"{name}.json"}})
        self.ledger.failed(self.obj, self.doc_id, code, reason, event.model_dump(mode="json"),
                           dead_letter=dead_letter)
        if self.doc_id is not None:
            self.ledger.disown(self.doc_id, self.obj)
        log.warning("failed %s (%s): %s", self.obj.ref, code, reason)
        return self._publish(event, "failed")

    def _resend(self, record: dict[str, str]) -> str:
        """A redelivered or repeated task for a finished upload: send its event if it never went out."""
        event_id = record.get("event_id")
        self.resending = True
        if record.get("outbox") and event_id and not self.ledger.event_published(event_id):
            event = CloudEvent.model_validate(json.loads(record["outbox"]))
            self.doc_id = record.get("doc_id")
            self._publish(event, record["state"])
        return "skipped"

    def _publish(self, event: CloudEvent, result: str, started: float | None = None) -> str:
        mark = time.perf_counter()
        self.deps.publisher.publish(event, routing_key(_outcome(event)))
        self._lap("publish_ms", mark)
        if started is not None:
            self._lap("total_ms", started)
        self.ledger.published(self.obj, event.id, self.doc_id, _outcome(event), release=self.task_id, **self._ms())
        self.released = True
        return result

    def _event(self, outcome: Outcome, data: dict[str, Any]) -> CloudEvent:
        return make_event(outcome, self.obj, self.doc_id, PIPELINE_VERSION, data)

    def _summary(self, document: ProcessedDocument) -> dict[str, Any]:
        return {"doc_id": self.doc_id, "source": self._source(), "meta": document.meta.model_dump(mode="json"),
                "counts": {"segments": len(document.segments), "entities": len(document.entities),
                           "warnings": len(document.warnings)},
                "pipeline_version": PIPELINE_VERSION, "schema_version": document.schema_version}

    def _source(self) -> dict[str, Any]:
        return {"bucket": self.obj.bucket, "key": self.obj.key, "etag": self.obj.etag, "size": self.size}

    def _lap(self, name: str, since: float) -> None:
        self.timings[name] = (time.perf_counter() - since) * 1000

    def _ms(self) -> dict[str, str]:
        return {name: f"{value:.2f}" for name, value in self.timings.items()}


class TooManyAttemptsError(PermanentError):
    """The upload keeps killing its worker (or hits the hard time limit): stop trying."""

    code = "too_many_attempts"


def _outcome(event: CloudEvent) -> Outcome:
    outcome = event.type.rsplit(".", 1)[-1]
    assert outcome in ("processed", "failed", "duplicate")
    return outcome  # type: ignore[return-value]


def handle(deps: Deps, payload: Any, *, task_id: str, retries: int = 0) -> str:
    """The task body without Celery: the outcome, or a ``TransientError`` to retry."""
    job = Job(deps, task_id)
    try:
        return job.run(payload)
    except PermanentError as exc:
        return job.fail(exc.code, exc.message)
    except TransientError as exc:
        if retries < deps.settings.worker.max_retries or job.resending:
            raise
        return job.fail(exc.code, f"gave up after {retries} retries: {exc.message}", dead_letter=True)
    except REDIS_OUTAGE:  # the ledger is down: nothing can be recorded, so retry (see process_object)
        raise
    except SoftTimeLimitExceeded:
        return job.fail("timeout", f"took longer than {deps.settings.worker.task_time_limit} s")
    except Exception as exc:  # a bug: record it, keep the worker alive, do not retry forever
        log.exception("unexpected error on %s", job.obj.ref)
        return job.fail("internal", f"{type(exc).__name__}: {exc}")


@shared_task(  # type: ignore[untyped-decorator]
    bind=True, name=PROCESS_TASK, queue=PROCESS_QUEUE, ignore_result=True, max_retries=None
)
def process_object(self: Any, payload: dict[str, Any]) -> str:
    """``docpipe.process``: one upload, payload ``ObjectEvent.model_dump(mode="json")``."""
    deps = get_deps(self.app)
    try:
        return handle(deps, payload, task_id=self.request.id or "local", retries=self.request.retries)
    except (TransientError, *REDIS_OUTAGE) as exc:
        raise self.retry(exc=exc, countdown=backoff(self.request.retries, deps.settings.worker)) from exc


def enqueue(event: ObjectEvent, app: Celery | None = None) -> str | None:
    """Send ``event`` to ``docpipe.process``; None when the ledger knows this upload (bucket, key,
    ETag) as done or in flight. Without an ETag the task itself decides (it stats the object)."""
    app = app or get_app()
    ledger: Ledger | None = None
    obj = _ref(event.bucket, event.key, event.etag)
    if event.etag:
        ledger = _intake_ledger(getattr(app, "settings", None))
        if ledger.reserve(obj, event.source) is not None:
            return None
    try:
        args = [event.model_dump(mode="json")]
        # argsrepr given: Celery's own saferepr of the arguments was a quarter of send_task's CPU
        result = app.send_task(PROCESS_TASK, args=args, queue=PROCESS_QUEUE, argsrepr=repr(args), kwargsrepr="{}")
    except Exception:
        if ledger is not None:
            ledger.unreserve(obj)
        raise
    return str(result.id)


_ledgers: dict[str, Ledger] = {}


def _intake_ledger(settings: Settings | None) -> Ledger:
    """A ledger for enqueueing processes (webhook, subscriber, reconciler): one per Redis URL."""
    settings = settings if isinstance(settings, Settings) else get_settings()
    if settings.redis_url not in _ledgers:
        _ledgers[settings.redis_url] = make_ledger(settings)
    return _ledgers[settings.redis_url]
