"""``Catalog``: the task's and the intake's record keeping, one PostgreSQL call per step.

Upload states: queued -> processing -> processed -> published, or duplicate | failed | superseded
(the key was overwritten before the task read it; the new version has its own row).
Document states: received -> processing -> processed -> published, or failed.

Every method maps an outage of PostgreSQL to ``CatalogError`` (transient). The SQL of the hot
path lives in the functions of migration 0001; the rest is here, in plain statements.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb
from psycopg_pool import ConnectionPool

from workers.catalog.db import catalog_errors, make_pool
from workers.names import OUTPUT_JSON

#: Upload states after which nothing more happens to that upload.
TERMINAL_STATES = frozenset({"published", "duplicate", "failed", "superseded"})


@dataclass(frozen=True, slots=True)
class ObjectRef:
    """One version of one object: what an upload is."""

    bucket: str
    key: str
    etag: str

    @property
    def ref(self) -> str:
        return f"{self.bucket}/{self.key}@{self.etag}"


@dataclass(frozen=True, slots=True)
class Begin:
    """What ``Catalog.begin`` found: ``started`` (claim taken), ``in_flight`` or ``done``."""

    status: str
    upload_id: int
    attempts: int = 0
    state: str = ""
    doc_id: str | None = None
    #: The outcome event recorded but never published (``done`` only).
    event: dict[str, Any] | None = None
    #: ``started`` with the bytes' id: the upload owning the document's output if another does.
    owner: int | None = None


class Catalog:
    """Records of uploads and documents in PostgreSQL.

    Args:
        pool: Autocommit connections (``workers.catalog.db.make_pool``); opened on first use.
        stale_seconds: A queued or processing upload untouched this long lost its message: the
            intake may enqueue it again.
        retry_dead_letter_seconds: A dead-lettered (infrastructure) failure may be retried after this.
        claim_seconds: How long a task's claim on an upload holds without being renewed.
        worker: Name recorded with each attempt.
    """

    def __init__(
        self,
        pool: ConnectionPool,
        *,
        stale_seconds: float = 600.0,
        retry_dead_letter_seconds: float = 3600.0,
        claim_seconds: float = 120.0,
        worker: str = "",
    ) -> None:
        self.pool = pool
        self.stale_seconds = stale_seconds
        self.retry_dead_letter_seconds = retry_dead_letter_seconds
        self.claim_seconds = claim_seconds
        self.worker = worker
        self._opened = False

    @classmethod
    def connect(cls, url: str, *, pool_size: int = 4, connect_timeout: float = 5.0, **options: Any) -> Catalog:
        return cls(make_pool(url, size=pool_size, connect_timeout=connect_timeout), **options)

    def close(self) -> None:
        self.pool.close()

    @contextmanager
    def _conn(self, what: str) -> Iterator[psycopg.Connection[Any]]:
        with catalog_errors(what):
            if not self._opened:
                self.pool.open(wait=False)
                self._opened = True
            with self.pool.connection() as conn:
                yield conn

    def _one(self, what: str, query: str, params: tuple[Any, ...] = ()) -> dict[str, Any] | None:
        with self._conn(what) as conn:
            row: dict[str, Any] | None = conn.execute(query, params).fetchone()
            return row

    def _all(self, what: str, query: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        with self._conn(what) as conn:
            return list(conn.execute(query, params).fetchall())

    # -- for the other readers of the catalog (archiving, OAI-PMH): same pool, same error mapping --
    def rows(self, what: str, query: str, params: tuple[Any, ...] = ()) -> list[dict[str, Any]]:
        """Every row of ``query`` (its own transaction); an outage raises ``CatalogError``."""
        return self._all(what, query, params)

    def row(self, what: str, query: str, params: tuple[Any, ...] = ()) -> dict[str, Any] | None:
        """The first row of ``query``, or None."""
        return self._one(what, query, params)

    @contextmanager
    def transaction(self, what: str) -> Iterator[psycopg.Connection[Any]]:
        """A connection inside one transaction (committed when the block ends without an error)."""
        with self._conn(what) as conn, conn.transaction():
            yield conn

    # -- intake --------------------------------------------------------------------------------
    def reserve(self, obj: ObjectRef, source: str, size: int | None = None) -> str | None:
        """Mark an upload queued unless it is known; None if reserved (send the task), else its state."""
        row = self._one(
            "reserve",
            "SELECT docpipe_reserve(%s, %s, %s, %s, %s, %s, %s) AS state",
            (obj.bucket, obj.key, obj.etag, source, size, self.stale_seconds, self.retry_dead_letter_seconds),
        )
        return None if row is None or row["state"] is None else str(row["state"])

    def unreserve(self, obj: ObjectRef) -> None:
        """Forget a reservation whose message could not be sent (only if nothing happened to it since)."""
        self._one(
            "unreserve",
            "DELETE FROM uploads WHERE bucket = %s AND key = %s AND etag = %s AND state = 'queued'"
            " AND attempts = 0 RETURNING upload_id",
            (obj.bucket, obj.key, obj.etag),
        )

    # -- a task's life -------------------------------------------------------------------------
    def begin(self, obj: ObjectRef, task_id: str, *, doc_id: str | None = None, size: int | None = None) -> Begin:
        """Claim the upload for ``task_id``; with the bytes' ``doc_id``, also ``receive`` them (one round trip)."""
        row = self._one(
            "begin",
            "SELECT * FROM docpipe_begin(%s, %s, %s, %s, %s, %s, %s, %s)",
            (obj.bucket, obj.key, obj.etag, task_id, self.claim_seconds, self.worker, doc_id, size),
        )
        assert row is not None
        return Begin(
            row["status"],
            int(row["upload_id"]),
            int(row["attempts"] or 0),
            row["state"] or "",
            row["doc_id"],
            row["event"],
            None if row["owner"] is None else int(row["owner"]),
        )

    def disown(self, doc_id: str, upload_id: int) -> None:
        """Give the output up (after a failure) so a later upload of the same content can win."""
        self._one(
            "disown",
            "UPDATE documents SET owner_upload = NULL, updated_at = now() WHERE doc_id = %s AND "
            "owner_upload = %s AND state <> 'published' RETURNING doc_id",
            (doc_id, upload_id),
        )

    def processed(
        self,
        upload_id: int,
        doc_id: str,
        *,
        meta: Mapping[str, Any],
        counts: tuple[int, int, int],
        pipeline_version: str,
        bucket: str,
        key: str,
        citations: list[dict[str, Any]],
        event: Mapping[str, Any],
        routing_key: str,
    ) -> None:
        """The output is stored: meta, location, citations and the outbox event, in one transaction."""
        self._one(
            "processed",
            "SELECT docpipe_processed(%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)",
            (
                upload_id,
                doc_id,
                Jsonb(meta),
                list(counts),
                pipeline_version,
                bucket,
                key,
                OUTPUT_JSON,
                Jsonb(citations),
                event["id"],
                routing_key,
                Jsonb(event),
            ),
        )

    def published(
        self, event_id: str, upload_id: int, task_id: str, outcome: str, timings: Mapping[str, float]
    ) -> None:
        """The outcome event went out: the upload (and a processed document) is finished."""
        self._one(
            "published",
            "SELECT docpipe_published(%s, %s, %s, %s, %s)",
            (event_id, upload_id, task_id, outcome, Jsonb(dict(timings))),
        )

    def _outbox(
        self,
        conn: psycopg.Connection[Any],
        upload_id: int,
        doc_id: str | None,
        event: Mapping[str, Any],
        routing_key: str,
    ) -> None:
        conn.execute(
            "INSERT INTO events (event_id, upload_id, doc_id, routing_key, body) VALUES (%s, %s, %s, %s, %s)"
            " ON CONFLICT (event_id) DO NOTHING",
            (event["id"], upload_id, doc_id, routing_key, Jsonb(event)),
        )

    def duplicate(self, upload_id: int, doc_id: str, owner: int, event: Mapping[str, Any], routing_key: str) -> None:
        """``upload_id`` carries content whose output belongs to the upload ``owner``."""
        with self._conn("duplicate") as conn, conn.transaction():
            conn.execute(
                "UPDATE uploads SET state = 'duplicate', doc_id = %s, duplicate_of = %s, done_at = now(), "
                "updated_at = now() WHERE upload_id = %s",
                (doc_id, owner, upload_id),
            )
            self._outbox(conn, upload_id, doc_id, event, routing_key)

    def superseded(self, upload_id: int, etag_now: str) -> None:
        """The key no longer holds this version: nothing to do for it."""
        self._one(
            "superseded",
            "UPDATE uploads SET state = 'superseded', etag_now = %s, done_at = now(), "
            "updated_at = now(), task_id = NULL, claim_until = NULL WHERE upload_id = %s RETURNING upload_id",
            (etag_now, upload_id),
        )

    def failed(
        self,
        upload_id: int,
        doc_id: str | None,
        *,
        code: str,
        reason: str,
        dead_letter: bool,
        task_id: str,
        pipeline_version: str,
        record_bucket: str,
        record_key: str,
        record: Mapping[str, Any],
        event: Mapping[str, Any],
        routing_key: str,
        written: bool,
    ) -> bool:
        """Record a failure, once per upload (a later one never overwrites it); True if this is the first."""
        with self._conn("failed") as conn, conn.transaction():
            first = (
                conn.execute(
                    "INSERT INTO failures (upload_id, doc_id, code, reason, dead_letter, task_id, pipeline_version, "
                    "record_bucket, record_key, record, record_written_at) "
                    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, CASE WHEN %s THEN now() END) "
                    "ON CONFLICT (upload_id) DO NOTHING RETURNING upload_id",
                    (
                        upload_id,
                        doc_id,
                        code,
                        reason,
                        dead_letter,
                        task_id,
                        pipeline_version,
                        record_bucket,
                        record_key,
                        Jsonb(record),
                        written,
                    ),
                ).fetchone()
                is not None
            )
            conn.execute(
                "UPDATE uploads SET state = 'failed', doc_id = coalesce(%s, doc_id), done_at = now(), "
                "updated_at = now() WHERE upload_id = %s",
                (doc_id, upload_id),
            )
            if doc_id:
                conn.execute(
                    "UPDATE documents SET state = 'failed', updated_at = now() WHERE doc_id = %s AND "
                    "state <> 'published' AND (owner_upload IS NULL OR owner_upload = %s)",
                    (doc_id, upload_id),
                )
            self._outbox(conn, upload_id, doc_id, event, routing_key)
        return first

    def release(self, upload_id: int, task_id: str) -> None:
        """Drop ``task_id``'s claim on the upload (someone else's claim is left alone)."""
        self._one(
            "release",
            "UPDATE uploads SET task_id = NULL, claim_until = NULL WHERE upload_id = %s AND "
            "task_id = %s RETURNING upload_id",
            (upload_id, task_id),
        )

    # -- sweeps (the reconciler) -----------------------------------------------------------------
    def unwritten_failures(self, limit: int = 100) -> list[dict[str, Any]]:
        """Failure records not yet in the failed bucket (the store was down when they happened)."""
        return self._all(
            "unwritten failures",
            "SELECT upload_id, record_bucket, record_key, record FROM failures "
            "WHERE record_written_at IS NULL ORDER BY failed_at LIMIT %s",
            (limit,),
        )

    def failure_written(self, upload_id: int) -> None:
        self._one(
            "failure written",
            "UPDATE failures SET record_written_at = now() WHERE upload_id = %s RETURNING upload_id",
            (upload_id,),
        )

    def unpublished_events(self, older_than: float, limit: int = 100) -> list[dict[str, Any]]:
        """Outbox events that never went out (their task gave up while the broker was down)."""
        return self._all(
            "unpublished events",
            "SELECT event_id::text, upload_id, routing_key, body FROM events "
            "WHERE published_at IS NULL AND created_at < now() - make_interval(secs => %s) "
            "ORDER BY created_at LIMIT %s",
            (older_than, limit),
        )

    def event_sent(self, event_id: str, upload_id: int, outcome: str) -> None:
        """An outbox event re-sent by the reconciler: finish its upload as the task would have."""
        self.published(event_id, upload_id, "", outcome, {})

    # -- checkpoints -----------------------------------------------------------------------------
    def load_checkpoint(self, name: str) -> int | None:
        row = self._one("checkpoint", "SELECT position FROM checkpoints WHERE name = %s", (name,))
        return None if row is None else int(row["position"])

    def save_checkpoint(self, name: str, position: int) -> None:
        self._one(
            "checkpoint",
            "INSERT INTO checkpoints (name, position) VALUES (%s, %s) ON CONFLICT (name) DO "
            "UPDATE SET position = EXCLUDED.position, updated_at = now() RETURNING name",
            (name, position),
        )

    # -- reading ---------------------------------------------------------------------------------
    def upload_ref(self, upload_id: int) -> str:
        row = self._one(
            "upload",
            "SELECT bucket || '/' || key || '@' || etag AS ref FROM uploads WHERE upload_id = %s",
            (upload_id,),
        )
        return "?" if row is None else str(row["ref"])

    def upload(self, obj: ObjectRef) -> dict[str, Any]:
        """One upload's row with its failure (code, reason) and the latest attempt's timings; {} if unknown."""
        row = self._one(
            "upload",
            _UPLOAD_SQL + " WHERE u.bucket = %s AND u.key = %s AND u.etag = %s",
            (obj.bucket, obj.key, obj.etag),
        )
        return row or {}

    def recent(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest uploads, newest first."""
        return self._all("recent", _UPLOAD_SQL + " ORDER BY u.updated_at DESC LIMIT %s", (limit,))

    def document(self, doc_id_or_prefix: str) -> dict[str, Any] | None:
        """A document (full id or unique prefix) with its outputs, citations and uploads; None if unknown."""
        rows = self._all(
            "document",
            "SELECT * FROM documents WHERE doc_id LIKE %s LIMIT 2",
            (doc_id_or_prefix.lower().replace("%", "") + "%",),
        )
        if len(rows) != 1:
            return None
        document = dict(rows[0])
        doc_id = document["doc_id"]
        document["outputs"] = self._all(
            "outputs",
            "SELECT kind, pipeline_version, bucket, key, created_at FROM outputs WHERE doc_id = %s ORDER BY created_at",
            (doc_id,),
        )
        document["citations"] = self._all(
            "citations",
            "SELECT cited_symbol, kind, occurrences FROM citations WHERE doc_id = %s ORDER BY cited_symbol",
            (doc_id,),
        )
        document["uploads"] = self._all("uploads", _UPLOAD_SQL + " WHERE u.doc_id = %s ORDER BY u.upload_id", (doc_id,))
        from workers.catalog.archives import ArchiveCatalog

        document["archive"] = ArchiveCatalog(self).state(doc_id)
        return document

    def counts(self, bucket: str | None = None) -> dict[str, int]:
        """Uploads by state (of one bucket, or all)."""
        rows = self._all(
            "counts",
            "SELECT state, count(*) AS n FROM uploads WHERE %s::text IS NULL OR bucket = %s GROUP BY state",
            (bucket, bucket),
        )
        return {str(r["state"]): int(r["n"]) for r in rows}


_UPLOAD_SQL = """
SELECT u.upload_id, u.bucket, u.key, u.etag, u.bucket || '/' || u.key || '@' || u.etag AS ref, u.source, u.size,
       u.state, u.doc_id, u.attempts, u.task_id, u.queued_at, u.started_at, u.done_at, u.updated_at,
       (SELECT o.bucket || '/' || o.key || '@' || o.etag FROM uploads o WHERE o.upload_id = u.duplicate_of)
           AS duplicate_of,
       f.code, f.reason, f.dead_letter,
       (SELECT a.timings FROM attempts a WHERE a.upload_id = u.upload_id ORDER BY a.number DESC LIMIT 1) AS timings,
       (SELECT e.event_id::text FROM events e WHERE e.upload_id = u.upload_id ORDER BY e.created_at DESC LIMIT 1)
           AS event_id
FROM uploads u LEFT JOIN failures f ON f.upload_id = u.upload_id
"""


def dumps(value: Any) -> str:
    """JSON for records that came out of the catalog (dates as ISO strings)."""
    return json.dumps(value, ensure_ascii=False, default=str, sort_keys=True, indent=2)


def catalog_from_settings(settings: Any, *, worker: str = "", pool_size: int | None = None) -> Catalog:
    """The one factory of catalog clients: pool size, timeouts and staleness from ``settings``."""
    w = settings.worker
    return Catalog.connect(
        settings.catalog_url,
        pool_size=pool_size or settings.catalog.pool_size,
        connect_timeout=settings.catalog.connect_timeout,
        stale_seconds=max(60.0, 2.0 * w.visibility_timeout),
        retry_dead_letter_seconds=float(w.dead_letter_ttl),
        claim_seconds=float(w.task_time_limit + 60),
        worker=worker,
    )
