"""Shared model base and small types. ``schemas`` imports nothing else of ours."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, StringConstraints

#: A document's id: the lowercase hex sha256 of its bytes.
DocumentId = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class FrozenModel(BaseModel):
    """Immutable, strict about unknown fields: what every stage takes and returns."""

    model_config = ConfigDict(frozen=True, extra="forbid")
