"""One document to archive: its processed output, its original bytes, and what the packages say of it."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import PurePosixPath

from pipeline.akn import to_bytes, work_iri
from schemas import ProcessedDocument

_UNSAFE = re.compile(r"[^0-9A-Za-z._-]+")


@dataclass(frozen=True, slots=True)
class ArchiveItem:
    """A processed document with its original, ready to be bagged or transferred.

    ``original`` must hash to ``doc.provenance.sha256``: a package never holds bytes other than
    the ones the JSON was made from (``check()`` says so before anything is written).
    """

    doc: ProcessedDocument
    original: bytes
    #: The Akoma Ntoso XML to package; None: built here from ``doc`` (no citation look-up).
    akn: bytes | None = None

    def check(self) -> None:
        """Raise ``ValueError`` when the original is not the document's."""
        digest = hashlib.sha256(self.original).hexdigest()
        if digest != self.doc.provenance.sha256:
            raise ValueError(f"original of {self.doc.doc_id} hashes to {digest}")

    @property
    def folder(self) -> str:
        """An ASCII folder name: the symbol (``A-RES-69-179``) or the id's first 16 hex digits.

        Archivematica renames anything non-ASCII; choosing the names here keeps the AIP's paths ours.
        """
        symbol = self.doc.meta.symbol
        if symbol:
            name = _UNSAFE.sub("_", symbol.replace("/", "-")).strip("._")
            if name:
                return f"{name}-{self.doc.doc_id[:8]}"
        return self.doc.doc_id[:16]

    @property
    def original_name(self) -> str:
        """``original`` + the source's extension (``original.txt``), ASCII for the same reason."""
        suffix = _UNSAFE.sub("", PurePosixPath(self.doc.provenance.source_name).suffix.lower())
        return "original" + (suffix if suffix not in ("", ".") else ".bin")

    def files(self, generated: str) -> dict[str, bytes]:
        """The payload of one document: original, ``document.json``, ``document.akn.xml``."""
        return {
            self.original_name: self.original,
            "document.json": self.doc.model_dump_json(indent=1).encode("utf-8"),
            "document.akn.xml": self.akn if self.akn is not None else to_bytes(self.doc, generated=generated),
        }

    def tags(self) -> list[tuple[str, str]]:
        """bag-info tags of this document (``DocPipe-*``; UN MARC 191/269/710 in spirit)."""
        meta = self.doc.meta
        prov = self.doc.provenance
        tags = [
            ("DocPipe-Doc-Id", self.doc.doc_id),
            ("DocPipe-Content-SHA256", prov.sha256),
            ("DocPipe-Source-Name", prov.source_name),
            ("DocPipe-Pipeline-Version", prov.pipeline_version),
            ("DocPipe-Language", meta.language),
            ("DocPipe-AKN-Work-IRI", work_iri(self.doc)),
        ]
        optional = [
            ("DocPipe-Symbol", meta.symbol),
            ("External-Identifier", meta.symbol),
            ("External-Description", meta.title),
            ("DocPipe-Organ", meta.body),
            ("DocPipe-Session", str(meta.session) if meta.session is not None else None),
            ("DocPipe-Adopted-On", meta.adopted_on),
        ]
        tags += [(name, value) for name, value in optional if value]
        return [(name, _one_line(value)) for name, value in tags]


def _one_line(value: str) -> str:
    """A tag value on one line (bag-info.txt is line-oriented)."""
    return " ".join(value.split())


__all__ = ["ArchiveItem"]
