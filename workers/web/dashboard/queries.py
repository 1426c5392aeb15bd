"""What the dashboard reads from the catalog: plain SQL over the tables of migrations 0001 and 0002.

Each function is one or a few statements through ``Catalog.rows`` (its pool, its error mapping).
The documents list filters and sorts on indexed columns (``documents_received``, ``documents_state``,
``documents_filters``, the prefix indexes) and pages with LIMIT/OFFSET plus one count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from workers.catalog.catalog import Catalog

#: Document states the filter offers.
DOCUMENT_STATES = ("received", "processing", "processed", "published", "failed")


@dataclass(frozen=True, slots=True)
class DocumentFilter:
    """The documents list's query string, validated."""

    state: str = ""
    organ: str = ""
    language: str = ""
    since: date | None = None
    until: date | None = None
    q: str = ""
    page: int = 1

    @classmethod
    def from_query(cls, params: Any) -> DocumentFilter:
        def day(name: str) -> date | None:
            try:
                return date.fromisoformat(str(params.get(name, "")).strip())
            except ValueError:
                return None

        state = str(params.get("state", "")).strip()
        page = str(params.get("page", "1")).strip()
        return cls(
            state=state if state in DOCUMENT_STATES else "",
            organ=str(params.get("organ", "")).strip()[:100],
            language=str(params.get("language", "")).strip()[:10],
            since=day("since"),
            until=day("until"),
            q=str(params.get("q", "")).strip()[:200],
            page=max(1, min(int(page), 100_000)) if page.isdigit() else 1,
        )

    def query_string(self, **changes: Any) -> str:
        """This filter as a query string, with ``changes`` (e.g. another page)."""
        from urllib.parse import urlencode

        values = {
            "state": self.state,
            "organ": self.organ,
            "language": self.language,
            "since": self.since.isoformat() if self.since else "",
            "until": self.until.isoformat() if self.until else "",
            "q": self.q,
            "page": self.page,
        } | changes
        return urlencode({k: v for k, v in values.items() if v not in ("", None) and (k != "page" or v != 1)})


@dataclass(slots=True)
class Page:
    rows: list[dict[str, Any]]
    total: int
    page: int
    size: int
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.size))


def _like(text: str) -> str:
    return text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def documents(catalog: Catalog, f: DocumentFilter, size: int) -> Page:
    """One page of documents, newest first, with the key of the upload that carries each."""
    clauses = (
        ("d.state = %s", f.state),
        ("d.body = %s", f.organ),
        ("d.language = %s", f.language),
        ("d.received_at >= %s", f.since),
        ("d.received_at < %s::date + 1", f.until),
    )
    where: list[str] = ["TRUE", *(clause for clause, value in clauses if value)]
    params: list[Any] = [value for _, value in clauses if value]
    if f.q:
        like = _like(f.q)
        where.append(
            "(lower(d.symbol) LIKE %s OR lower(d.title) LIKE %s OR d.doc_id LIKE %s OR EXISTS "
            "(SELECT 1 FROM uploads s WHERE s.doc_id = d.doc_id AND lower(s.key) LIKE %s))"
        )
        params += [like + "%", "%" + like + "%", like + "%", "%" + like + "%"]
    sql_where = " AND ".join(where)
    total_row = catalog.row(
        "documents count", f"SELECT count(*) AS n FROM documents d WHERE {sql_where}", tuple(params)
    )
    rows = catalog.rows(
        "documents",
        "SELECT d.doc_id, d.state, d.body, d.language, d.symbol, d.title, d.received_at, d.published_at, "
        "d.updated_at, d.pipeline_version, u.key, u.upload_id, u.done_at, f.code "
        f"FROM documents d "
        "LEFT JOIN LATERAL (SELECT x.key, x.upload_id, x.done_at FROM uploads x WHERE x.doc_id = d.doc_id "
        "ORDER BY (x.upload_id = d.owner_upload) DESC, x.upload_id DESC LIMIT 1) u ON TRUE "
        "LEFT JOIN failures f ON f.upload_id = u.upload_id "
        f"WHERE {sql_where} ORDER BY d.received_at DESC, d.doc_id LIMIT %s OFFSET %s",
        (*params, size, (f.page - 1) * size),
    )
    return Page(rows, int(total_row["n"]) if total_row else 0, f.page, size)


def facets(catalog: Catalog) -> dict[str, list[str]]:
    """The organs and languages the filters offer."""
    rows = catalog.rows(
        "facets",
        "SELECT 'organ' AS facet, body AS value FROM documents WHERE body IS NOT NULL GROUP BY body "
        "UNION ALL SELECT 'language', language FROM documents WHERE language IS NOT NULL GROUP BY language "
        "ORDER BY 1, 2",
    )
    out: dict[str, list[str]] = {"organ": [], "language": []}
    for r in rows:
        out[str(r["facet"])].append(str(r["value"]))
    return out


