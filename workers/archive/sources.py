"""Where the documents to archive come from, and which of them an export takes.

Reading and selecting are apart on purpose: today the records come from a folder of outputs or
the processed bucket and ``select_since`` filters them by when they were written; once the
catalog exists, a catalog query returns the same ``Processed`` records (it knows processing
times and the inbox key of each original) and ``select_since`` is no longer needed.
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


def read_processed_bucket(store: ObjectStore, bucket: str) -> Iterator[Processed]:
    """The processed bucket: ``<doc-id>/document.json``, timed by the object's last modification."""
    for info in store.list_objects(bucket):
        if not info.key.endswith("/document.json"):
            continue
        doc = ProcessedDocument.model_validate_json(store.get_bytes(bucket, info.key))
        yield Processed(doc, info.last_modified or dt.datetime.fromtimestamp(0, dt.UTC))


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


def originals_in_bucket(store: ObjectStore, bucket: str) -> Originals:
    """Originals in the inbox: the worker processes an object under its key, so the key is the source name."""
    from workers.errors import ObjectNotFoundError

    def find(doc: ProcessedDocument) -> bytes | None:
        try:
            data = store.get_bytes(bucket, doc.provenance.source_name)
        except ObjectNotFoundError:
            return None
        return data if hashlib.sha256(data).hexdigest() == doc.provenance.sha256 else None

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
    "originals_in_bucket",
    "originals_in_folders",
    "read_output_dir",
    "read_processed_bucket",
    "select_since",
]
