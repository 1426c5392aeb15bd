"""Stage *extract*: ``SegmentedDocument`` -> entities, each with its segment and offsets.

Document symbols, cited resolutions and decisions (organ resolved from context), dates,
titles in 《》 (instruments, laws, publications), member states and UN bodies (gazetteers,
one Aho-Corasick pass each), sessions, agenda items and meetings. All patterns run once over
the document's segments joined by newlines; offsets are mapped back to each segment.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Literal, cast

from pipeline import gazetteer
from pipeline._text import cn_to_int
from pipeline.citations import find_citations
from pipeline.dates import find_dates
from pipeline.instruments import find_titles
from pipeline.symbols import ELLIPTICAL, SYMBOL, is_symbol, normalize_symbol, symbol_type
from schemas import Entity, Segment
from schemas.document import EntityType
from schemas.stages import SegmentedDocument

_SESSION = re.compile(
    r"(?:(大会|人权理事会|安全理事会|经济及社会理事会|理事会))?第([〇零一二两三四五六七八九十百]+|\d+)届(?:特别|紧急特别)?会议"
)
_AGENDA = re.compile(r"议程项目\s?(\d+(?:\s?\([a-z]\))?)")
_MEETING = re.compile(r"第(\d+)次(?:全体)?会议")
_ORGAN_EN = {
    "大会": "General Assembly",
    "人权理事会": "Human Rights Council",
    "理事会": "Human Rights Council",
    "安全理事会": "Security Council",
    "经济及社会理事会": "Economic and Social Council",
}


_Precision = Literal["day", "month"] | None


class _Located:
    """Maps offsets in the joined text to (segment, local offset)."""

    def __init__(self, segments: list[Segment]) -> None:
        self.segments = segments
        self.starts: list[int] = []
        position = 0
        for seg in segments:
            self.starts.append(position)
            position += len(seg.text) + 1
        self.text = "\n".join(seg.text for seg in segments)
        self.entities: list[tuple[int, Entity]] = []

    def add(
        self,
        etype: str,
        start: int,
        end: int,
        value: str | None,
        *,
        body: str | None = None,
        precision: str | None = None,
    ) -> None:
        index = bisect_right(self.starts, start) - 1
        seg = self.segments[index]
        local = start - self.starts[index]
        local_end = min(end - self.starts[index], len(seg.text))
        entity = Entity(
            type=cast(EntityType, etype),
            text=seg.text[local:local_end],
            value=value,
            segment=seg.id,
            start=local,
            end=local_end,
            body=body,
            precision=cast(_Precision, precision),
        )
        self.entities.append((start, entity))


def extract(doc: SegmentedDocument) -> list[Entity]:
    """All entities of a segmented document, in reading order; pure."""
    at = _Located(doc.segments)
    text = at.text
    for m in SYMBOL.finditer(text):
        raw = m.group()
        if not is_symbol(raw):
            continue
        value = normalize_symbol(raw)
        at.add(symbol_type(value), m.start(), m.end(), value)
        for extra in ELLIPTICAL.finditer(text, m.end()):
            if extra.start() != m.end():
                break
            at.add("document_symbol", extra.start(1), extra.end(1), f"{value}/{normalize_symbol(extra.group(1))}")
            break
    _numbered(at, doc.meta.body)
    at.entities.sort(key=lambda pair: pair[0])
    own = doc.meta.symbol
    header = {seg.id for seg in doc.segments if seg.kind == "header"}
    # the document's own symbol in its masthead is meta, not a citation
    return [e for _, e in at.entities if not (e.value == own and e.type == "resolution" and e.segment in header)]


def _numbered(at: _Located, doc_body: str | None) -> None:
    """Citations, dates, titles, gazetteer names, sessions, agenda items and meetings."""
    text = at.text
    seen: dict[str, str] = {}
    for c in find_citations(text, doc_body, seen):
        at.add(c.kind, c.start, c.end, c.value, body=c.body)
    for d in find_dates(text):
        at.add("date", d.start, d.end, d.value, precision=d.precision)
    for t in find_titles(text):
        at.add(t.kind, t.start, t.end, t.value)
    for hit in gazetteer.states().find(text):
        at.add("member_state", hit.start, hit.end, hit.name.canonical)
    for hit in gazetteer.bodies().find(text):
        at.add("organization", hit.start, hit.end, hit.name.canonical)
    for m in _SESSION.finditer(text):
        number = cn_to_int(m.group(2))
        if number:
            body = _ORGAN_EN.get(m.group(1) or "") or doc_body
            at.add("session", m.start(), m.end(), str(number), body=body)
    for m in _AGENDA.finditer(text):
        at.add("agenda_item", m.start(), m.end(), re.sub(r"\s+", "", m.group(1)))
    for m in _MEETING.finditer(text):
        at.add("meeting", m.start(), m.end(), m.group(1))
