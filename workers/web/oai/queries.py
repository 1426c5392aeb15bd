"""The catalog queries behind the OAI-PMH verbs: published documents, keyset-paged by datestamp.

An item is a document in state ``published``; its datestamp is ``documents.updated_at``, which
moves when it is published, published again at a new pipeline version, or archived (the ``akn``
format appears). Lists run in ``(updated_at, doc_id)`` order from a keyset position (the
``documents_state`` index on ``(state, updated_at)`` serves them), bounded above by the first
page's clock, so documents published during a harvest neither shift nor repeat its pages.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from workers.catalog.catalog import Catalog
from workers.names import OUTPUT_AKN
from workers.web.oai.sets import SetFilter

#: The document columns a record is built from.
COLUMNS = (
    "d.doc_id, d.updated_at, d.published_at, d.pipeline_version, d.doc_type, d.symbol, d.body, d.language, "
    "d.session, d.title, d.adopted_on, d.meta"
)


@dataclass(frozen=True, slots=True)
class Selection:
    """What a list selects: ``[start, end)`` on the datestamp, a set, items having a format's output."""

    end: dt.datetime
    start: dt.datetime | None = None
    sets: SetFilter = field(default_factory=SetFilter)
    #: Only items with an output of this kind for their version (``akn``), or any.
    output_kind: str | None = None


class OaiCatalog:
    """Read-only queries for the OAI-PMH endpoint (same pool and outage mapping as ``Catalog``)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog

    def now(self) -> dt.datetime:
        """The catalog's clock: datestamps are its times, so lists are bounded by it."""
        row = self.catalog.row("oai clock", "SELECT clock_timestamp() AS now")
        assert row is not None
        now: dt.datetime = row["now"]
        return now

    def earliest(self) -> dt.datetime | None:
        row = self.catalog.row("oai earliest", "SELECT min(updated_at) AS t FROM documents WHERE state = 'published'")
        return None if row is None else row["t"]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        return self.catalog.row(
            "oai document",
            f"SELECT {COLUMNS} FROM documents d WHERE d.doc_id = %s AND d.state = 'published'",
            (doc_id,),
        )

    def bodies(self) -> list[str]:
        """The organs of published documents (to read set specs)."""
        rows = self.catalog.rows(
            "oai organs",
            "SELECT DISTINCT body FROM documents WHERE state = 'published' AND body IS NOT NULL ORDER BY body",
        )
        return [str(r["body"]) for r in rows]

    def set_counts(self) -> list[dict[str, Any]]:
        """(organ, session, documents) of published documents with an organ."""
        return self.catalog.rows(
            "oai sets",
            "SELECT body, session, count(*) AS n FROM documents WHERE state = 'published' AND body IS NOT NULL "
            "GROUP BY body, session ORDER BY body, session NULLS FIRST",
        )

    def _where(self, selection: Selection) -> tuple[str, list[Any]]:
        clauses = ["d.state = 'published'", "d.updated_at < %s"]
        params: list[Any] = [selection.end]
        if selection.start is not None:
            clauses.append("d.updated_at >= %s")
            params.append(selection.start)
        sets = selection.sets
        if sets.empty:
            clauses.append("false")
        if sets.any_organ:
            clauses.append("d.body IS NOT NULL")
        if sets.body is not None:
            clauses.append("d.body = %s")
            params.append(sets.body)
        if sets.any_session:
            clauses.append("d.session IS NOT NULL")
        if sets.session is not None:
            clauses.append("d.session = %s")
            params.append(sets.session)
        if selection.output_kind is not None:
            clauses.append(
                "EXISTS (SELECT 1 FROM outputs o WHERE o.doc_id = d.doc_id AND o.kind = %s "
                "AND o.pipeline_version = d.pipeline_version)"
            )
            params.append(selection.output_kind)
        return " AND ".join(clauses), params

    def count(self, selection: Selection) -> int:
        where, params = self._where(selection)
        row = self.catalog.row("oai count", f"SELECT count(*) AS n FROM documents d WHERE {where}", tuple(params))
        return 0 if row is None else int(row["n"])

    def page(self, selection: Selection, after: tuple[dt.datetime, str] | None, limit: int) -> list[dict[str, Any]]:
        """Up to ``limit`` items after the keyset position ``after``, in datestamp order."""
        where, params = self._where(selection)
        if after is not None:
            where += " AND (d.updated_at, d.doc_id) > (%s, %s)"
            params += [after[0], after[1]]
        return self.catalog.rows(
            "oai page",
            f"SELECT {COLUMNS} FROM documents d WHERE {where} ORDER BY d.updated_at, d.doc_id LIMIT %s",
            (*params, limit),
        )

    def citations(self, doc_ids: Sequence[str]) -> dict[str, list[dict[str, Any]]]:
        """Per document, the symbols it cites with the ids of published documents carrying them."""
        rows = self.catalog.rows(
            "oai citations",
            "SELECT c.doc_id, c.cited_symbol, array(SELECT d.doc_id FROM documents d WHERE d.symbol = c.cited_symbol "
            "AND d.state = 'published' ORDER BY d.doc_id) AS cited_ids FROM citations c "
            "WHERE c.doc_id = ANY(%s) ORDER BY c.doc_id, c.cited_symbol",
            (list(doc_ids),),
        )
        found: dict[str, list[dict[str, Any]]] = {}
        for row in rows:
            found.setdefault(str(row["doc_id"]), []).append(row)
        return found

    def outputs(self, doc_ids: Sequence[str], kind: str) -> dict[str, tuple[str, str]]:
        """Per document, where its output of ``kind`` for its current version is (bucket, key)."""
        rows = self.catalog.rows(
            "oai outputs",
            "SELECT o.doc_id, o.bucket, o.key FROM outputs o JOIN documents d ON d.doc_id = o.doc_id "
            "AND d.pipeline_version = o.pipeline_version WHERE o.doc_id = ANY(%s) AND o.kind = %s",
            (list(doc_ids), kind),
        )
        return {str(r["doc_id"]): (str(r["bucket"]), str(r["key"])) for r in rows}

    def has_akn(self, doc_id: str) -> bool:
        return bool(self.outputs([doc_id], OUTPUT_AKN))


__all__ = ["COLUMNS", "OaiCatalog", "Selection"]
