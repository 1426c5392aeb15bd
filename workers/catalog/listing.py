"""Reading the catalog for people: uploads filtered by state and time, one document's whole record.

``uploads(catalog, states=..., since=..., limit=...)`` is what ``docpipe status`` lists;
``record(catalog, ref)`` what ``docpipe show`` prints: a document (by id, a unique prefix of it,
or the key of one of its uploads) with its uploads, every attempt with its timings, failures,
outputs, citations and archive state.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from workers.catalog.catalog import Catalog

#: One row per upload, with its document's symbol and title, the failure, and the latest attempt's timings.
_UPLOADS = """
SELECT u.upload_id, u.bucket, u.key, u.etag, u.bucket || '/' || u.key || '@' || u.etag AS ref, u.source, u.size,
       u.state, u.doc_id, u.attempts, u.task_id, u.queued_at, u.started_at, u.done_at, u.updated_at,
       (SELECT o.bucket || '/' || o.key FROM uploads o WHERE o.upload_id = u.duplicate_of) AS duplicate_of,
       d.symbol, d.title, d.language, d.body, f.code, f.reason, f.dead_letter, f.record_bucket, f.record_key,
       (SELECT a.timings FROM attempts a WHERE a.upload_id = u.upload_id ORDER BY a.number DESC LIMIT 1) AS timings
FROM uploads u LEFT JOIN failures f ON f.upload_id = u.upload_id LEFT JOIN documents d ON d.doc_id = u.doc_id
"""


def uploads(
    catalog: Catalog, *, states: Collection[str] = (), since: datetime | None = None, limit: int = 20
) -> list[dict[str, Any]]:
    """The latest uploads (newest change first), of the given states only, changed since ``since``."""
    return catalog.rows(
        "uploads",
        _UPLOADS + " WHERE (cardinality(%s::text[]) = 0 OR u.state = ANY(%s::text[]))"
        " AND (%s::timestamptz IS NULL OR u.updated_at >= %s::timestamptz)"
        " ORDER BY u.updated_at DESC, u.upload_id DESC LIMIT %s",
        (list(states), list(states), since, since, limit),
    )


def record(catalog: Catalog, ref: str) -> dict[str, Any] | None:
    """A document's full record by id, unique id prefix (>= 8 characters) or upload key; None if unknown.

    A key whose upload failed before its bytes were read has no document: the record is then that
    upload alone (``{"doc_id": None, "uploads": [...]}``)."""
    doc_id = _document_id(catalog, ref)
    if doc_id is None:
        found = _uploads_of_key(catalog, ref)
        if not found:
            return None
        return {"doc_id": None, "uploads": [_with_attempts(catalog, u) for u in found]}
    document = catalog.document(doc_id)
    if document is None:
        return None
    document["uploads"] = [_with_attempts(catalog, u) for u in _uploads_of_doc(catalog, doc_id)]
    return document


def _document_id(catalog: Catalog, ref: str) -> str | None:
    text = ref.strip().lower()
    if len(text) >= 8 and all(c in "0123456789abcdef" for c in text):
        rows = catalog.rows(
            "document", "SELECT doc_id FROM documents WHERE doc_id LIKE %s LIMIT 2", (text.replace("%", "") + "%",)
        )
        if len(rows) == 1:
            return str(rows[0]["doc_id"])
    with_doc = [u for u in _uploads_of_key(catalog, ref) if u["doc_id"]]
    return str(with_doc[0]["doc_id"]) if with_doc else None


def _uploads_of_key(catalog: Catalog, ref: str) -> list[dict[str, Any]]:
    """Uploads whose key is ``ref``, or whose ``bucket/key`` is (newest first)."""
    bucket, _, key = ref.partition("/")
    return catalog.rows(
        "uploads",
        _UPLOADS + " WHERE u.key = %s OR (u.bucket = %s AND u.key = %s) ORDER BY u.updated_at DESC LIMIT 20",
        (ref, bucket, key),
    )


def _uploads_of_doc(catalog: Catalog, doc_id: str) -> list[dict[str, Any]]:
    return catalog.rows("uploads", _UPLOADS + " WHERE u.doc_id = %s ORDER BY u.upload_id", (doc_id,))


def _with_attempts(catalog: Catalog, upload: dict[str, Any]) -> dict[str, Any]:
    upload = dict(upload)
    upload["attempts_list"] = catalog.rows(
        "attempts",
        "SELECT number, task_id, worker, started_at, finished_at, outcome, timings FROM attempts "
        "WHERE upload_id = %s ORDER BY number",
        (upload["upload_id"],),
    )
    return upload
