"""Composition of the stages: ``process(bytes, name) -> ProcessedDocument``."""

from __future__ import annotations

import hashlib

from pipeline.clean import clean
from pipeline.extract import extract
from pipeline.read import read
from pipeline.segment import segment
from pipeline.version import PIPELINE_VERSION
from schemas import ProcessedDocument, ProcessingWarning, Provenance


def process(data: bytes, name: str) -> ProcessedDocument:
    """Read, clean, segment and extract one document. Bad input raises a ``PermanentError``."""
    digest = hashlib.sha256(data).hexdigest()
    source = read(data, name)
    text = source.simplified if source.simplified is not None else source.text
    cleaned = clean(text)
    segmented = segment(cleaned)
    entities = extract(segmented)
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