def document(catalog: Catalog, doc_id: str) -> dict[str, Any] | None:
    """A document with its uploads (each with its attempts, failure and failure history), outputs
    and operator actions; None if unknown."""
    doc = catalog.row("document", "SELECT * FROM documents WHERE doc_id = %s", (doc_id,))
    if doc is None:
        return None
    doc["uploads"] = catalog.rows(
        "uploads",
        "SELECT u.*, f.code, f.reason, f.dead_letter, f.failed_at, f.task_id AS failed_task FROM uploads u "
        "LEFT JOIN failures f ON f.upload_id = u.upload_id WHERE u.doc_id = %s ORDER BY u.upload_id",
        (doc_id,),
    )
    ids = [u["upload_id"] for u in doc["uploads"]]
    attempts = catalog.rows(
        "attempts", "SELECT * FROM attempts WHERE upload_id = ANY(%s) ORDER BY upload_id, number", (ids,)
    )
    history = catalog.rows(
        "failure history",
        "SELECT * FROM failure_history WHERE upload_id = ANY(%s) ORDER BY failed_at",
        (ids,),
    )
    for upload in doc["uploads"]:
        upload["attempts_list"] = [a for a in attempts if a["upload_id"] == upload["upload_id"]]
        upload["history"] = [h for h in history if h["upload_id"] == upload["upload_id"]]
    doc["outputs"] = catalog.rows(
        "outputs",
        "SELECT kind, pipeline_version, bucket, key, created_at FROM outputs WHERE doc_id = %s "
        "ORDER BY created_at DESC",
        (doc_id,),
    )
    doc["actions"] = catalog.rows(
        "actions",
        "SELECT * FROM operator_actions WHERE doc_id = %s ORDER BY requested_at DESC, action_id DESC",
        (doc_id,),
    )
    return doc


def failures(catalog: Catalog, code: str = "", limit: int = 200) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Current failures by code (count, latest), and the failed uploads (of one code), newest first."""
    groups = catalog.rows(
        "failures by code",
        "SELECT f.code, count(*) AS n, max(f.failed_at) AS latest FROM failures f "
        "JOIN uploads u ON u.upload_id = f.upload_id WHERE u.state = 'failed' GROUP BY f.code ORDER BY n DESC, f.code",
    )
    rows = catalog.rows(
        "failures",
        "SELECT f.upload_id, f.doc_id, f.code, f.reason, f.dead_letter, f.failed_at, u.key, u.attempts, "
        "d.symbol FROM failures f JOIN uploads u ON u.upload_id = f.upload_id "
        "LEFT JOIN documents d ON d.doc_id = f.doc_id "
        "WHERE u.state = 'failed' AND (%s = '' OR f.code = %s) ORDER BY f.failed_at DESC LIMIT %s",
        (code, code, limit),
    )
    return groups, rows


def recent_actions(catalog: Catalog, limit: int = 20) -> list[dict[str, Any]]:
    return catalog.rows(
        "recent actions",
        "SELECT a.*, u.key FROM operator_actions a LEFT JOIN uploads u ON u.upload_id = a.upload_id "
        "ORDER BY a.requested_at DESC, a.action_id DESC LIMIT %s",
        (limit,),
    )


def throughput(catalog: Catalog, hours: int, bucket_minutes: int) -> list[dict[str, Any]]:
    """Per time bucket over the last ``hours``: uploads finished (``done``) and the backlog at the
    bucket's end (queued and not finished yet): a base count at the start plus running sums, in
    three indexed aggregates rather than one scan per bucket."""
    width = bucket_minutes * 60
    params = (hours, width, width)
    window = (
        "WITH s AS (SELECT to_timestamp(floor(extract(epoch FROM now() - make_interval(hours => %s)) / %s) * %s) AS t0)"
    )
    base = catalog.row(
        "backlog base",
        window + " SELECT (SELECT count(*) FROM uploads, s WHERE queued_at < s.t0) - "
        "(SELECT count(*) FROM uploads, s WHERE done_at < s.t0) AS n, (SELECT t0 FROM s) AS t0",
        params,
    )
    per = catalog.rows(
        "throughput",
        window + " SELECT 'q' AS what, floor(extract(epoch FROM queued_at - s.t0) / %s)::int AS i, count(*) AS n "
        "FROM uploads, s WHERE queued_at >= s.t0 GROUP BY 2 "
        "UNION ALL SELECT 'd', floor(extract(epoch FROM done_at - s.t0) / %s)::int, count(*) "
        "FROM uploads, s WHERE done_at >= s.t0 GROUP BY 2",
        (*params, width, width),
    )
    assert base is not None
    n_buckets = hours * 60 // bucket_minutes + 1
    queued, done = [0] * n_buckets, [0] * n_buckets
    for r in per:
        i = min(max(int(r["i"]), 0), n_buckets - 1)
        (queued if r["what"] == "q" else done)[i] += int(r["n"])
    from datetime import timedelta

    out, backlog = [], int(base["n"])
    for i in range(n_buckets):
        backlog += queued[i] - done[i]
        out.append({"t": base["t0"] + timedelta(seconds=i * width), "done": done[i], "backlog": max(backlog, 0)})
    return out


def states(catalog: Catalog) -> dict[str, int]:
    rows = catalog.rows("document states", "SELECT state, count(*) AS n FROM documents GROUP BY state")
    return {str(r["state"]): int(r["n"]) for r in rows}


def latest_event_time(catalog: Catalog) -> datetime | None:
    """When the newest outcome event was recorded (None: no event yet)."""
    row = catalog.row("latest event", "SELECT max(created_at) AS t FROM events")
    return None if row is None else row["t"]


def events_since(catalog: Catalog, since: datetime | None, lookback: float, limit: int = 200) -> list[dict[str, Any]]:
    """Outcome events recorded after ``since - lookback`` seconds (every one when ``since`` is None),
    oldest first, with the key of their upload."""
    return catalog.rows(
        "events",
        "SELECT e.created_at, e.event_id::text AS event_id, e.doc_id, e.routing_key, u.key FROM events e "
        "LEFT JOIN uploads u ON u.upload_id = e.upload_id "
        "WHERE %s::timestamptz IS NULL OR e.created_at > %s::timestamptz - make_interval(secs => %s) "
        "ORDER BY e.created_at, e.event_id LIMIT %s",
        (since, since, lookback, limit),
    )
