"""``ArchiveCatalog``: what archiving reads from and records in the catalog (no table of its own).

A document's archive is keyed by its id and the pipeline version of its JSON output:

- **done**: ``outputs`` rows of kinds ``akn``, ``bag`` and ``transfer`` for that version (archive
  bucket), written in one transaction with the outbox event ``document.archived``; the document's
  ``updated_at`` moves too (its OAI-PMH datestamp: a new format became available);
- **failed** (bad input, e.g. the original is gone): an ``outputs`` row of kind
  ``archive_failed`` pointing at the failure record in the failed bucket
  (``archive/<doc-id>-<version>.json``: code, reason, time), with the outbox event
  ``document.archive_failed``. A failure after the last retry of an outage is an event and a
  record only: the sweep tries that document again later.

Archive events have no upload (``events.upload_id`` is NULL): they are about a document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from psycopg.types.json import Jsonb

from workers.catalog.catalog import Catalog, ObjectRef
from workers.names import ARCHIVE_KINDS, OUTPUT_BAG, OUTPUT_JSON

#: ``outputs.kind`` of a permanent archive failure (its record in the failed bucket).
ARCHIVE_FAILED = "archive_failed"
#: Routing keys of the archive events as stored in the outbox.
ARCHIVE_ROUTING_KEYS = ("document.archived", "document.archive_failed")


@dataclass(frozen=True, slots=True)
class ArchiveSource:
    """A published document as archiving needs it: where its JSON and its original are, what is done."""

    doc_id: str
    pipeline_version: str
    json_bucket: str
    json_key: str
    #: Uploads that carried these bytes, the output's owner first (the original is read from one).
    uploads: tuple[ObjectRef, ...]
    #: Archive outputs already recorded for this version: kind -> (bucket, key).
    outputs: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        return all(kind in self.outputs for kind in ARCHIVE_KINDS)

    @property
    def failed(self) -> bool:
        return ARCHIVE_FAILED in self.outputs


class ArchiveCatalog:
    """The archive's records, over the same pool (and outage mapping) as ``Catalog``."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def source(self, doc_id: str) -> ArchiveSource | None:
        """The published document ``doc_id`` (None if unknown or not published)."""
        row = self.catalog.row(
            "archive source",
            "SELECT d.doc_id, d.pipeline_version, d.owner_upload, o.bucket, o.key FROM documents d "
            "JOIN outputs o ON o.doc_id = d.doc_id AND o.kind = %s AND o.pipeline_version = d.pipeline_version "
            "WHERE d.doc_id = %s AND d.state = 'published'",
            (OUTPUT_JSON, doc_id),
        )
        if row is None:
            return None
        version = str(row["pipeline_version"])
        uploads = self.catalog.rows(
            "archive uploads",
            "SELECT bucket, key, etag FROM uploads WHERE doc_id = %s AND state IN ('published', 'duplicate') "
            "ORDER BY upload_id = %s DESC, upload_id",
            (doc_id, row["owner_upload"]),
        )
        outputs = self.catalog.rows(
            "archive outputs",
            "SELECT kind, bucket, key FROM outputs WHERE doc_id = %s AND pipeline_version = %s AND kind <> %s",
            (doc_id, version, OUTPUT_JSON),
        )
        return ArchiveSource(
            doc_id=doc_id,
            pipeline_version=version,
            json_bucket=str(row["bucket"]),
            json_key=str(row["key"]),
            uploads=tuple(ObjectRef(u["bucket"], u["key"], u["etag"]) for u in uploads),
            outputs={str(o["kind"]): (str(o["bucket"]), str(o["key"])) for o in outputs},
        )

    def cited_documents(self, doc_id: str) -> list[dict[str, Any]]:
        """Published documents whose symbol ``doc_id`` cites: symbol, doc id, JSON location (one per
        symbol: the one with an adoption date, then the smallest id, when several carry it)."""
        return self.catalog.rows(
            "cited documents",
            "SELECT DISTINCT ON (c.cited_symbol) c.cited_symbol AS symbol, d.doc_id, o.bucket, o.key "
            "FROM citations c JOIN documents d ON d.symbol = c.cited_symbol AND d.state = 'published' "
            "JOIN outputs o ON o.doc_id = d.doc_id AND o.kind = %s AND o.pipeline_version = d.pipeline_version "
            "WHERE c.doc_id = %s AND d.doc_id <> c.doc_id "
            "ORDER BY c.cited_symbol, d.adopted_on IS NULL, d.doc_id",
            (OUTPUT_JSON, doc_id),
        )

    def archived(
        self,
        doc_id: str,
        pipeline_version: str,
        outputs: Mapping[str, tuple[str, str]],
        event: Mapping[str, Any],
        routing_key: str,
    ) -> None:
        """Every archive output is stored: record them and the outbox event at once; the document's
        datestamp moves (OAI-PMH: a new format of it can be disseminated)."""
        with self.catalog.transaction("archived") as conn:
            for kind, (bucket, key) in outputs.items():
                conn.execute(
                    "INSERT INTO outputs (doc_id, kind, pipeline_version, bucket, key) VALUES (%s, %s, %s, %s, %s) "
                    "ON CONFLICT (doc_id, kind, pipeline_version) DO UPDATE SET bucket = EXCLUDED.bucket, "
                    "key = EXCLUDED.key",
                    (doc_id, kind, pipeline_version, bucket, key),
                )
            conn.execute(
                "DELETE FROM outputs WHERE doc_id = %s AND kind = %s AND pipeline_version = %s",
                (doc_id, ARCHIVE_FAILED, pipeline_version),
            )
            self._outbox(conn, doc_id, event, routing_key)
            conn.execute("UPDATE documents SET updated_at = now() WHERE doc_id = %s AND state = 'published'", (doc_id,))

    def archive_failed(
        self,
        doc_id: str,
        pipeline_version: str,
        *,
        record: tuple[str, str] | None,
        event: Mapping[str, Any],
        routing_key: str,
    ) -> None:
        """Record a failure: its outbox event, and (``record`` given: a permanent one) the
        ``archive_failed`` marker pointing at the record, which stops the sweep from retrying."""
        with self.catalog.transaction("archive failed") as conn:
            if record is not None:
                conn.execute(
                    "INSERT INTO outputs (doc_id, kind, pipeline_version, bucket, key) VALUES (%s, %s, %s, %s, %s) "
                    "ON CONFLICT (doc_id, kind, pipeline_version) DO NOTHING",
                    (doc_id, ARCHIVE_FAILED, pipeline_version, *record),
                )
            self._outbox(conn, doc_id, event, routing_key)

    def clear_failure(self, doc_id: str) -> bool:
        """Forget a permanent failure of the document's current version (to try again); True if there was one."""
        row = self.catalog.row(
            "clear archive failure",
            "DELETE FROM outputs o USING documents d WHERE o.doc_id = d.doc_id AND d.doc_id = %s "
            "AND o.kind = %s AND o.pipeline_version = d.pipeline_version RETURNING o.doc_id",
            (doc_id, ARCHIVE_FAILED),
        )
        return row is not None

    @staticmethod
    def _outbox(conn: Any, doc_id: str, event: Mapping[str, Any], routing_key: str) -> None:
        conn.execute(
            "INSERT INTO events (event_id, upload_id, doc_id, routing_key, body) VALUES (%s, NULL, %s, %s, %s) "
            "ON CONFLICT (event_id) DO NOTHING",
            (event["id"], doc_id, routing_key, Jsonb(event)),
        )

    def event(self, event_id: str) -> dict[str, Any] | None:
        """An outbox event: its body and whether it went out."""
        return self.catalog.row(
            "archive event",
            "SELECT body, published_at FROM events WHERE event_id = %s",
            (event_id,),
        )

    def event_published(self, event_id: str) -> None:
        """An archive event went out (it has no upload to finish)."""
        self.catalog.row(
            "event published",
            "UPDATE events SET published_at = now() WHERE event_id = %s AND published_at IS NULL RETURNING event_id",
            (event_id,),
        )

    def state(self, doc_id: str) -> dict[str, Any] | None:
        """The latest archive event of the document's current version (``archived`` or
        ``archive_failed`` with its data), or None: not archived (yet)."""
        row = self.catalog.row(
            "archive state",
            "SELECT e.routing_key, e.body, e.created_at, e.published_at FROM events e JOIN documents d "
            "ON d.doc_id = e.doc_id WHERE e.doc_id = %s AND e.routing_key = ANY(%s) "
            "AND e.body -> 'data' ->> 'pipeline_version' = d.pipeline_version ORDER BY e.created_at DESC LIMIT 1",
            (doc_id, list(ARCHIVE_ROUTING_KEYS)),
        )
        if row is None:
            return None
        data = dict(row["body"].get("data") or {})
        return {
            "outcome": str(row["routing_key"]).removeprefix("document."),
            "at": row["created_at"],
            "announced": row["published_at"] is not None,
            **{k: data[k] for k in ("code", "reason", "dead_letter", "outputs", "record") if k in data},
        }

    def failures(self, limit: int = 50) -> list[dict[str, Any]]:
        """Documents whose current version failed to archive for good: doc id, symbol, record location."""
        return self.catalog.rows(
            "archive failures",
            "SELECT d.doc_id, d.symbol, o.pipeline_version, o.bucket, o.key, o.created_at FROM outputs o "
            "JOIN documents d ON d.doc_id = o.doc_id AND d.pipeline_version = o.pipeline_version "
            "WHERE o.kind = %s ORDER BY o.created_at DESC LIMIT %s",
            (ARCHIVE_FAILED, limit),
        )

    def due(self, published_before: float, limit: int = 200) -> list[tuple[str, str]]:
        """(doc id, version) of published documents without an archive or a permanent failure for
        their version, published more than ``published_before`` seconds ago: their archive task was
        lost, or ran out of retries during an outage."""
        rows = self.catalog.rows(
            "archive due",
            "SELECT d.doc_id, d.pipeline_version FROM documents d WHERE d.state = 'published' "
            "AND d.published_at < now() - make_interval(secs => %s) "
            "AND NOT EXISTS (SELECT 1 FROM outputs o WHERE o.doc_id = d.doc_id "
            "AND o.pipeline_version = d.pipeline_version AND o.kind IN (%s, %s)) "
            "ORDER BY d.published_at LIMIT %s",
            (published_before, OUTPUT_BAG, ARCHIVE_FAILED, limit),
        )
        return [(str(r["doc_id"]), str(r["pipeline_version"])) for r in rows]

    def processed_since(self, since: dt.date | None) -> list[dict[str, Any]]:
        """Published documents whose JSON output was written on or after ``since`` (UTC day; all when
        None), oldest first: doc id, JSON location, when it was written, the uploads that carried it."""
        start = dt.datetime.combine(since, dt.time(), dt.UTC) if since else None
        return self.catalog.rows(
            "processed since",
            "SELECT d.doc_id, d.pipeline_version, o.bucket, o.key, o.created_at AS processed_at, "
            "array(SELECT json_build_array(u.bucket, u.key, u.etag) FROM uploads u WHERE u.doc_id = d.doc_id "
            "AND u.state IN ('published', 'duplicate') ORDER BY u.upload_id = d.owner_upload DESC, u.upload_id) "
            "AS uploads FROM documents d JOIN outputs o ON o.doc_id = d.doc_id AND o.kind = %s "
            "AND o.pipeline_version = d.pipeline_version WHERE d.state = 'published' "
            "AND (%s::timestamptz IS NULL OR o.created_at >= %s) ORDER BY o.created_at, d.doc_id",
            (OUTPUT_JSON, start, start),
        )


__all__ = ["ARCHIVE_FAILED", "ArchiveCatalog", "ArchiveSource"]
