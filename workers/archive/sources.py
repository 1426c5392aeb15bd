"""Where the documents to archive come from, and which of them an export takes.

Two sources give the same ``Processed`` records and an ``Originals`` finder:

- the catalog (``read_catalog``, what ``docpipe export`` uses by default): the published documents
  whose JSON output was written since a day, by a query (``ArchiveCatalog.processed_since``), their
  JSON read from where the catalog says, their originals from the uploads that carried them
  (checked against the document's sha256: a key overwritten since does not count);
- a folder of ``docpipe process`` outputs (``read_output_dir``), filtered by ``select_since`` on
  the files' times, with originals found by content in other folders.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from schemas import ProcessedDocument
from workers.archive.item import ArchiveItem
from workers.catalog.archives import ArchiveCatalog
from workers.catalog.catalog import ObjectRef
from workers.errors import ObjectNotFoundError
from workers.storage.s3 import ObjectStore


@dataclass(frozen=True, slots=True)
class Processed:
    """A processed document and when its output was written."""

    doc: ProcessedDocument
    processed_at: dt.datetime


class Originals(Protocol):
    """Finds the original bytes of a document (``None`` when they cannot be found)."""

    def __call__(self, doc: ProcessedDocument) -> bytes | None: ...


def select_since(records: Iterable[Processed], since: dt.date | None) -> list[Processed]:
    """Records written on or after ``since`` (UTC), oldest first; all of them when ``since`` is None."""
    chosen = [r for r in records if since is None or r.processed_at.astimezone(dt.UTC).date() >= since]
    return sorted(chosen, key=lambda r: (r.processed_at, r.doc.doc_id))


def read_output_dir(folder: Path) -> Iterator[Processed]:
    """``docpipe process`` outputs: ``<stem>.json`` files (``.akn.xml`` and others are skipped)."""
    for path in sorted(folder.glob("*.json")):
        doc = ProcessedDocument.model_validate_json(path.read_bytes())
        yield Processed(doc, dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC))


def read_catalog(
    archives: ArchiveCatalog, store: ObjectStore, since: dt.date | None
) -> tuple[list[Processed], Originals]:
    """The documents the catalog has published whose output was written on or after ``since``
    (UTC; all when None), oldest first, and a finder of their originals among their uploads."""
    records: list[Processed] = []
    uploads: dict[str, list[ObjectRef]] = {}
    for row in archives.processed_since(since):
        doc = ProcessedDocument.model_validate_json(store.get_bytes(row["bucket"], row["key"]))
        records.append(Processed(doc, row["processed_at"]))
        uploads[doc.doc_id] = [ObjectRef(*upload) for upload in row["uploads"] or []]

    def find(doc: ProcessedDocument) -> bytes | None:
        for upload in uploads.get(doc.doc_id, []):
            try:
                data = store.get_bytes(upload.bucket, upload.key)
            except ObjectNotFoundError:
                continue
            if hashlib.sha256(data).hexdigest() == doc.provenance.sha256:
                return data
        return None

    return records, find


def originals_in_folders(folders: Iterable[Path]) -> Originals:
    """Originals among the files of ``folders``, matched by content hash (names may differ)."""
    by_hash: dict[str, Path] = {}
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            by_hash.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)

    def find(doc: ProcessedDocument) -> bytes | None:
        path = by_hash.get(doc.provenance.sha256)
        return path.read_bytes() if path else None

    return find


def items(records: Iterable[Processed], originals: Originals) -> tuple[list[ArchiveItem], list[str]]:
    """Archive items for the records whose original is found; the ids of those without one."""
    found: list[ArchiveItem] = []
    missing: list[str] = []
    for record in records:
        data = originals(record.doc)
        if data is None:
            missing.append(record.doc.doc_id)
        else:
            found.append(ArchiveItem(record.doc, data))
    return found, missing


__all__ = [
    "Originals",
    "Processed",
    "items",
    "originals_in_folders",
    "read_catalog",
    "read_output_dir",
    "select_since",
]
