"""Stage *clean*: decoded text -> ``CleanDocument`` (blocks with their source ranges).

The engine is the same for every language; the profile says what page furniture and footnote
definitions look like, where spaces belong, where a plain number is a footnote marker, and when a
line continues the paragraph above it. In order:

1. the lines are told apart (``pipeline.lines``): page furniture, footnote definitions, body;
2. all lines are cleaned at once (``pipeline.inline``): markdown residue, width, spaces,
   superscript markers;
3. footnote markers printed as plain digits are found for the notes the document defines
   (``pipeline.footnotes``), and notes that only a marker can confirm are confirmed or dropped;
4. body lines are assembled into paragraphs: before the enacting formula (the masthead) each line
   stays a block; after it, a line continues the paragraph above when the profile says so — also
   across a page break or a footnote block, even inside a word or a date; a paragraph number
   printed alone on its line (or after its paragraph's first line) joins its paragraph; a
   paragraph run together with the next is split where numbering starts again.

Every block keeps the character ranges of the decoded original it was built from.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from pipeline._text import last_char
from pipeline.footnotes import find_markers, remove_spans
from pipeline.inline import clean_lines, without_sentinels
from pipeline.lines import Line, split_lines
from pipeline.profile import Profile, first_match
from schemas import FootnoteRef, ProcessingWarning
from schemas.stages import Block, CleanDocument

#: A block while cleaning: the fields of a ``Block``, built into the ``CleanDocument`` at the end.
_Block = dict[str, Any]
#: Wrapped text: most body lines are within this share of the usual full line length.
_WRAP_SHARE, _WRAP_NEAR, _FULL = 0.5, 0.8, 0.85
_WRAP_MIN_LINES = 12


def clean(text: str, profile: Profile) -> CleanDocument:
    """Clean decoded text into blocks; pure."""
    lines = split_lines(text, profile.furniture, profile.footnote_lines, profile.closing)
    _clean_text(lines, profile)
    _plain_markers(lines, profile)
    formula = find_formula([line.text if line.kind == "body" else None for line in lines], profile)
    blocks, formula_at = _assemble(lines, formula, profile)
    warnings = []
    furniture = sum(1 for line in lines if line.kind == "furniture" and line.raw != "\f")
    if furniture:
        warnings.append(ProcessingWarning(code="page_furniture", message=f"dropped {furniture} page-furniture lines"))
    return CleanDocument.model_construct(blocks=blocks, formula_index=formula_at, warnings=warnings)


def find_formula(texts: list[str | None], profile: Profile) -> int | None:
    """Index of the enacting formula among ``texts`` (None for lines that are not body text).

    A formula row with role ``formula`` wins (``大会，``, *The General Assembly,*); a bare organ
    name (role ``formula?``: ``安全理事会`` alone) is the formula only where a paragraph follows it,
    not another masthead line (the masthead of a GA resolution opens with ``大会``)."""
    weak: int | None = None
    for i, text in enumerate(texts):
        if text is None:
            continue
        found = first_match(profile.formulas, text)
        if found is None:
            continue
        if found[0].role == "formula":
            return i
        if weak is None:
            following = next((t for t in texts[i + 1 :] if t), None)
            if following is not None and first_match(profile.header, following) is None:
                weak = i
    return weak


def clean_inline(s: str, profile: Profile) -> tuple[str, list[FootnoteRef], bool]:
    """Clean one line with the rules ``clean`` applies to every line; returns the text, the
    footnote markers removed from it, and whether it had bold."""
    line = s.replace("\n", " ").replace("\r", " ")
    text, nums, bold = clean_lines([line], profile.spacing)[0]
    body, refs = without_sentinels(text, nums)
    return body, [FootnoteRef(num=num, offset=at) for num, at in refs], bold


def _clean_text(lines: list[Line], profile: Profile) -> None:
    """Inline cleaning of every body and note line, in one pass of each rule."""
    live = [line for line in lines if line.kind in ("body", "note")]
    for line, (text, nums, bold) in zip(live, clean_lines([x.raw for x in live], profile.spacing), strict=True):
        line.text, line.refs = without_sentinels(text, nums)
        line.bold = bold


def _plain_markers(lines: list[Line], profile: Profile) -> None:
    """Find markers printed as plain digits; confirm or drop the notes only a marker can confirm."""
    notes = [line for line in lines if line.kind == "note"]
    if not notes:
        return
    cited = {num for line in lines for num, _ in line.refs}
    plain = {line.num for line in notes if line.num and line.num not in cited}
    body = [line for line in lines if line.kind == "body"]
    if plain:
        for line, found in zip(body, find_markers([x.text for x in body], plain, profile.markers), strict=True):
            if found:
                line.text, refs = remove_spans(line.text, found)
                line.refs = sorted([*line.refs, *refs], key=lambda r: r[1])
        cited |= {num for line in body for num, _ in line.refs}
    trailing = _trailing_notes(lines)
    for line in notes:
        if not line.sure and line.num not in cited and id(line) not in trailing:
            line.kind, line.text = "body", f"{line.num} {line.text}"  # a number opening a body line


def _trailing_notes(lines: list[Line]) -> set[int]:
    """The notes of the run that ends the document (only notes and furniture after them)."""
    run: set[int] = set()
    for line in reversed(lines):
        if line.kind == "note":
            run.add(id(line))
        elif line.kind not in ("furniture", "separator"):
            break
    return run


def _assemble(lines: list[Line], formula: int | None, profile: Profile) -> tuple[list[Block], int | None]:
    """Paragraphs from lines; returns the blocks and the index of the formula block."""
    full = _full_width(lines)
    out: list[_Block] = []
    pending: list[_Block] = []  # footnotes met inside an open paragraph, placed after it
    open_at: int | None = None  # index in out of the paragraph that may continue
    formula_at: int | None = None
    broke = False
    for i, line in enumerate(lines):
        if line.kind in ("furniture", "separator"):
            broke = True
            continue
        if line.kind == "note":
            note = _note_block(line)
            (pending if open_at is not None else out).append(note)
            broke = True
            continue
        if not line.text:
            continue
        block = _body_block(line, profile)
        if i == formula and (tail := _formula_tail(block, profile)) is not None:
            out.extend(pending)
            pending = []
            out.append(block)
            formula_at = len(out) - 1
            out.append(tail)  # "大会授权秘书长…": the formula, then its paragraph
            open_at = len(out) - 1
            broke = False
            continue
        in_body = formula is not None and i > formula
        previous = out[open_at] if open_at is not None else None
        if previous is not None and _joins(previous, block, line, broke=broke, full=full, profile=profile):
            out[open_at] = _merge(previous, block, profile, broke)  # type: ignore[index]
        else:
            out.extend(pending)
            pending = []
            out.append(block)
            open_at = len(out) - 1 if in_body or formula is None else None
            if i == formula:
                formula_at = len(out) - 1
                open_at = None
        broke = False
    out.extend(pending)
    if profile.split_run_on is not None:
        out, formula_at = _split_run_ons(out, formula_at, profile)
    return [Block.model_construct(**_block_fields(b)) for b in out], formula_at


def _joins(previous: _Block, block: _Block, line: Line, *, broke: bool, full: int | None, profile: Profile) -> bool:
    """Whether ``line`` continues the open paragraph ``previous``."""
    before: str = previous["text"]
    after: str = block["text"]
    by_label = _label_join(previous, after, profile)
    if by_label is not None:
        return by_label
    if _opens_own_block(after, profile):
        return False
    if _whole_closing_line(before, profile):
        return after[:1].islower()  # an adoption line wrapped before its vote ("… meeting" / "by 9 votes")
    if _apart(previous, after, profile):
        return False
    complete = last_char(before) in (profile.operative_end if previous["labelled"] else profile.terminal)
    if full is not None and len(previous["last_line"]) >= full * _FULL and not complete:
        return True  # a wrapped line that fills the measure
    return profile.continues(before, after, broke or line.blank_before, complete)


def _label_join(previous: _Block, after: str, profile: Profile) -> bool | None:
    """``1.`` alone on its line joins the text after it; a number printed after its paragraph's
    first line joins that paragraph; None when neither is a paragraph number alone."""
    if _label_only(previous["text"], profile):
        return True
    if _label_only(after, profile):
        return not previous["labelled"] and last_char(previous["text"]) not in profile.terminal
    return None


def _opens_own_block(text: str, profile: Profile) -> bool:
    """A numbered paragraph, a closing line or the formula never continue the line above."""
    return bool(
        _starts_label(text, profile) or first_match(profile.closing, text) or first_match(profile.formulas, text)
    )


def _apart(previous: _Block, after: str, profile: Profile) -> bool:
    """An annex heading, or the other language's column of a bilingual volume."""
    if first_match(profile.annex, previous["text"]) or first_match(profile.annex, after):
        return True
    return profile.foreign(after) != profile.foreign(previous["last_line"])


