"""Paragraph-level comparison of two versions of a text (a draft and its revision). Pure.

Revisions renumber: one operative paragraph inserted early shifts every later number, so numbers
cannot align paragraphs. Text does: ``difflib`` first finds the runs of identical paragraphs
(anchors), then, between two anchors, old and new paragraphs are paired by text similarity (same
kind and same number only break near-ties), keeping document order. What stays unpaired was
removed or added; a pair whose text differs is a change, with a word-level (for Chinese,
character-level) diff of the two texts.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from typing import Literal

from pydantic import BaseModel, ConfigDict

from schemas import ProcessedDocument, Segment

#: The kinds compared: the body of the text (masthead, footnotes, closing and context are not).
KINDS = frozenset({"formula", "preamble", "operative", "subparagraph", "item", "heading", "paragraph"})
#: Least similarity (``SequenceMatcher.ratio``) for two paragraphs to count as one, changed.
MIN_SIMILARITY = 0.5
_TOKEN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\W_]+|\s+|.", re.DOTALL)

ChangeKind = Literal["unchanged", "changed", "added", "removed"]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Paragraph(_Frozen):
    """A paragraph of one version: its segment, kind, label as printed (``2(a)``) and text."""

    segment: str
    kind: str
    label: str
    text: str


class Edit(_Frozen):
    """One piece of a changed paragraph's text: kept, deleted, inserted or replaced."""

    op: Literal["equal", "delete", "insert", "replace"]
    old: str
    new: str


class Change(_Frozen):
    """A paragraph's fate between the versions."""

    kind: ChangeKind
    old: Paragraph | None
    new: Paragraph | None
    similarity: float
    edits: list[Edit] = []


class Comparison(_Frozen):
    """Every paragraph of both versions, once each, in reading order."""

    old_doc_id: str
    new_doc_id: str
    changes: list[Change]

    def count(self, kind: ChangeKind) -> int:
        """How many paragraphs were ``kind``."""
        return sum(1 for change in self.changes if change.kind == kind)


def paragraphs(doc: ProcessedDocument) -> list[Paragraph]:
    """The compared paragraphs of a document, labelled by their numbers down the parent chain."""
    by_id = {segment.id: segment for segment in doc.segments}
    return [
        Paragraph(segment=s.id, kind=s.kind, label=_label(s, by_id), text=s.text)
        for s in doc.segments
        if s.kind in KINDS
    ]


def compare(old: ProcessedDocument, new: ProcessedDocument) -> Comparison:
    """Added, removed, changed and unchanged paragraphs from ``old`` to ``new``."""
    a, b = paragraphs(old), paragraphs(new)
    changes: list[Change] = []
    matcher = difflib.SequenceMatcher(None, [_norm(p.text) for p in a], [_norm(p.text) for p in b], autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            changes += [
                Change(kind="unchanged", old=x, new=y, similarity=1.0) for x, y in zip(a[i1:i2], b[j1:j2], strict=True)
            ]
        else:
            changes += _region(a[i1:i2], b[j1:j2])
    return Comparison(old_doc_id=old.doc_id, new_doc_id=new.doc_id, changes=changes)


def _region(a: Sequence[Paragraph], b: Sequence[Paragraph]) -> list[Change]:
    """Pair the paragraphs between two anchors, best first, never crossing an accepted pair."""
    scored = []
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            matcher = difflib.SequenceMatcher(None, x.text, y.text, autojunk=False)
            if matcher.real_quick_ratio() < MIN_SIMILARITY or matcher.quick_ratio() < MIN_SIMILARITY:
                continue
            ratio = matcher.ratio()
            if ratio >= MIN_SIMILARITY:
                bonus = 0.02 * (x.kind == y.kind) + 0.01 * (x.label == y.label)
                scored.append((ratio + bonus, ratio, i, j))
    pairs: dict[int, tuple[int, float]] = {}
    for _, ratio, i, j in sorted(scored, key=lambda s: (-s[0], s[2], s[3])):
        if i in pairs or any(pj == j for pj, _ in pairs.values()):
            continue
        if any((pi < i) != (pj < j) for pi, (pj, _) in pairs.items()):
            continue  # would cross an accepted pair: order is kept
        pairs[i] = (j, ratio)
    changes: list[Change] = []
    j_next = 0
    for i, x in enumerate(a):
        if i not in pairs:
            changes.append(Change(kind="removed", old=x, new=None, similarity=0.0))
            continue
        j, ratio = pairs[i]
        changes += [Change(kind="added", old=None, new=y, similarity=0.0) for y in b[j_next:j]]
        y = b[j]
        same = _norm(x.text) == _norm(y.text)
        changes.append(
            Change(
                kind="unchanged" if same else "changed",
                old=x,
                new=y,
                similarity=1.0 if same else round(ratio, 4),
                edits=[] if same else edits(x.text, y.text),
            )
        )
        j_next = j + 1
    changes += [Change(kind="added", old=None, new=y, similarity=0.0) for y in b[j_next:]]
    return changes


def edits(old: str, new: str) -> list[Edit]:
    """A readable diff of two texts: words in English, characters in Chinese."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    return [Edit(op=op, old="".join(a[i1:i2]), new="".join(b[j1:j2])) for op, i1, i2, j1, j2 in matcher.get_opcodes()]


def _norm(text: str) -> str:
    """Text compared for identity: white space does not count."""
    return "".join(text.split())


def _label(segment: Segment, by_id: dict[str, Segment]) -> str:
    """``2(a)(一)`` for an item; ``2`` for a paragraph; the id for what has no number."""
    parts: list[str] = []
    seen: set[str] = set()
    current: Segment | None = segment
    while current is not None and current.id not in seen:
        seen.add(current.id)
        if current.num:
            parts.append(current.num if current.kind == "operative" else f"({current.num})")
        current = by_id.get(current.parent) if current.parent else None
    return "".join(reversed(parts)) or segment.id


__all__ = ["KINDS", "MIN_SIMILARITY", "Change", "Comparison", "Edit", "Paragraph", "compare", "edits", "paragraphs"]
