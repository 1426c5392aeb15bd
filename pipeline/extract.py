"""Stage *extract*: ``SegmentedDocument`` -> entities, each with its segment and offsets.

Document symbols, cited resolutions and decisions (organ resolved from context), dates,
titles in 《》 (instruments, laws, publications), member states and UN bodies (gazetteers,
one Aho-Corasick pass each), sessions, agenda items and meetings. All patterns run once over
the document's segments joined by newlines; offsets are mapped back to each segment, and the
entities are validated together at the end.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate
from operator import itemgetter

from pydantic import TypeAdapter

from pipeline import gazetteer
from pipeline._text import ORGANS_ZH, cn_to_int
from pipeline.citations import find_citations
from pipeline.dates import find_dates
from pipeline.instruments import find_titles
from pipeline.symbols import ELLIPTICAL, SYMBOL, is_symbol, normalize_symbol, symbol_type
from schemas import Entity, Segment
from schemas.stages import SegmentedDocument

#: A session; the organ that may stand right before it is looked up by ``_organ_before`` (a pattern
#: opening with 第 is found much faster than one opening with an optional organ).
_SESSION = re.compile(r"第([〇零一二两三四五六七八九十百]+|\d+)届(?:特别|紧急特别)?会议")
_SESSION_ORGANS = ("经济及社会理事会", "人权理事会", "安全理事会", "理事会", "大会")  # longest first
_AGENDA = re.compile(r"议程项目\s?(\d+(?:\s?\([a-z]\))?)")
_MEETING = re.compile(r"第(\d+)次(?:全体)?会议")
_SPACES = re.compile(r"\s+")
#: Organs that may name a session (``大会第七十六届会议``); a bare 理事会 is the Human Rights Council.
_ORGAN_EN = {**ORGANS_ZH, "理事会": ORGANS_ZH["人权理事会"]}


_ENTITIES = TypeAdapter(list[Entity])
#: An entity found in the joined text: start, end, type, value, body, precision.
_Found = tuple[int, int, str, str | None, str | None, str | None]


def extract(doc: SegmentedDocument) -> list[Entity]:
    """All entities of a segmented document, in reading order; pure."""
    text = "\n".join(seg.text for seg in doc.segments)
    found: list[_Found] = []
    for m in SYMBOL.finditer(text):
        raw = m.group()
        if not is_symbol(raw):
            continue
        value = normalize_symbol(raw)
        found.append((m.start(), m.end(), symbol_type(value), value, None, None))
        extra = ELLIPTICAL.match(text, m.end())
        if extra:
            value = f"{value}/{normalize_symbol(extra.group(1))}"
            found.append((extra.start(1), extra.end(1), "document_symbol", value, None, None))
    _numbered(text, doc.meta.body, found)
    found.sort(key=itemgetter(0))  # stable: what starts at the same place stays in the order found
    own = doc.meta.symbol
    header = {seg.id for seg in doc.segments if seg.kind == "header"}
    # the document's own symbol in its masthead is meta, not a citation
    return _ENTITIES.validate_python(
        [
            e
            for e in _located(found, doc.segments)
            if not (e["value"] == own and e["type"] == "resolution" and e["segment"] in header)
        ]
    )


def _numbered(text: str, doc_body: str | None, found: list[_Found]) -> None:
    """Citations, dates, titles, gazetteer names, sessions, agenda items and meetings."""
    seen: dict[str, str] = {}
    found.extend((c.start, c.end, c.kind, c.value, c.body, None) for c in find_citations(text, doc_body, seen))
    found.extend((d.start, d.end, "date", d.value, None, d.precision) for d in find_dates(text))
    found.extend((t.start, t.end, t.kind, t.value, None, None) for t in find_titles(text))
    found.extend((start, end, "member_state", name, None, None) for start, end, name in gazetteer.states().names(text))
    found.extend((start, end, "organization", name, None, None) for start, end, name in gazetteer.bodies().names(text))
    previous_end = 0
    for m in _SESSION.finditer(text):
        organ = _organ_before(text, m.start(), previous_end)
        previous_end = m.end()
        number = cn_to_int(m.group(1))
        if number:
            body = _ORGAN_EN.get(organ or "") or doc_body
            found.append((m.start() - len(organ or ""), m.end(), "session", str(number), body, None))
    for m in _AGENDA.finditer(text):
        found.append((m.start(), m.end(), "agenda_item", _SPACES.sub("", m.group(1)), None, None))
    for m in _MEETING.finditer(text):
        found.append((m.start(), m.end(), "meeting", m.group(1), None, None))


def _located(found: list[_Found], segments: list[Segment]) -> list[dict[str, object]]:
    """The fields of each entity, with its offsets mapped into its segment."""
    texts = [seg.text for seg in segments]
    starts = list(accumulate((len(seg_text) + 1 for seg_text in texts[:-1]), initial=0))
    entities: list[dict[str, object]] = []
    for start, end, etype, value, body, precision in found:
        index = bisect_right(starts, start) - 1
        seg_start, seg_text = starts[index], texts[index]
        local = start - seg_start
        local_end = min(end - seg_start, len(seg_text))
        entities.append(
            {
                "type": etype,
                "text": seg_text[local:local_end],
                "value": value,
                "segment": segments[index].id,
                "start": local,
                "end": local_end,
                "body": body,
                "precision": precision,
            }
        )
    return entities


def _organ_before(text: str, start: int, floor: int) -> str | None:
    """The organ named right before ``text[start]`` (not reaching back before ``floor``), if any."""
    for organ in _SESSION_ORGANS:
        if start - len(organ) >= floor and text.startswith(organ, start - len(organ)):
            return organ
    return None
