"""Stage *segment*: ``CleanDocument`` -> ``SegmentedDocument``.

Header lines, enacting formula, preamble, operative paragraphs, subparagraphs ``(a)``, items
``(一)``/``(i)``, footnotes (with the segments citing them) and the closing block (date,
meeting, vote). Labels are kept as printed; anomalies become warnings. A document without an
enacting formula still gets a generic segmentation (numbered and plain paragraphs, headings).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline._text import (
    CLOSING_BRACKET,
    CLOSING_DATE,
    CLOSING_MEETING,
    FORMULA,
    LABEL,
    ORGANS_ZH,
    ROMAN,
    alpha_label_index,
    cn_to_int,
    roman_to_int,
)
from pipeline.header import parse_header
from schemas import Meta, ProcessingWarning, VoteCounts
from schemas.stages import Block, CleanDocument, SegmentedDocument

_VOTE_COUNTS = re.compile(r"(\d+)\s*票赞成\D{0,3}?(\d+)\s*票反对\D{0,4}?(\d+)\s*票弃权")
_LATIN_IN_CHINESE = re.compile(r"[\u4e00-\u9fff]\s*\b(and|or|of|the|in|to)\b\s*[\u4e00-\u9fff]")
#: Part of every ``_LATIN_IN_CHINESE`` match; opening with a word, it is found fast.
_LATIN_WORD_BEFORE_CHINESE = re.compile(r"(?:and|or|of|the|in|to)\b\s*[\u4e00-\u9fff]")
_HEADING_MAX = 40
#: What ``CLOSING_DATE``, ``CLOSING_MEETING`` or ``CLOSING_BRACKET`` can match.
_CLOSING_SHAPE = re.compile(r"^(?:\d{4}年\d{1,2}月\d{1,2}日|第\d+次(?:全体)?会议|\[.+\])$")


#: A segment while segmenting: the fields of a ``Segment``, validated once at the end.
_Segment = dict[str, Any]


@dataclass
class _Builder:
    """Mutable state of one segmentation run."""

    segments: list[_Segment] = field(default_factory=list)
    warnings: list[ProcessingWarning] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    op: _Segment | None = None
    sub: _Segment | None = None
    last_item: tuple[str, int] | None = None  # (style, ordinal) of the last item
    preamble: int = 0
    plain: int = 0
    headings: int = 0
    closing: list[str] = field(default_factory=list)

    def add(
        self,
        block: Block,
        kind: str,
        base_id: str,
        *,
        num: str | None = None,
        parent: str | None = None,
        text: str | None = None,
        role: str | None = None,
    ) -> _Segment:
        seg_id = base_id
        n = 2
        while seg_id in self.ids:
            seg_id, n = f"{base_id}~{n}", n + 1
        self.ids.add(seg_id)
        body = block.text if text is None else text
        shift = len(block.text) - len(body)
        refs = [{"num": r.num, "offset": max(r.offset - shift, 0)} for r in block.footnote_refs]
        segment = {
            "id": seg_id,
            "kind": kind,
            "num": num,
            "parent": parent,
            "text": body,
            "role": role,
            "spans": block.spans,
            "footnote_refs": refs,
            "cited_by": [],
        }
        self.segments.append(segment)
        return segment

    def warn(self, code: str, message: str, segment: str | None = None) -> None:
        self.warnings.append(ProcessingWarning(code=code, message=message, segment=segment))


def segment(doc: CleanDocument) -> SegmentedDocument:
    """Segment a cleaned document; pure."""
    b = _Builder()
    body_blocks = [x for x in doc.blocks if x.kind == "body"]
    footnotes = [x for x in doc.blocks if x.kind == "footnote"]
    formula_block = doc.blocks[doc.formula_index] if doc.formula_index is not None else None
    header_blocks: list[Block] = []
    main_blocks = body_blocks
    formula_body: str | None = None
    if formula_block is not None:
        position = next(i for i, x in enumerate(body_blocks) if x is formula_block)
        header_blocks, main_blocks = body_blocks[:position], body_blocks[position + 1 :]
        m = FORMULA.match(formula_block.text)
        formula_body = ORGANS_ZH[m.group(1)] if m else None
    facts = parse_header([x.text for x in header_blocks], formula_body)
    for i, (block, role) in enumerate(zip(header_blocks, facts.roles, strict=True), start=1):
        b.add(block, "header", f"hdr-{i}", role=role or "text")
    if formula_block is not None:
        b.add(formula_block, "formula", "formula")
    labels = [LABEL.match(x.text) for x in main_blocks]
    numbered_ops = any(m is not None and m.group("op") for m in labels)
    for block, label in zip(main_blocks, labels, strict=True):
        _place(b, block, label, numbered_ops, resolution=formula_block is not None)
    _footnotes(b, footnotes)
    b.warnings.extend(facts.warnings)
    meta = _meta(facts, b)
    _check_sequences(b)
    text = "\n".join(s["text"] for s in b.segments if s["kind"] != "footnote")
    if _LATIN_WORD_BEFORE_CHINESE.search(text):  # seldom: the full pattern is slow to search
        for m in _LATIN_IN_CHINESE.finditer(text):
            b.warn("latin_word", f"English word '{m.group(1)}' inside Chinese text: …{m.group()}…")
    return SegmentedDocument.model_validate(
        {"meta": meta, "segments": b.segments, "warnings": [*doc.warnings, *b.warnings]}
    )


def _place(b: _Builder, block: Block, m: re.Match[str] | None, numbered_ops: bool, resolution: bool) -> None:
    """Add one body block after the formula; ``m`` is its ``LABEL`` match."""
    text = block.text
    if b.op is not None or not resolution:
        role = _closing_role(text)
        if role and (b.op is not None or b.preamble or not resolution):
            b.closing.append(text)
            b.add(block, "closing", f"closing-{len(b.closing)}", role=role)
            return
    if b.closing and resolution:
        b.plain += 1
        b.add(block, "paragraph", f"p-{b.plain}")
        return
    if m is None:
        if len(text) <= _HEADING_MAX and text[-1:] not in "，。；：,.;:" and (b.op is not None or not resolution):
            b.headings += 1
            b.add(block, "heading", f"h-{b.headings}")
        elif b.op is None and resolution:
            b.preamble += 1
            b.add(block, "preamble", f"pre-{b.preamble}")
        else:
            b.plain += 1
            b.add(block, "paragraph", f"p-{b.plain}", parent=b.op["id"] if b.op else None)
        return
    rest = text[m.end() :]
    if m.group("op") or (m.group("cnsec") and not numbered_ops):
        num = m.group("op") or m.group("cnsec")
        b.op = b.add(block, "operative", f"op-{cn_to_int(num)}", num=num, text=rest)
        b.sub, b.last_item = None, None
        return
    if m.group("cnsec") or m.group("sec"):
        b.headings += 1
        b.add(block, "heading", f"h-{b.headings}", num=m.group("cnsec") or m.group("sec"), text=rest)
        return
    alpha = m.group("alpha")
    if alpha and not _is_roman_item(b, alpha):
        parent = b.op["id"] if b.op else None
        b.sub = b.add(block, "subparagraph", f"{parent or 'sub'}-{alpha}", num=alpha, parent=parent, text=rest)
        b.last_item = None
        return
    label = m.group("cn") or alpha
    style = "cn" if m.group("cn") else "roman"
    ordinal = (cn_to_int(label) or 0) if style == "cn" else roman_to_int(label)
    owner = b.sub or b.op
    parent = owner["id"] if owner else None
    b.add(block, "item", f"{parent or 'item'}-{ordinal}", num=label, parent=parent, text=rest)
    b.last_item = (style, ordinal)


def _is_roman_item(b: _Builder, label: str) -> bool:
    """``(i)`` after ``(h)`` is a subparagraph; after ``(a)`` or inside a run of roman items, an item."""
    if not ROMAN.match(label):
        return False
    if b.last_item and b.last_item[0] == "roman":
        return True
    if b.sub is None:
        return False
    previous = alpha_label_index(b.sub["num"] or "")
    return alpha_label_index(label) != previous + 1


def _closing_role(text: str) -> str | None:
    if not _CLOSING_SHAPE.match(text):  # most lines: one pattern instead of three
        return None
    if CLOSING_DATE.match(text):
        return "date"
    if CLOSING_MEETING.match(text):
        return "meeting"
    if CLOSING_BRACKET.match(text) and ("通过" in text or "表决" in text):
        return "vote"
    return None


def _footnotes(b: _Builder, footnotes: list[Block]) -> None:
    citing: dict[str, list[str]] = {}
    for seg in b.segments:
        for ref in seg["footnote_refs"]:
            citing.setdefault(ref["num"], []).append(seg["id"])
    defined = set()
    for block in footnotes:
        num = block.num or ""
        seg = b.add(block, "footnote", f"fn-{num}", num=num)
        defined.add(num)
        cited = citing.get(num, [])
        seg["cited_by"] = cited
        if not cited:
            b.warn("footnote_unreferenced", f"footnote {num} is not referenced in the text", seg["id"])
    for num, segs in citing.items():
        if num not in defined:
            b.warn("footnote_missing", f"footnote {num} is referenced but not defined", segs[0])


def _meta(facts: object, b: _Builder) -> Meta:
    from pipeline.header import HeaderFacts

    assert isinstance(facts, HeaderFacts)
    adopted_on, meeting, vote, counts = facts.adopted_on, facts.meeting, None, None
    for text in b.closing:
        if m := CLOSING_DATE.match(text):
            closing_date = f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"
            if adopted_on and adopted_on != closing_date:
                b.warn("adoption_date_differs", f"header says {adopted_on}, closing says {closing_date}")
            adopted_on = closing_date
        elif m := CLOSING_MEETING.match(text):
            meeting = int(m.group(1))
        elif "未经表决" in text:
            vote = "without_vote"
        elif m := _VOTE_COUNTS.search(text):
            vote = "recorded_vote"
            counts = VoteCounts(yes=int(m.group(1)), no=int(m.group(2)), abstentions=int(m.group(3)))
        elif "记录表决" in text:
            vote = "recorded_vote"
        elif "一致通过" in text:
            vote = "unanimous"
    doc_type = facts.doc_type
    if doc_type is None and b.closing and any(s["kind"] == "operative" for s in b.segments):
        doc_type = "resolution"
    if doc_type is None and not any(s["kind"] in ("operative", "preamble") for s in b.segments):
        doc_type = "other"
    return Meta(
        doc_type=doc_type,
        body=facts.body,
        session=facts.session,
        committee=facts.committee,
        agenda_item=facts.agenda_item,
        agenda_title=facts.agenda_title,
        title=facts.title,
        symbol=facts.symbol,
        adopted_on=adopted_on,
        meeting=meeting,
        vote=vote,
        vote_counts=counts,
        sponsors=facts.sponsors,
        language="zh",
    )


def _check_sequences(b: _Builder) -> None:
    """Warn where printed labels skip or run out of order (they are kept as printed)."""
    last_op = 0
    children: dict[str | None, list[_Segment]] = {}
    for seg in b.segments:
        kind, num = seg["kind"], seg["num"]
        if kind == "operative" and num and num.isdigit():
            if int(num) != last_op + 1:
                b.warn("operative_sequence", f"operative {num} follows operative {last_op}", seg["id"])
            last_op = int(num)
        elif kind in ("subparagraph", "item"):
            children.setdefault(seg["parent"], []).append(seg)
    for parent, kids in children.items():
        subs = [k for k in kids if k["kind"] == "subparagraph"]
        expected = [chr(97 + i) for i in range(len(subs))]
        got = [k["num"] for k in subs]
        if len(subs) <= 26 and got != expected:
            b.warn(
                "subparagraph_sequence",
                f"subparagraph labels out of sequence in {parent}: {', '.join(str(g) for g in got)}",
                parent,
            )
