"""Archivematica standard transfers of processed documents, as a3m 0.8 and Archivematica read them.

a3m 0.8.1 takes a directory (or a zip/tar it unpacks with ``unar``) and refuses bags ("Bags not
supported yet!" in its download step), so docpipe hands it a *standard transfer*::

    <name>/objects/<folder>/original.txt      the bytes as received
    <name>/objects/<folder>/document.json     docpipe's output
    <name>/objects/<folder>/document.akn.xml  Akoma Ntoso
    <name>/metadata/checksum.sha256           "<digest>  <folder>/<file>", relative to objects/
    <name>/metadata/checksum.sha512
    <name>/metadata/metadata.csv              Dublin Core per original (filename = objects/...)

The checksum files are what Archivematica's "Verify metadata directory checksums" job checks
(``sha256sum -c`` in ``objects/``, one line per file), so the AIP records a PREMIS fixity-check
event against docpipe's own digest; ``metadata.csv`` becomes the METS ``dmdSec``.
"""

from __future__ import annotations

import csv
import hashlib
import io
import shutil
import zipfile
from collections.abc import Sequence
from pathlib import Path

from workers.archive.item import ArchiveItem

#: Dublin Core columns of ``metadata.csv`` (Archivematica's names).
DC_COLUMNS = ("filename", "dc.identifier", "dc.title", "dc.date", "dc.language", "dc.creator", "dc.type", "dc.source")
_DC_TYPES = {"resolution": "Resolution", "draft_resolution": "Draft resolution", "decision": "Decision"}


def write_transfer(dest: Path, items: Sequence[ArchiveItem], *, generated: str) -> Path:
    """A standard transfer at ``dest`` (which must not exist) with a folder per document."""
    if not items:
        raise ValueError("a transfer needs at least one document")
    for item in items:
        item.check()
    if dest.exists():
        raise FileExistsError(dest)
    work = dest.with_name(dest.name + ".partial")
    shutil.rmtree(work, ignore_errors=True)
    try:
        sums: dict[str, list[str]] = {"sha256": [], "sha512": []}
        rows: list[dict[str, str]] = []
        for item in items:
            folder = work / "objects" / item.folder
            folder.mkdir(parents=True)
            for name, data in item.files(generated).items():
                (folder / name).write_bytes(data)
                for algorithm, lines in sums.items():
                    lines.append(f"{hashlib.new(algorithm, data).hexdigest()}  {item.folder}/{name}")
            rows.append(_dublin_core(item))
        metadata = work / "metadata"
        metadata.mkdir()
        for algorithm, lines in sums.items():
            (metadata / f"checksum.{algorithm}").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (metadata / "metadata.csv").write_text(_csv(rows), encoding="utf-8")
        work.rename(dest)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return dest


#: The time stamped on every member of a zipped transfer (zip cannot say "no time"; a fixed one
#: keeps the archive's bytes a function of its content).
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def zip_transfer(transfer: Path) -> Path:
    """``<transfer>.zip`` beside the transfer: its folder at the top (a3m and Archivematica's
    "zipped directory" transfers unpack it), members in a fixed order with a fixed time."""
    dest = transfer.with_name(transfer.name + ".zip")
    partial = dest.with_name(dest.name + ".partial")
    try:
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            for path in sorted(p for p in transfer.rglob("*") if p.is_file()):
                info = zipfile.ZipInfo(f"{transfer.name}/{path.relative_to(transfer).as_posix()}", ZIP_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, path.read_bytes())
        partial.rename(dest)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return dest


def _dublin_core(item: ArchiveItem) -> dict[str, str]:
    meta = item.doc.meta
    return {
        "filename": f"objects/{item.folder}/{item.original_name}",
        "dc.identifier": meta.symbol or item.doc.doc_id,
        "dc.title": meta.title or "",
        "dc.date": meta.adopted_on or "",
        "dc.language": {"zh": "zho", "en": "eng"}.get(meta.language, meta.language),
        "dc.creator": meta.body or "",
        "dc.type": _DC_TYPES.get(meta.doc_type or "", "Text"),
        "dc.source": item.doc.provenance.source_name,
    }


def _csv(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=DC_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


__all__ = ["DC_COLUMNS", "ZIP_TIME", "write_transfer", "zip_transfer"]
