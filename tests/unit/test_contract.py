"""The committed JSON Schema is the one the models generate, and outputs validate against it."""

from __future__ import annotations

import json

from schemas import ProcessedDocument
from workers.cli.contract import SCHEMA_PATH, output_schema


def test_committed_schema_is_current() -> None:
    """Regenerate with `docpipe schema > schemas/document.schema.json` when this fails."""
    assert json.loads(SCHEMA_PATH.read_text("utf-8")) == output_schema()


def test_contract_fields_are_present() -> None:
    """The fields named in the output contract exist with their names."""
    props = output_schema()["properties"]
    assert {"meta", "segments", "entities"} <= set(props)
    defs = output_schema()["$defs"]
    assert {
        "doc_type",
        "body",
        "session",
        "committee",
        "agenda_item",
        "title",
        "symbol",
        "adopted_on",
        "meeting",
        "vote",
        "sponsors",
    } <= set(defs["Meta"]["properties"])
    assert {"id", "kind", "num", "parent", "text"} <= set(defs["Segment"]["properties"])
    assert {"type", "text", "value", "segment", "start", "end"} <= set(defs["Entity"]["properties"])


def test_output_round_trips(seed_paths) -> None:  # type: ignore[no-untyped-def]
    """A processed seed serialises to JSON and validates back into the model."""
    from pipeline.run import process

    doc = process(seed_paths[3].read_bytes(), seed_paths[3].name)
    assert ProcessedDocument.model_validate_json(doc.model_dump_json()) == doc
