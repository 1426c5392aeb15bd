"""Intermediate documents passed between the pure stages: read -> clean -> segment -> extract.

Immutable records, not validating models: the stages make them for each other (a document
holds a few hundred), and what the stages finally publish, ``ProcessedDocument``, is validated
once, at the output. Measured on the seeds: building the stage documents as validating models
took a seventh of the core's time. The many small ones are named tuples (``Block``, ``Ref``), built
in one C call (a frozen dataclass sets each field through ``object.__setattr__``, three times
slower), or, for the segments, the dicts the segmenter builds anyway (``Part``); their list fields
are never shared, the stages always pass their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal, NamedTuple, TypedDict

from schemas.document import Meta, ProcessingWarning, SegmentKind


class Ref(NamedTuple):
    """A footnote marker removed from a text: which note, and the offset where it stood."""

    num: str
    offset: int


class Block(NamedTuple):
    """One cleaned paragraph (or footnote) with the places in the original it came from."""

    kind: Literal["body", "footnote"]
    text: str
    spans: list[tuple[int, int]]
    footnote_refs: list[Ref]
    #: Footnote number, for footnote blocks.
    num: str | None = None
    bold: bool = False
    #: How many page or footnote breaks were closed inside this block.
    rejoined: int = 0


@dataclass(frozen=True, slots=True)
class CleanDocument:
    """Text cleaned into blocks, footnotes detached, page-split paragraphs rejoined."""

    blocks: list[Block]
    #: Index in ``blocks`` of the enacting formula, if any.
    formula_index: int | None = None
    warnings: list[ProcessingWarning] = field(default_factory=list)


class Part(TypedDict):
    """A segment as the segmenter made it: the fields of the published ``Segment`` (with its
    footnote markers as ``Ref``), a plain dict: the segmenter builds it as one, and the output
    validates it as one."""

    id: str
    kind: SegmentKind
    text: str
    num: str | None
    parent: str | None
    role: str | None
    spans: list[tuple[int, int]]
    footnote_refs: list[Ref]
    cited_by: list[str]


@dataclass(frozen=True, slots=True)
class SegmentedDocument:
    """The document's structure and header facts, before entity extraction."""

    meta: Meta
    segments: list[Part]
    warnings: list[ProcessingWarning] = field(default_factory=list)