def _merge(previous: _Block, block: _Block, profile: Profile, broke: bool) -> _Block:
    before, after = previous["text"], block["text"]
    if _label_only(after, profile):  # "7." printed after its paragraph's first line: it goes first
        joined = profile.glue(after, before)
        shift = len(joined) - len(before)
        return {
            **previous,
            "text": joined,
            "labelled": True,
            "spans": [*previous["spans"], *block["spans"]],
            "footnote_refs": [{**r, "offset": r["offset"] + shift} for r in previous["footnote_refs"]],
        }
    joined = profile.glue(before, after)
    shift = len(joined) - len(after)
    refs = [
        *previous["footnote_refs"],
        *({"num": r["num"], "offset": r["offset"] + shift} for r in block["footnote_refs"]),
    ]
    return {
        **previous,
        "text": joined,
        "spans": [*previous["spans"], *block["spans"]],
        "footnote_refs": refs,
        "bold": previous["bold"] or block["bold"],
        "rejoined": previous["rejoined"] + broke,
        "last_line": after,
        "labelled": previous["labelled"] or _label_only(before, profile),
    }


def _formula_tail(block: _Block, profile: Profile) -> _Block | None:
    """Split a formula fused with the text after it; returns the text after it (``block`` keeps
    the formula), or None when the formula stands alone."""
    found = first_match(profile.formulas, block["text"])
    if found is None or "rest" not in found[1].groupdict() or not found[1].group("rest"):
        return None
    m = found[1]
    cut = m.start("rest")
    text = block["text"]
    (start, end), *_ = block["spans"]
    refs = block["footnote_refs"]
    tail = {
        **block,
        "text": text[cut:].strip(),
        "spans": [(min(start + cut, end), end)],
        "footnote_refs": [{**r, "offset": r["offset"] - cut} for r in refs if r["offset"] >= cut],
        "labelled": _starts_label(text[cut:].strip(), profile),
    }
    block["text"] = text[:cut].rstrip(" ,，")
    block["spans"] = [(start, min(start + cut, end))]
    block["footnote_refs"] = [r for r in refs if r["offset"] < cut]
    return tail


