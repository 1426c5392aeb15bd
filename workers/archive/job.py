"""One run of ``docpipe.archive`` on one payload, without Celery: ``handle_archive(deps, payload, ...)``.

For the published document of the payload, at the pipeline version of its JSON output::

    akn/<name>.akn.xml        the Akoma Ntoso XML (citations: the catalog's documents' Work IRIs)
    bags/<name>.zip           the BagIt bag (original, document.json, the same AKN), zipped
    transfers/<name>.zip      the Archivematica/a3m standard transfer, zipped

in the archive bucket (``<name>`` = symbol + 8 hex digits of the id + version), then the three
``outputs`` rows and the outbox event ``document.archived`` in one transaction, then the event.

Idempotent by (document id, pipeline version): an object already in the bucket with that id and
version in its metadata is kept (and the AKN in it is what the bag holds), a missing one is
written, so a run interrupted anywhere is finished by the next, and a finished one writes
nothing (it only re-sends the event if it never went out). Outcomes::

    archived        everything stored and recorded, event sent
    skipped         already archived (or already failed for good) at this version
    not_published   the catalog has no published document of that id (nothing to do)
    failed          PermanentError (the original is gone, an unreadable output), a bug, or the last
                    retry of an outage: a record in <failed>/archive/<doc-id>-<version>.json, an
                    ``archive_failed`` marker (not after an outage: the sweep tries again) and
                    ``document.archive_failed``

``DeadLetter`` (an unreadable payload) and ``TransientError`` leave ``handle_archive`` as in
``workers.processing.job``; the task turns them into a rejection and a retry with backoff.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
from pathlib import Path
from typing import Any

import structlog
from celery.exceptions import SoftTimeLimitExceeded
from pydantic import ValidationError

from pipeline.akn import to_bytes, work_iri
from pipeline.errors import DocpipeError, PermanentError, TransientError
from schemas import ProcessedDocument
from schemas.events import CloudEvent
from workers.archive.bag import ZIP_MEDIA_TYPE, write_bag, zip_bag
from workers.archive.export import docpipe_version
from workers.archive.item import ArchiveItem
from workers.archive.profile import profile_url
from workers.archive.request import ArchiveRequest
from workers.archive.transfer import write_transfer, zip_transfer
from workers.catalog.archives import ArchiveCatalog, ArchiveSource
from workers.errors import CatalogError, InvalidOutputError, ObjectNotFoundError, OriginalMissingError, PublishError
from workers.events.cloudevent import event_id, make_archive_event, now_iso
from workers.names import OUTPUT_AKN, OUTPUT_BAG, OUTPUT_TRANSFER, ArchiveOutcome, archive_key, routing_key
from workers.processing.deps import Deps
from workers.processing.job import DeadLetter
from workers.storage.s3 import json_bytes

log = structlog.get_logger("docpipe.archive")

#: Content type of each archive output in the bucket.
MEDIA_TYPES = {OUTPUT_AKN: "application/akn+xml", OUTPUT_BAG: ZIP_MEDIA_TYPE, OUTPUT_TRANSFER: ZIP_MEDIA_TYPE}


def oai_identifier(repository: str, doc_id: str) -> str:
    """``oai:{repository}:{doc_id}``: the document's OAI-PMH identifier."""
    return f"oai:{repository}:{doc_id}"


