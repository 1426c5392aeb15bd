"""The JSON Schema of the output contract, generated from the models and committed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from schemas import ProcessedDocument

#: Where the committed schema lives.
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "schemas" / "document.schema.json"


def output_schema() -> dict[str, Any]:
    """JSON Schema (draft 2020-12) of ``ProcessedDocument``."""
    schema = ProcessedDocument.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://docpipe.example/schemas/document.schema.json"
    return schema
