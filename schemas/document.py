"""The output contract: one ``ProcessedDocument`` per input file.

The fields named in ``eval/CONTRACT.md`` (``meta``, ``segments``, ``entities`` and their
members) keep their names and meanings; everything else is additive.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from schemas._base import FrozenModel

#: Bumped when the shape of ``ProcessedDocument`` changes incompatibly.
SCHEMA_VERSION = "1.1"

DocType = Literal["resolution", "draft_resolution", "decision", "other"]
#: ``without_vote``: 未经表决 / "without a vote"; ``recorded_vote``: counts printed; ``unanimous``: 一致通过.
Vote = Literal["without_vote", "recorded_vote", "unanimous"]
Language = Literal["zh", "en"]
SegmentKind = Literal[
    "header",  # masthead lines: session, committee, agenda item, sponsors, title...
    "formula",  # the enacting formula that opens the preamble ("大会，")
    "preamble",
    "operative",
    "subparagraph",
    "item",
    "heading",  # section headings inside the body ("一、", "A.")
    "paragraph",  # unnumbered text that is none of the above
    "footnote",
    "closing",  # adoption date, meeting, vote
    "context",  # text on the same page that is not part of the document (neighbouring items, a translation)
]
EntityType = Literal[
    "document_symbol",
    "resolution",
    "decision",
    "date",
    "instrument",
    "law",
    "publication",
    "member_state",
    "organization",
    "session",
    "agenda_item",
    "meeting",
]


class VoteCounts(FrozenModel):
    """A recorded vote, as far as the adoption line states it."""

    yes: int
    no: int | None = None
    abstentions: int | None = None
    against: list[str] = Field(default_factory=list, description="States named as voting against")
    abstaining: list[str] = Field(default_factory=list, description="States named as abstaining")
    not_voting: list[str] = Field(
        default_factory=list, description="States named as present and not voting, absent or not participating"
    )


class Meta(FrozenModel):
    """Header and closing facts of the document (``CONTRACT.md`` ``meta``)."""

    doc_type: DocType | None = None
    body: str | None = Field(None, description="Issuing organ in English, e.g. 'General Assembly'")
    session: int | None = None
    committee: str | None = Field(None, description="Main committee in English, e.g. 'Third Committee'")
    agenda_item: str | None = Field(None, description="Agenda item without spaces: '68(b)'")
    agenda_title: str | None = None
    title: str | None = None
    symbol: str | None = Field(None, description="The document's own UN symbol where it can be known")
    draft_symbol: str | None = Field(None, description="Symbol of the draft the resolution was adopted from")
    report_symbol: str | None = Field(None, description="Symbol of the committee report it was adopted on")
    adopted_on: str | None = Field(None, description="ISO date of adoption")
    meeting: int | None = None
    vote: Vote | None = None
    vote_counts: VoteCounts | None = None
    sponsors: list[str] = Field(
        default_factory=list, description="Sponsoring member states, canonical short names in the document's language"
    )
    language: Language = Field(description="The language the document is written in")


class FootnoteRef(FrozenModel):
    """A footnote marker removed from a segment's text: which note, and where it stood."""

    num: str
    offset: int = Field(description="Offset in the segment text where the marker stood")


class Segment(FrozenModel):
    """One structural unit with its cleaned text."""

    id: str
    kind: SegmentKind
    num: str | None = Field(None, description="Label as printed, without brackets or dots")
    parent: str | None = None
    text: str
    role: str | None = Field(None, description="For header/closing lines: what the line states")
    spans: list[tuple[int, int]] = Field(
        default_factory=list,
        description="Character ranges [start, end) in the decoded original that this segment was built from",
    )
    footnote_refs: list[FootnoteRef] = Field(default_factory=list)
    cited_by: list[str] = Field(default_factory=list, description="Footnotes: ids of the segments citing it")


class Entity(FrozenModel):
    """A typed mention: ``text == segment.text[start:end]``."""

    type: EntityType
    text: str
    value: str | None = Field(description="Normalized value; null for a reference that could not be resolved")
    segment: str
    start: int
    end: int
    body: str | None = Field(None, description="Issuing organ for resolutions, decisions and sessions")
    precision: Literal["day", "month"] | None = Field(None, description="Dates only")
    iso3: str | None = Field(None, description="Member states: ISO 3166-1 alpha-3 code, the same in every language")


class ProcessingWarning(FrozenModel):
    """Something odd about the input that did not stop processing."""

    code: str
    message: str
    segment: str | None = None


class Provenance(FrozenModel):
    """Where the output came from and what produced it."""

    source_name: str
    sha256: str
    size: int
    media_type: str
    encoding: str | None
    pipeline_version: str
    characters: int
    converted_from_traditional: bool = False


class ProcessedDocument(FrozenModel):
    """The published output of one document."""

    schema_version: str = SCHEMA_VERSION
    doc_id: str
    meta: Meta
    segments: list[Segment]
    entities: list[Entity]
    provenance: Provenance
    warnings: list[ProcessingWarning] = Field(default_factory=list)
