"""Composition of the stages: ``process(bytes, name, *, options=None, on_stage=None) -> ProcessedDocument``."""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from pipeline.clean import clean
from pipeline.errors import TooLargeError
from pipeline.extract import extract
from pipeline.read import read
from pipeline.segment import segment
from pipeline.version import PIPELINE_VERSION
from schemas import ProcessedDocument, ProcessingWarning, Provenance
from schemas.options import PipelineOptions


def process(
    data: bytes,
    name: str,
    *,
    options: PipelineOptions | None = None,
    on_stage: Callable[[str], None] | None = None,
) -> ProcessedDocument:
    """Read, clean, segment and extract one document. Bad input raises a ``PermanentError``.

    ``options.limits`` bounds what one document may cost (``TooLargeError``, code ``too_large``,
    before the work that would exceed it). ``on_stage`` is called with ``"read"``, ``"cleaned"``,
    ``"segmented"`` and ``"extracted"`` as each stage ends, so the shell can time the stages (the
    core itself never reads a clock).
    """
    limits = (options or PipelineOptions()).limits
    mark = on_stage or _ignore
    digest = hashlib.sha256(data).hexdigest()
    source = read(data, name, limits)
    mark("read")
    text = source.simplified if source.simplified is not None else source.text
    cleaned = clean(text)
    mark("cleaned")
    segmented = segment(cleaned)
    if len(segmented.segments) > limits.max_segments:
        raise TooLargeError(
            f"{name}: {len(segmented.segments)} segments, over the limit max_segments={limits.max_segments}",
            limit="max_segments", stage="segment", document=name,
        )  # fmt: skip
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