class ArchiveJob:
    """What is known about one archive request so far, for the failure record."""

    def __init__(self, deps: Deps, task_id: str) -> None:
        self.deps = deps
        self.task_id = task_id
        self.archives = ArchiveCatalog(deps.catalog)
        self.doc_id: str | None = None
        self.source: ArchiveSource | None = None
        self.symbol: str | None = None

    @property
    def bucket(self) -> str:
        return self.deps.settings.storage.archive_bucket

    def run(self, payload: Any) -> str:
        try:
            request = ArchiveRequest.model_validate(payload)
        except ValidationError as exc:
            raise DeadLetter(f"payload is not an archive request: {exc.errors()[:2]}") from exc
        self.doc_id = request.doc_id
        structlog.contextvars.bind_contextvars(doc_id=request.doc_id)
        if request.retry_failed:
            self.archives.clear_failure(request.doc_id)
        source = self.archives.source(request.doc_id)
        if source is None:
            log.info("not archived: no published document", doc_id=request.doc_id)
            return "not_published"
        self.source = source
        if source.failed:
            return "skipped"
        if source.done:
            return self._resend(source)
        return self._archive(source)

    def _archive(self, source: ArchiveSource) -> str:
        doc = self._document(source.json_bucket, source.json_key)
        if doc is None:
            raise InvalidOutputError(f"{source.json_bucket}/{source.json_key} is not a ProcessedDocument")
        self.symbol = doc.meta.symbol
        original = self._original(source)
        name = f"{ArchiveItem(doc, original).folder}-{source.pipeline_version}"
        meta = {"doc-id": source.doc_id, "pipeline-version": source.pipeline_version}
        self.deps.ensure_buckets()
        akn = self._kept(OUTPUT_AKN, name, read=True)
        if akn is None:
            akn = to_bytes(doc, cited=self._cited(source.doc_id), generated=_today())
            self._put(OUTPUT_AKN, name, akn, meta)
        item = ArchiveItem(doc, original, akn=akn)
        for kind in (OUTPUT_BAG, OUTPUT_TRANSFER):
            if self._kept(kind, name) is None:
                self._put(kind, name, self._package(kind, item, name), meta)
        outputs = {kind: (self.bucket, archive_key(kind, name)) for kind in (OUTPUT_AKN, OUTPUT_BAG, OUTPUT_TRANSFER)}
        event = self._event("archived", self._announcement(doc, outputs))
        self.archives.archived(
            source.doc_id, source.pipeline_version, outputs, event.model_dump(mode="json"), routing_key("archived")
        )
        log.info("document archived", outputs={k: v[1] for k, v in outputs.items()})
        self._publish(event, "archived")
        return "archived"

    # -- reading -------------------------------------------------------------------------------
    def _document(self, bucket: str, key: str) -> ProcessedDocument | None:
        try:
            return ProcessedDocument.model_validate_json(self.deps.store.get_bytes(bucket, key))
        except ValidationError:
            return None

    def _original(self, source: ArchiveSource) -> bytes:
        """The first upload of the document whose key still holds its bytes (checked by sha256)."""
        limit = self.deps.settings.limits.max_input_bytes
        for upload in source.uploads:
            try:
                data = self.deps.store.get_bytes(upload.bucket, upload.key, max_bytes=limit)
            except (ObjectNotFoundError, PermanentError):
                continue
            if hashlib.sha256(data).hexdigest() == source.doc_id:
                return data
        tried = ", ".join(u.ref for u in source.uploads[:3]) or "no upload"
        raise OriginalMissingError(f"no upload still holds the bytes of {source.doc_id} (tried {tried})")

    def _cited(self, doc_id: str) -> dict[str, str]:
        """Symbol -> Work IRI of every cited document the catalog has published (item 6 of issue 9):
        the AKN ``ref``s then point at the IRI those documents' own AKN carries."""
        cited: dict[str, str] = {}
        for row in self.archives.cited_documents(doc_id):
            try:
                other = self._document(str(row["bucket"]), str(row["key"]))
            except ObjectNotFoundError:
                other = None
            if other is not None:
                cited[str(row["symbol"])] = work_iri(other)
        return cited

    def _kept(self, kind: str, name: str, *, read: bool = False) -> bytes | None:
        """An output this document version already has in the bucket (its bytes if ``read``), or None."""
        assert self.source is not None
        key = archive_key(kind, name)
        try:
            info = self.deps.store.stat(self.bucket, key)
        except ObjectNotFoundError:
            return None
        meta = info.metadata or {}
        if meta.get("doc-id") != self.source.doc_id or meta.get("pipeline-version") != self.source.pipeline_version:
            return None
        return self.deps.store.get_bytes(self.bucket, key) if read else b""

    # -- writing -------------------------------------------------------------------------------
    def _package(self, kind: str, item: ArchiveItem, name: str) -> bytes:
        """The zipped bag or transfer of one document, built in a temporary folder."""
        with tempfile.TemporaryDirectory(prefix="docpipe-archive-") as tmp:
            folder = Path(tmp) / name
            if kind == OUTPUT_BAG:
                url = profile_url(self.deps.settings.web.base_url)
                write_bag(folder, [item], generated=_today(), docpipe_version=docpipe_version(), profile_id=url)
                return zip_bag(folder).read_bytes()
            write_transfer(folder, [item], generated=_today())
            return zip_transfer(folder).read_bytes()

    def _put(self, kind: str, name: str, data: bytes, meta: dict[str, str]) -> None:
        digest = {"sha256": hashlib.sha256(data).hexdigest()}
        self.deps.store.put_bytes(self.bucket, archive_key(kind, name), data, MEDIA_TYPES[kind], meta | digest)

    def _announcement(self, doc: ProcessedDocument, outputs: dict[str, tuple[str, str]]) -> dict[str, Any]:
        assert self.source is not None
        settings = self.deps.settings
        located: dict[str, dict[str, str]] = {}
        for kind, (bucket, key) in outputs.items():
            located[kind] = {"bucket": bucket, "key": key, "media_type": MEDIA_TYPES[kind]}
        located[OUTPUT_BAG]["profile"] = profile_url(settings.web.base_url)
        return {
            "doc_id": self.source.doc_id,
            "pipeline_version": self.source.pipeline_version,
            "symbol": doc.meta.symbol,
            "language": doc.meta.language,
            "akn_work_iri": work_iri(doc),
            "oai_identifier": oai_identifier(settings.oai.repository_identifier, self.source.doc_id),
            "outputs": located,
        }

    # -- events --------------------------------------------------------------------------------
    def _event(self, outcome: ArchiveOutcome, data: dict[str, Any]) -> CloudEvent:
        assert self.doc_id is not None
        version = self.source.pipeline_version if self.source else "-"
        return make_archive_event(
            outcome, doc_id=self.doc_id, pipeline_version=version, subject=self.symbol or self.doc_id, data=data
        )

    def _publish(self, event: CloudEvent, outcome: ArchiveOutcome) -> None:
        """Send an event stored in the outbox; a broker outage leaves it to the next run or the sweep."""
        try:
            self.deps.publisher.publish(event, routing_key(outcome))
        except PublishError as exc:
            log.warning("archive event deferred", event_id=event.id, error=exc.message)
            return
        self.archives.event_published(event.id)

    def _resend(self, source: ArchiveSource) -> str:
        """Already archived: send its event if it never went out."""
        stored = self.archives.event(event_id("archived", source.doc_id, source.pipeline_version))
        if stored is not None and stored["published_at"] is None:
            self._publish(CloudEvent.model_validate(stored["body"]), "archived")
        return "skipped"

    def fail(self, code: str, reason: str, *, dead_letter: bool = False) -> str:
        """Record why this document could not be archived, and announce it.

        A permanent failure gets its record in the failed bucket and the ``archive_failed`` marker;
        one after the last retry of an outage only its event (the sweep tries again later)."""
        log.warning("archive failed", code=code, reason=reason, dead_letter=dead_letter)
        if self.doc_id is None or self.source is None:
            return "failed"  # nothing published to attach it to (the catalog said so, or was never asked)
        version = self.source.pipeline_version
        failed_bucket = self.deps.settings.storage.failed_bucket
        record_key = f"archive/{self.doc_id}-{version}.json"
        record = {
            "doc_id": self.doc_id,
            "pipeline_version": version,
            "code": code,
            "reason": reason,
            "dead_letter": dead_letter,
            "failed_at": now_iso(),
            "task_id": self.task_id,
        }
        located: tuple[str, str] | None = None
        if not dead_letter:
            self.deps.ensure_buckets()
            self.deps.store.put_bytes(failed_bucket, record_key, json_bytes(record), "application/json")
            located = (failed_bucket, record_key)
        data = {k: v for k, v in record.items() if k != "task_id"}
        if located:
            data["record"] = {"bucket": failed_bucket, "key": record_key}
        event = self._event("archive_failed", data)
        self.archives.archive_failed(
            self.doc_id,
            version,
            record=located,
            event=event.model_dump(mode="json"),
            routing_key=routing_key("archive_failed"),
        )
        self._publish(event, "archive_failed")
        return "failed"