def _whole_closing_line(text: str, profile: Profile) -> bool:
    """A closing line matched to its end (an adoption line that wraps does not match whole)."""
    found = first_match(profile.closing, text)
    return found is not None and found[1].end() == len(text)


def _label_only(text: str, profile: Profile) -> bool:
    for style in profile.labels:
        m = style.pattern.match(text)
        if m is not None and m.end() == len(text):
            return True
    return False


def _starts_label(text: str, profile: Profile) -> bool:
    return any(style.pattern.match(text) for style in profile.labels)


def _full_width(lines: list[Line]) -> int | None:
    """The usual length of a full line, when the text is wrapped at a fixed measure (PDF text)."""
    lengths = [len(line.text) for line in lines if line.kind == "body" and line.text]
    if len(lengths) < _WRAP_MIN_LINES:
        return None
    lengths.sort()
    usual = lengths[int(len(lengths) * 0.9)]
    near = sum(1 for n in lengths if n >= usual * _WRAP_NEAR)
    return usual if near >= len(lengths) * _WRAP_SHARE else None


def _body_block(line: Line, profile: Profile) -> _Block:
    return {
        "kind": "body",
        "text": line.text,
        "spans": [(line.start, line.end)],
        "footnote_refs": [{"num": num, "offset": at} for num, at in line.refs],
        "bold": line.bold,
        "rejoined": 0,
        "last_line": line.text,
        "labelled": _starts_label(line.text, profile),
    }


def _note_block(line: Line) -> _Block:
    return {
        "kind": "footnote",
        "num": line.num,
        "text": line.text,
        "spans": [(line.start, line.end)],
        "footnote_refs": [{"num": num, "offset": at} for num, at in line.refs],
        "bold": False,
        "rejoined": 0,
    }


def _split_run_ons(blocks: list[_Block], formula_at: int | None, profile: Profile) -> tuple[list[_Block], int | None]:
    """Split a body paragraph where the next numbered paragraph starts inside it."""
    assert profile.split_run_on is not None
    out: list[_Block] = []
    new_formula = formula_at
    for i, block in enumerate(blocks):
        if i == formula_at:
            new_formula = len(out)
        if block["kind"] != "body" or formula_at is None or i <= formula_at:
            out.append(block)
            continue
        cuts = [m.start() for m in profile.split_run_on.finditer(block["text"])]
        if not cuts:
            out.append(block)
            continue
        out.extend(_cut(block, cuts))
    return out, new_formula


def _cut(block: _Block, cuts: list[int]) -> list[_Block]:
    text = block["text"]
    bounds = [0, *cuts, len(text)]
    pieces = []
    for start, end in pairwise(bounds):
        piece = text[start:end]
        lead = len(piece) - len(piece.lstrip())
        piece = piece.strip()
        if not piece:
            continue
        refs = [
            {"num": r["num"], "offset": r["offset"] - start - lead}
            for r in block["footnote_refs"]
            if start <= r["offset"] < end or (end == len(text) and r["offset"] == end)
        ]
        pieces.append({**block, "text": piece, "footnote_refs": refs})
    return pieces


def _block_fields(block: _Block) -> dict[str, Any]:
    return {
        "kind": block["kind"],
        "text": block["text"],
        "num": block.get("num"),
        "spans": block["spans"],
        "footnote_refs": [
            FootnoteRef.model_construct(num=r["num"], offset=r["offset"]) for r in block["footnote_refs"]
        ],
        "bold": block["bold"],
        "rejoined": block["rejoined"],
    }
