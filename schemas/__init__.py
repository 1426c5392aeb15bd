"""Typed data shared by the core and the shell: the output contract and its parts."""

from schemas._base import DocumentId, FrozenModel
from schemas.document import (
    SCHEMA_VERSION,
    Entity,
    FootnoteRef,
    Meta,
    ProcessedDocument,
    ProcessingWarning,
    Provenance,
    Segment,
    VoteCounts,
)

__all__ = [
    "SCHEMA_VERSION",
    "DocumentId",
    "Entity",
    "FootnoteRef",
    "FrozenModel",
    "Meta",
    "ProcessedDocument",
    "ProcessingWarning",
    "Provenance",
    "Segment",
    "VoteCounts",
]
