"""Paragraphs from cleaned lines: the last step of *clean*.

Before the enacting formula (the masthead) each line stays a block. After it, a line continues
the paragraph above when the profile says so (``Profile.continues``) — also across a page break
or a footnote block, even inside a word or a date; a paragraph number printed alone on its line
(or after its paragraph's first line) joins its paragraph; a formula fused with its paragraph
(``大会授权秘书长…``) is split; a paragraph run together with the next one is split where numbering
starts again (``Profile.split_run_on``). A text wrapped at a fixed measure (a PDF text layer) is
recognised by its line lengths: a line that fills the measure goes on.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import NamedTuple

from pipeline._text import last_char
from pipeline.lines import Line
from pipeline.profile import Profile, first_match, label_gate
from schemas.stages import Block, Ref

#: Wrapped text: most body lines are within this share of the usual full line length.
_WRAP_SHARE, _WRAP_NEAR, _FULL = 0.5, 0.8, 0.85
_WRAP_MIN_LINES = 12
#: Longest text that can be a paragraph number alone (``(viii)``, ``12.``).
_LABEL_MAX = 10
_NAMED = re.compile(r"\(\?P<\w+>")


class _Para:
    """A paragraph being assembled, with what the joining rules ask of its first and last lines."""

    __slots__ = (
        "annex",
        "bold",
        "closing_line",
        "closing_whole",
        "foreign",
        "kind",
        "label_only",
        "labelled",
        "last_line",
        "num",
        "own",
        "refs",
        "rejoined",
        "spans",
        "text",
    )

    def __init__(self, line: Line, gates: _Gates | None) -> None:
        """A paragraph opened by ``line``: a footnote when ``gates`` is None, else body text."""
        text = line.text
        self.text = text
        self.spans = [(line.start, line.end)]
        self.refs = list(line.refs)
        self.bold = line.bold
        self.rejoined = 0
        self.last_line = text
        if gates is None:
            self.kind = "footnote"
            self.num = line.num
            self.labelled = self.label_only = self.own = self.closing_whole = self.annex = self.foreign = False
            self.closing_line = False
            return
        self.kind = "body"
        self.num = None
        self.labelled = gates.labels.match(text) is not None
        self.foreign = gates.profile.foreign(text)
        if not gates.shape.match(text):  # most lines: no joining rule is about them
            self.label_only = self.own = self.closing_whole = self.annex = self.closing_line = False
            return
        profile = gates.profile
        closing = first_match(profile.closing, text)
        self.label_only = _label_only(text, profile)
        structural = (
            self.labelled
            or first_match(profile.formulas, text) is not None
            or first_match(profile.item_headings, text) is not None  # the next item of a compilation page
        )
        self.own = closing is not None or structural
        self.closing_line = closing is not None and not structural
        self.closing_whole = closing is not None and closing[1].end() == len(text)
        self.annex = first_match(profile.annex, text) is not None

    def frozen(self) -> Block:
        refs = self.refs
        return Block(
            self.kind,  # type: ignore[arg-type]  # "body" | "footnote"
            self.text,
            self.spans,
            [Ref._make(ref) for ref in refs] if refs else [],
            self.num,
            self.bold,
            self.rejoined,
        )


class _Gates(NamedTuple):
    """What every body line is matched against, looked up once per document."""

    profile: Profile
    labels: re.Pattern[str]
    shape: re.Pattern[str]


def assemble(lines: list[Line], formula: int | None, profile: Profile) -> tuple[list[Block], int | None]:
    """Paragraphs from lines; returns the blocks and the index of the formula block."""
    full = _full_width(lines)
    gates = _Gates(profile, label_gate(profile.labels), _shape_gate(profile))
    out: list[_Para] = []
    pending: list[_Para] = []  # footnotes met inside an open paragraph, placed after it
    current: _Para | None = None  # the paragraph that may continue
    formula_at: int | None = None
    broke = False
    for i, line in enumerate(lines):
        if line.kind in ("furniture", "separator"):
            broke = True
            continue
        if line.kind == "note":
            (pending if current is not None else out).append(_Para(line, None))
            broke = True
            continue
        if not line.text:
            continue
        para = _Para(line, gates)
        if i == formula:
            out.extend(pending)
            pending = []
            out.append(para)
            formula_at = len(out) - 1
            tail = _formula_tail(para, profile)
            if tail is not None:
                out.append(tail)  # "大会授权秘书长…": the formula, then its paragraph
            current = tail
        elif current is not None and _joins(current, para, line, broke=broke, full=full, profile=profile):
            _merge(current, para, profile, broke=broke)
        else:
            out.extend(pending)
            pending = []
            out.append(para)
            current = para if formula is None or i > formula else None
        broke = False
    out.extend(pending)
    if profile.split_run_on is not None and formula_at is not None:
        out = _split_run_ons(out, formula_at, profile)
    return [p.frozen() for p in out], formula_at


def _joins(previous: _Para, para: _Para, line: Line, *, broke: bool, full: int | None, profile: Profile) -> bool:
    """Whether ``line`` (made ``para``) continues the open paragraph ``previous``."""
    before, after = previous.text, para.text
    if previous.label_only or para.label_only:
        # "1." alone on its line: the paragraph follows; a number printed after its paragraph's
        # first line goes on that paragraph
        return previous.label_only or (
            not previous.labelled
            and (
                last_char(before) not in profile.terminal
                # a first line ending as a recital does, but opening as an operative paragraph does
                or (para.label_only and profile.operative_openers.match(before) is not None)
            )
        )
    if para.own:
        # a numbered paragraph, a closing line or the formula; but a line shaped as a closing date
        # after a paragraph that stops on a word wanting the next is its rest ("… to" / "31 December 2011.")
        return para.closing_line and profile.dangling(before)
    if previous.closing_whole:
        # an adoption line wrapped before its vote ("… meeting" / "by 9 votes", "One member" / "(Yemen) did not…")
        return after[:1].islower() or after[:1] in "(（"
    if previous.annex or para.annex or previous.foreign != para.foreign:
        return False  # an annex heading; the other language's column of a bilingual volume
    complete = last_char(before) in (profile.operative_end if previous.labelled else profile.terminal)
    if full is not None and len(previous.last_line) >= full * _FULL and not complete:
        return True  # a wrapped line that fills the measure
    return profile.continues(before, after, broke or line.blank_before, complete)


def _merge(previous: _Para, para: _Para, profile: Profile, *, broke: bool) -> None:
    """Join ``para`` onto ``previous`` (in place)."""
    previous.spans.extend(para.spans)
    if para.label_only:  # "7." printed after its paragraph's first line: it goes first
        joined = profile.glue(para.text, previous.text)
        shift = len(joined) - len(previous.text)
        previous.text = joined
        previous.refs = [(num, at + shift) for num, at in previous.refs]
        previous.labelled, previous.label_only = True, False
        return
    joined = profile.glue(previous.text, para.text)
    shift = len(joined) - len(para.text)
    previous.refs.extend((num, at + shift) for num, at in para.refs)
    previous.text = joined
    previous.bold = previous.bold or para.bold
    previous.rejoined += broke
    previous.last_line = para.text
    previous.labelled = previous.labelled or previous.label_only
    previous.label_only = False
    if previous.closing_whole:
        previous.closing_whole = _whole_closing_line(joined, profile)
    previous.foreign = para.foreign


def _formula_tail(para: _Para, profile: Profile) -> _Para | None:
    """Split a formula fused with the text after it; returns the text after it (``para`` keeps
    the formula), or None when the formula stands alone."""
    found = first_match(profile.formulas, para.text)
    if found is None or "rest" not in found[1].groupdict() or not found[1].group("rest"):
        return None
    cut = found[1].start("rest")
    text = para.text
    (start, end), *_ = para.spans
    tail = _Para.__new__(_Para)
    for name in _Para.__slots__:
        setattr(tail, name, getattr(para, name))
    tail.text = text[cut:].strip()
    tail.spans = [(min(start + cut, end), end)]
    tail.refs = [(num, at - cut) for num, at in para.refs if at >= cut]
    tail.labelled = label_gate(profile.labels).match(tail.text) is not None
    tail.last_line = tail.text
    para.text = text[:cut].rstrip(" ,，")
    para.spans = [(start, min(start + cut, end))]
    para.refs = [(num, at) for num, at in para.refs if at < cut]
    return tail


def _whole_closing_line(text: str, profile: Profile) -> bool:
    """A closing line matched to its end (an adoption line that wraps does not match whole)."""
    found = first_match(profile.closing, text)
    return found is not None and found[1].end() == len(text)


def _label_only(text: str, profile: Profile) -> bool:
    if len(text) > _LABEL_MAX or not label_gate(profile.labels).match(text):
        return False
    for style in profile.labels:
        m = style.pattern.match(text)
        if m is not None and m.end() == len(text):
            return True
    return False


def _full_width(lines: list[Line]) -> int | None:
    """The usual length of a full line, when the text is wrapped at a fixed measure (PDF text)."""
    lengths = [len(line.text) for line in lines if line.kind == "body" and line.text]
    if len(lengths) < _WRAP_MIN_LINES:
        return None
    lengths.sort()
    usual = lengths[int(len(lengths) * 0.9)]
    near = sum(1 for n in lengths if n >= usual * _WRAP_NEAR)
    return usual if near >= len(lengths) * _WRAP_SHARE else None


def _split_run_ons(paras: list[_Para], formula_at: int, profile: Profile) -> list[_Para]:
    """Split a body paragraph after the formula where the next numbered paragraph starts inside it."""
    assert profile.split_run_on is not None
    body = "\x00".join(para.text for para in paras[formula_at + 1 :] if para.kind == "body")
    hint = profile.split_run_on_hint
    if (hint is not None and hint.search(body) is None) or profile.split_run_on.search(body) is None:
        return paras  # one search says most documents have none
    out: list[_Para] = []
    for i, para in enumerate(paras):
        cuts = (
            [m.end() for m in profile.split_run_on.finditer(para.text)]
            if para.kind == "body" and i > formula_at
            else []
        )
        out.extend(_cut(para, cuts) if cuts else (para,))
    return out


def _cut(para: _Para, cuts: list[int]) -> list[_Para]:
    text = para.text
    pieces = []
    for start, end in pairwise([0, *cuts, len(text)]):
        raw = text[start:end]
        piece = raw.strip()
        if not piece:
            continue
        lead = len(raw) - len(raw.lstrip())
        part = _Para.__new__(_Para)
        for name in _Para.__slots__:
            setattr(part, name, getattr(para, name))
        part.text = piece
        part.refs = [
            (num, at - start - lead) for num, at in para.refs if start <= at < end or (end == len(text) and at == end)
        ]
        pieces.append(part)
    return pieces


_SHAPE_GATES: dict[int, tuple[Profile, re.Pattern[str]]] = {}


def _shape_gate(profile: Profile) -> re.Pattern[str]:
    """One pattern for the lines some joining rule is about: a label, a closing line, the formula,
    an annex heading, an item heading."""
    found = _SHAPE_GATES.get(id(profile))
    if found is None:
        parts = [label_gate(profile.labels).pattern]
        for rule in (*profile.closing, *profile.formulas, *profile.annex, *profile.item_headings):
            flags = "i" if rule.pattern.flags & re.IGNORECASE else ""
            pattern = _NAMED.sub("(?:", rule.pattern.pattern)
            parts.append(f"(?{flags}:{pattern})" if flags else f"(?:{pattern})")
        found = _SHAPE_GATES.setdefault(id(profile), (profile, re.compile("|".join(parts))))
    return found[1]
