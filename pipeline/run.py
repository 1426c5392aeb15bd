"""Composition of the stages: ``process(bytes, name, *, options=None, on_stage=None) -> ProcessedDocument``.

read -> detect the language (it picks the profile) -> clean -> segment -> extract -> the
segments back in the script they were printed in -> one validation of the published document.
The stages hand each other ``schemas`` models built without re-validation (the stages made
them); the output is validated once, here.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from pipeline.clean import clean
from pipeline.errors import TooLargeError
from pipeline.extract import extract
from pipeline.language import detect
from pipeline.profiles import profile_for
from pipeline.read import read
from pipeline.script import restore, restored_text
from pipeline.segment import segment
from pipeline.version import PIPELINE_VERSION
from schemas import Meta, ProcessedDocument, ProcessingWarning
from schemas.options import PipelineOptions
from schemas.stages import Part


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
    profile = profile_for(detect(source.text))
    view = profile.processing_script(source.text)
    text = view if view is not None else source.text
    cleaned = clean(text, profile)
    mark("cleaned")
    segmented = segment(cleaned, profile, name=name)
    if len(segmented.segments) > limits.max_segments:
        raise TooLargeError(
            f"{name}: {len(segmented.segments)} segments, over the limit max_segments={limits.max_segments}",
            limit="max_segments",
            stage="segment",
            document=name,
        )
    mark("segmented")
    entities = extract(segmented, profile)
    mark("extracted")
    segments = [_fields(part) for part in segmented.segments]
    # meta and warnings are models already: validation takes them as they are
    meta: Meta | dict[str, Any] = segmented.meta
    warnings: list[ProcessingWarning | dict[str, Any]] = list(segmented.warnings)
    if view is not None:
        meta = segmented.meta.model_dump()
        _restore_script(segments, meta, entities, source.text, view)
        warnings.insert(
            0, {"code": "traditional_script", "message": "traditional characters read through a simplified view"}
        )
    provenance = {
        "source_name": name,
        "sha256": digest,
        "size": len(data),
        "media_type": source.media_type,
        "encoding": source.encoding,
        "pipeline_version": PIPELINE_VERSION,
        "characters": len(source.text),
        "converted_from_traditional": view is not None,
    }
    return ProcessedDocument.model_validate(
        {
            "doc_id": digest,
            "meta": meta,
            "segments": segments,
            "entities": entities,
            "provenance": provenance,
            "warnings": warnings,
        }
    )


def _restore_script(
    segments: list[dict[str, Any]], meta: dict[str, Any], entities: list[dict[str, Any]], original: str, view: str
) -> None:
    """Segments, title and entity texts in the characters the document was printed in."""
    title = meta.get("title")
    for seg in segments:
        if title and seg["kind"] == "header" and title in seg["text"]:
            at = seg["text"].index(title)
            meta["title"] = restored_text(seg["text"], seg["spans"], original, view)[at : at + len(title)]
            title = None
    restore(segments, original, view)
    texts = {seg["id"]: seg["text"] for seg in segments}
    printed: dict[str, str] = {}
    for entity in entities:
        simplified = entity["text"]
        entity["text"] = texts[entity["segment"]][entity["start"] : entity["end"]]
        if entity["type"] in ("instrument", "law", "publication") and entity["value"] is not None:
            if entity["value"] == simplified:
                printed.setdefault(simplified, entity["text"])
            entity["value"] = printed.get(entity["value"], entity["value"])


def _fields(part: Part) -> dict[str, Any]:
    """A segment's fields, to be validated with the whole document (markers as dicts)."""
    fields: dict[str, Any] = dict(part)
    if part["footnote_refs"]:
        fields["footnote_refs"] = [{"num": num, "offset": offset} for num, offset in part["footnote_refs"]]
    return fields


def _ignore(_stage: str) -> None:
    """No stage observer."""
