"""Intermediate documents passed between the pure stages: read -> clean -> segment -> extract."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from schemas._base import FrozenModel
from schemas.document import FootnoteRef, Meta, ProcessingWarning, Segment


class Block(FrozenModel):
    """One cleaned paragraph (or footnote) with the places in the original it came from."""

    kind: Literal["body", "footnote"]
    text: str
    num: str | None = Field(None, description="Footnote number, for footnote blocks")
    spans: list[tuple[int, int]]
    footnote_refs: list[FootnoteRef] = Field(default_factory=list)
    bold: bool = False
    rejoined: int = Field(0, description="How many page or footnote breaks were closed inside this block")


class CleanDocument(FrozenModel):
    """Text cleaned into blocks, footnotes detached, page-split paragraphs rejoined."""

    blocks: list[Block]
    formula_index: int | None = Field(None, description="Index in blocks of the enacting formula, if any")
    warnings: list[ProcessingWarning] = Field(default_factory=list)


class SegmentedDocument(FrozenModel):
    """The document's structure and header facts, before entity extraction."""

    meta: Meta
    segments: list[Segment]
    warnings: list[ProcessingWarning] = Field(default_factory=list)