def _today() -> str:
    """The day a manifestation is written (UTC): the shell keeps the clock."""
    return dt.datetime.now(dt.UTC).date().isoformat()


def handle_archive(deps: Deps, payload: Any, *, task_id: str, retries: int = 0) -> str:
    """The task body without Celery: the outcome, or ``DeadLetter`` / a ``TransientError`` to retry."""
    job = ArchiveJob(deps, task_id)
    try:
        return job.run(payload)
    except DeadLetter:
        raise
    except PermanentError as exc:
        return job.fail(exc.code, exc.message)
    except CatalogError:
        raise  # nothing can be recorded now: retry
    except TransientError as exc:
        if retries < deps.settings.worker.max_retries:
            raise
        return job.fail(exc.code, f"gave up after {retries} retries: {exc.message}", dead_letter=True)
    except SoftTimeLimitExceeded:
        return job.fail("timeout", f"took longer than {deps.settings.worker.task_time_limit} s")
    except DocpipeError as exc:  # neither permanent nor transient: treat as a bug
        return job.fail("internal", exc.message)
    except Exception as exc:  # a bug: record it, keep the worker alive, do not retry forever
        log.exception("unexpected error while archiving")
        return job.fail("internal", f"{type(exc).__name__}: {exc}")


__all__ = ["ArchiveJob", "handle_archive", "oai_identifier"]
