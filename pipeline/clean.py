"""Stage *clean*: decoded text -> ``CleanDocument`` (blocks with their source ranges).

The engine is the same for every language; the profile says what page furniture and footnote
definitions look like, where spaces belong, where a plain number is a footnote marker, and when a
line continues the paragraph above it. In order:

1. the lines are told apart (``pipeline.lines``): page furniture, footnote definitions, body;
2. all lines are cleaned at once (``pipeline.inline``): markdown residue, width, spaces,
   superscript markers;
3. footnote markers printed as plain digits are found for the notes the document defines
   (``pipeline.footnotes``), and notes that only a marker can confirm are confirmed or dropped;
4. body lines are assembled into paragraphs (``pipeline.paragraphs``): before the enacting formula
   (the masthead) each line stays a block; after it, a line continues the paragraph above when
   the profile says so — also across a page break or a footnote block, even inside a word or a
   date.

Every block keeps the character ranges of the decoded original it was built from.
"""

from __future__ import annotations

from pipeline.footnotes import find_markers, remove_spans
from pipeline.inline import clean_lines, narrow, without_sentinels
from pipeline.lines import Line, split_lines
from pipeline.paragraphs import assemble
from pipeline.profile import Profile, first_match
from pipeline.scattered import regather
from schemas import ProcessingWarning
from schemas.stages import CleanDocument, Ref


def clean(text: str, profile: Profile) -> CleanDocument:
    """Clean decoded text into blocks; pure."""
    lines = split_lines(narrow(text), profile.furniture, profile.footnote_lines, profile.closing)
    _clean_text(lines, profile)
    lines = regather(lines, profile.scattered_word)
    _plain_markers(lines, profile)
    formula = find_formula([line.text if line.kind == "body" else None for line in lines], profile)
    blocks, formula_at = assemble(lines, formula, profile)
    warnings = []
    furniture = sum(1 for line in lines if line.kind == "furniture" and line.raw != "\f")
    if furniture:
        warnings.append(ProcessingWarning(code="page_furniture", message=f"dropped {furniture} page-furniture lines"))
    return CleanDocument(blocks=blocks, formula_index=formula_at, warnings=warnings)


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


def clean_inline(s: str, profile: Profile) -> tuple[str, list[Ref], bool]:
    """Clean one line with the rules ``clean`` applies to every line; returns the text, the
    footnote markers removed from it, and whether it had bold."""
    line = s.replace("\n", " ").replace("\r", " ")
    text, nums, bold = clean_lines([line], profile.spacing)[0]
    body, refs = without_sentinels(text, nums)
    return body, [Ref(num, at) for num, at in refs], bold


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
