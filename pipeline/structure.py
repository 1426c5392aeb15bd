"""The body of a resolution: preamble, operative paragraphs, subparagraphs, items, annex, closing.

One pass over the blocks after the enacting formula, in a few states (preamble, operative,
annex, closing). Numbering decides first: the operative numbering style is the first of the
profile's operative styles the document uses (``1.``; ``一.`` only where no ``1.`` exists, else
``一、`` are section headings); any other label nests under the current paragraph, a style met
before being a sibling at its level and a new style a child (``(a)`` then ``(一)`` or ``(i)``).
Without numbering, position and form decide: in the preamble a paragraph ends as a recital does
(``，``), an operative one opens with an operative verb or ends as an operative paragraph does; in
a resolution whose operative paragraphs are not numbered each one is an operative paragraph with
``num`` null.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline._text import last_char
from pipeline.closing import closing_role
from pipeline.profile import LabelStyle, Profile, first_match, label_gate, union_gate

#: A segment while segmenting: the fields of a ``Segment``.
Seg = dict[str, Any]
#: Longest text an operative verb standing alone before numbered paragraphs can have.
_LEAD_IN_MAX = 16


@dataclass(slots=True)
class Label:
    style: LabelStyle
    num: str
    rest: str  # the text after the label


@dataclass(slots=True)
class Body:
    """Mutable state of one pass over the body."""

    profile: Profile
    operative_style: str | None
    segments: list[Seg] = field(default_factory=list)
    ids: set[str] = field(default_factory=set)
    state: str = "preamble"  # preamble | operative | annex | closing
    op: Seg | None = None
    stack: list[tuple[str, Seg]] = field(default_factory=list)  # (style name, segment) below the op
    counts: dict[str, int] = field(default_factory=dict)
    closing: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    closing_segments: list[Seg] = field(default_factory=list)
    #: Matches where a closing, formula or annex row may match: most blocks are none of them.
    special: re.Pattern[str] = field(init=False)

    def __post_init__(self) -> None:
        self.special = union_gate(self.profile.closing, self.profile.formulas, self.profile.annex)

    def next_id(self, base: str) -> str:
        seg_id, n = base, 2
        while seg_id in self.ids:
            seg_id, n = f"{base}~{n}", n + 1
        self.ids.add(seg_id)
        return seg_id

    def count(self, kind: str) -> int:
        self.counts[kind] = self.counts.get(kind, 0) + 1
        return self.counts[kind]


def label_of(text: str, profile: Profile, gate: re.Pattern[str] | None = None) -> Label | None:
    """The numbering label opening ``text``, if any (the most specific style first); ``gate`` is
    ``label_gate(profile.labels)``, for a caller that looks it up once."""
    if not (gate or label_gate(profile.labels)).match(text):
        return None
    for style in profile.labels:
        m = style.pattern.match(text)
        if m is not None and style.ordinal(m.group("n")) is not None:
            return Label(style, m.group("n"), text[m.end() :])
    return None


def operative_style(labels: list[Label | None], profile: Profile) -> str | None:
    """The style numbering the operative paragraphs: the first operative style of the profile used."""
    used = set()
    for label in labels:
        if label is not None and label.style.operative:
            used.add(label.style.name)
    return next((s.name for s in profile.labels if s.operative and s.name in used), None)


def place(body: Body, block: Any, label: Label | None, make: Any) -> None:
    """Place one body block (a ``Block``) whose numbering label is ``label``;
    ``make(block, kind, id, **fields)`` builds the segment."""
    profile = body.profile
    text = block.text
    special = body.special.match(text) is not None
    role = closing_role(text, profile.closing) if special and (body.state != "preamble" or body.counts) else None
    if role is not None:
        body.closing.append(role)
        body.state = "closing"
        body.closing_segments.append(
            make(block, "closing", body.next_id(f"closing-{body.count('closing')}"), role=role[0])
        )
        return
    if body.state == "closing":
        if special and first_match(profile.formulas, text):  # the next part of the resolution (53/1 A, then B)
            body.segments.append(make(block, "formula", body.next_id(f"formula-{body.count('formula') + 1}")))
            body.state, body.op, body.stack = "preamble", None, []
            return
        body.segments.append(make(block, "context", body.next_id(f"ctx-{body.count('context')}"), role="after"))
        return
    if special and first_match(profile.annex, text):
        body.state = "annex"
        body.segments.append(make(block, "heading", body.next_id(f"h-{body.count('heading')}"), role="annex"))
        return
    if body.state == "annex":
        body.segments.append(make(block, "paragraph", body.next_id(f"p-{body.count('paragraph')}"), role="annex"))
        return
    if label is not None:
        _labelled(body, block, label, make)
    else:
        _unlabelled(body, block, make)


#: What OCR reads for the digit 1 opening a paragraph (``I. Expresses its solidarity…``).
_OCR_ONES = frozenset({"I", "l"})


def _labelled(body: Body, block: Any, label: Label, make: Any) -> None:
    label = _ocr_first_paragraph(body, label)
    style = label.style
    if style.section:
        body.segments.append(
            make(block, "heading", body.next_id(f"h-{body.count('heading')}"), num=label.num, text=label.rest)
        )
        return
    if style.operative and style.name == body.operative_style:
        ordinal = style.ordinal(label.num)
        seg = make(block, "operative", body.next_id(f"op-{ordinal}"), num=label.num, text=label.rest)
        body.segments.append(seg)
        body.op, body.stack, body.state = seg, [], "operative"
        return
    if style.operative:  # 一、 where 1. numbers the operative paragraphs: a section heading
        body.segments.append(
            make(block, "heading", body.next_id(f"h-{body.count('heading')}"), num=label.num, text=label.rest)
        )
        return
    owner = body.op if body.op is not None else _last_paragraph(body)
    name = _style_at(body, label)
    levels = [s for s, _ in body.stack]
    if name in levels:
        del body.stack[levels.index(name) :]
    parent = body.stack[-1][1] if body.stack else owner
    kind = "subparagraph" if not body.stack else "item"
    parent_id = parent["id"] if parent is not None else None
    suffix = label.num if kind == "subparagraph" else str(label.style.ordinal(label.num))
    seg = make(
        block, kind, body.next_id(f"{parent_id or 'sub'}-{suffix}"), num=label.num, parent=parent_id, text=label.rest
    )
    body.segments.append(seg)
    body.stack.append((name, seg))
    if body.state == "preamble" and body.op is None and parent is None:
        body.state = "operative"


def _ocr_first_paragraph(body: Body, label: Label) -> Label:
    """``I.`` (or ``l.``) before any operative paragraph, opening with an operative verb, where
    ``1.`` numbers the operative paragraphs: the first of them, as OCR misread its number."""
    if not label.style.section or label.num not in _OCR_ONES or body.op is not None:
        return label
    profile = body.profile
    style = next((s for s in profile.labels if s.name == body.operative_style), None)
    if style is None or style.ordinal("1") != 1 or not profile.operative_openers.match(label.rest):
        return label
    return Label(style, "1", label.rest)


def _style_at(body: Body, label: Label) -> str:
    """The style a label counts in: ``(i)`` after ``(h)`` is a letter, after ``(a)`` a roman numeral."""
    name = label.style.name
    twin = body.profile.label_twins.get(name)
    if twin is None:
        return name
    levels = dict(body.stack)
    sibling = levels.get(twin)
    if sibling is not None:
        twin_style = next(s for s in body.profile.labels if s.name == twin)
        previous = twin_style.ordinal(sibling["num"] or "")
        current = twin_style.ordinal(label.num)
        if previous is not None and current == previous + 1 and name not in levels:
            return twin  # the next letter of the run: (h) then (i)
    return name


def _unlabelled(body: Body, block: Any, make: Any) -> None:
    profile = body.profile
    text = block.text
    if _is_heading(text, profile):
        body.segments.append(make(block, "heading", body.next_id(f"h-{body.count('heading')}")))
        return
    if body.state == "preamble":
        if body.operative_style is not None and _lead_in(text, profile):  # 爰议决: / Resolves: before 1.
            body.segments.append(make(block, "paragraph", body.next_id(f"p-{body.count('paragraph')}"), role="lead_in"))
            return
        if body.operative_style is None and _reads_operative(text, profile):
            _unnumbered_operative(body, block, make)
            return
        body.segments.append(make(block, "preamble", body.next_id(f"pre-{body.count('preamble')}")))
        return
    if body.operative_style is None and not _introduces(body):  # each paragraph of an unnumbered operative part
        _unnumbered_operative(body, block, make)
        return
    parent = body.stack[-1][1] if body.stack else body.op
    body.segments.append(
        make(
            block,
            "paragraph",
            body.next_id(f"p-{body.count('paragraph')}"),
            parent=parent["id"] if parent is not None else None,
        )
    )


def _unnumbered_operative(body: Body, block: Any, make: Any) -> None:
    seg = make(block, "operative", body.next_id(f"op-{body.count('unnumbered')}"), num=None)
    body.segments.append(seg)
    body.op, body.stack, body.state = seg, [], "operative"


def _lead_in(text: str, profile: Profile) -> bool:
    """An operative verb alone before numbered paragraphs (``爰议决:``, *Resolves:*)."""
    return len(text) <= _LEAD_IN_MAX and last_char(text) in ":：" and bool(profile.operative_openers.match(text))


def _introduces(body: Body) -> bool:
    """The current unnumbered paragraph ends with a colon and nothing has followed it yet."""
    return (
        body.op is not None and not body.stack and last_char(body.op["text"]) in ":：" and body.segments[-1] is body.op
    )


def _reads_operative(text: str, profile: Profile) -> bool:
    """An unnumbered paragraph that opens with an operative verb or ends as operative ones do."""
    if profile.operative_openers.match(text):
        return True
    end = last_char(text)
    return end in profile.operative_end and end not in profile.preamble_end and not profile.preamble_openers.match(text)


def _is_heading(text: str, profile: Profile) -> bool:
    """A short line that ends as no paragraph does and opens with no verb of a paragraph."""
    if len(text) > profile.heading_max or last_char(text) in profile.terminal:
        return False
    return not (profile.preamble_openers.match(text) or profile.operative_openers.match(text))


def _last_paragraph(body: Body) -> Seg | None:
    return next((s for s in reversed(body.segments) if s["kind"] in ("preamble", "operative")), None)
