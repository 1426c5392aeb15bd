"""Write archive packages for a set of documents: bags, transfers, or both; per document or per batch."""

from __future__ import annotations

import importlib.metadata
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from workers.archive.bag import write_bag
from workers.archive.item import ArchiveItem
from workers.archive.profile import COMMITTED_ID
from workers.archive.transfer import write_transfer

Format = Literal["bag", "transfer"]


def docpipe_version() -> str:
    """The installed docpipe distribution's version (what ``DocPipe-Version`` states)."""
    try:
        return importlib.metadata.version("docpipe")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True, slots=True)
class Written:
    """One package written: its kind, its path and the documents in it."""

    kind: Format
    path: Path
    doc_ids: tuple[str, ...]


def export(
    items: Sequence[ArchiveItem],
    out: Path,
    *,
    formats: Sequence[Format] = ("bag",),
    batch: str | None = None,
    generated: str,
    profile_id: str = COMMITTED_ID,
) -> list[Written]:
    """Packages under ``out``: ``<folder>.bag`` / ``<folder>.transfer`` per document, or one
    ``<batch>.bag`` / ``<batch>.transfer`` holding every document when ``batch`` names the batch.

    Bags declare ``profile_id`` (the URL docpipe's web server serves the profile at). A package
    that already exists is left alone (its name carries the content hash, so it holds
    the same documents): exporting twice writes nothing new.
    """
    out.mkdir(parents=True, exist_ok=True)
    groups = [(batch, list(items))] if batch else [(item.folder, [item]) for item in items]
    version = docpipe_version()
    written: list[Written] = []
    for name, group in groups:
        if not group:
            continue
        ids = tuple(item.doc.doc_id for item in group)
        for kind in formats:
            path = out / f"{name}.{kind}"
            if not path.exists():
                if kind == "bag":
                    write_bag(path, group, generated=generated, docpipe_version=version, profile_id=profile_id)
                else:
                    write_transfer(path, group, generated=generated)
            written.append(Written(kind, path, ids))
    return written


__all__ = ["Format", "Written", "docpipe_version", "export"]
