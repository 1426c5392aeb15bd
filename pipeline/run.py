"""Composition of the stages: ``process(bytes, name) -> ProcessedDocument``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from pipeline.clean import clean
from pipeline.extract import extract
from pipeline.read import read
from pipeline.segment import segment
from pipeline.version import PIPELINE_VERSION
from schemas import ProcessedDocument, ProcessingWarning, Provenance


def process(data: bytes, name: str, *, on_stage: Callable[[str], None] | None = None) -> ProcessedDocument:
    """Read, clean, segment and extract one document. Bad input raises a ``PermanentError``.

    ``on_stage`` is called with ``"read"``, ``"cleaned"``, ``"segmented"`` and ``"extracted"`` as
    each stage ends, so the shell can time the stages (the core itself never reads a clock).
    """
    mark = on_stage or _ignore
    digest = hashlib.sha256(data).hexdigest()
    source = read(data, name)
    mark("read")
    text = source.simplified if source.simplified is not None else source.text
    cleaned = clean(text)
    mark("cleaned")
    segmented = segment(cleaned)
    mark("segmented")
    entities = extract(segmented)
    mark("extracted")
    warnings = list(segmented.warnings)
    if source.simplified is not None:
        warnings.insert(
            0,
            ProcessingWarning(
                code="traditional_script", message="traditional characters converted to simplified for processing"
            ),
        )
    provenance = Provenance(
        source_name=name,
        sha256=digest,
        size=len(data),
        media_type=source.media_type,
        encoding=source.encoding,
        pipeline_version=PIPELINE_VERSION,
        characters=len(source.text),
        converted_from_traditional=source.simplified is not None,
    )
    return ProcessedDocument(
        doc_id=digest,
        meta=segmented.meta,
        segments=segmented.segments,
        entities=entities,
        provenance=provenance,
        warnings=warnings,
    )


def _ignore(_stage: str) -> None:
    """No stage observer."""
