"""Stage *clean*: decoded text -> ``CleanDocument`` (blocks with their source ranges).

- markdown residue is unwrapped: ``[A/HRC/43/58](#)``, ``[2321\\(2016\\)](#)``, ``**谴责**``, ``- (一)``;
- footnote definitions (lines opening with a superscript number) are detached and kept with
  their numbers; markers in the text (``决议，¹ 并``) are removed and recorded with their offset;
- page furniture (job numbers, ``3/17`` page numbers, bar codes) is dropped;
- a fused header line (``28 January 2015第六十九届会议``) is split in two;
- spaces between Chinese and digits are dropped, Latin words keep theirs; full-width letters,
  digits and brackets become ASCII; Chinese punctuation is kept (no NFKC of the whole text);
- a paragraph split by a page break or a footnote block (even inside a word or a date) is
  rejoined: in the body, a block that does not end as its kind must end continues in the next.

Every block keeps the character ranges of the decoded original it was built from.
"""

from __future__ import annotations

import re

from pipeline._text import CJK, FORMULA, HAN, LABEL, SENTINEL, SUPERSCRIPTS, superscript_to_digits
from schemas import FootnoteRef, ProcessingWarning
from schemas.stages import Block, CleanDocument

_LINE = re.compile(r"[^\r\n\f\v\x1c-\x1e\x85\u2028\u2029]+")
_FOOTNOTE_DEF = re.compile(rf"^(?:([{SUPERSCRIPTS}]+)|\[\^(\d+)\]:|<sup>(\d+)</sup>)\s*(.*)$")
_FURNITURE = re.compile(
    r"^(?:\d{2}-\d{5}\s*(?:\(C\)|（C）)?(?:\s+\S+)*"  # job number "14-67937 (C)" (+ barcode)
    r"|\*\d{6,}\*"  # bar code
    r"|\d{1,3}/\d{1,3}(?:\s+\d{2}-\d{5}.*)?"  # page "3/17"
    r"|请回收\W*|Please recycle\W*)$"
)
_FUSED_HEADER = re.compile(r"^([0-9A-Za-z][\x20-\x7e]*?[A-Za-z]{3}[\x20-\x7e]*?)\s*(?=[\u4e00-\u9fff])")

_MD_LINK = re.compile(r"\[([^\[\]]*)\]\([^()\s]*\)")
_MD_ESCAPE = re.compile(r"\\([\\()\[\]*_#.\-`])")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
_LEADER = re.compile(r"^(?:#{1,6}\s+|[-+•●▪]\s+|\*\s+(?=\())")
_REF = re.compile(rf"[{SUPERSCRIPTS}]+|<sup>\s*(\d+)\s*</sup>|\[\^(\d+)\]")
_WIDTH = str.maketrans(
    {
        **{chr(0xFF10 + i): chr(0x30 + i) for i in range(10)},
        **{chr(0xFF21 + i): chr(0x41 + i) for i in range(26)},
        **{chr(0xFF41 + i): chr(0x61 + i) for i in range(26)},
        "（": "(",
        "）": ")",
        "［": "[",
        "］": "]",
        "／": "/",
        "％": "%",
        "＋": "+",
    }
)
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff\u00ad]")
_DIGIT_GROUPS = re.compile(r"(?<![\d/.,])\d{1,3}(?: \d{3})+(?![\d/.])")
_DOT_SPACE = re.compile(r"\b(Add|Corr|Rev|Amend|CONF|CN|Sub|AC|SR|PV|WP|CRP|INF|Suppl|L|C|R)\. (?=\d)")
_CJK_SPACE = re.compile(rf"(?<=[{CJK}]) | (?=[{CJK}])")
_TOKEN_AFTER = re.compile(rf"[^\s{CJK}]+")
_TOKEN_BEFORE = re.compile(rf"[^\s{CJK}]+$")
_LATIN_WORD = re.compile(r"[A-Za-z]{2}")
_TERMINAL_TRAIL = re.compile(r"[”’」』)\]》\s]+$")
_CLOSING_LINE = re.compile(r"^(?:\d{4}年\d{1,2}月\d{1,2}日|第\d+次(?:全体)?会议|\[.*\])$")
_HAN_CHAR = re.compile(f"[{HAN}]")

#: How a block must end to be complete: operative paragraphs, subparagraphs and items end in
#: ；。： ; preambular paragraphs in ， (or any of those).
_END_LABELLED = frozenset("；。：;:.!?！？")
_END_PREAMBLE = _END_LABELLED | frozenset("，,")


def clean(text: str) -> CleanDocument:
    """Clean decoded text into blocks; pure."""
    warnings: list[ProcessingWarning] = []
    blocks: list[Block] = []
    formula_index: int | None = None
    furniture = 0
    for match in _LINE.finditer(text):
        raw = match.group()
        start = match.start() + len(raw) - len(raw.lstrip())
        raw = raw.strip()
        if not raw:
            continue
        end = start + len(raw)
        if _FURNITURE.match(raw):
            furniture += 1
            blocks.append(_BREAK)
            continue
        note = _FOOTNOTE_DEF.match(raw)
        if note and note.group(4):
            num = superscript_to_digits(note.group(1) or note.group(2) or note.group(3))
            body, refs, _ = clean_inline(note.group(4))
            blocks.append(Block(kind="footnote", num=num, text=body, spans=[(start, end)], footnote_refs=refs))
            continue
        pieces = [(raw, start)]
        if formula_index is None:
            fused = _FUSED_HEADER.match(raw)
            if fused and fused.end() < len(raw):
                pieces = [(fused.group(1), start), (raw[fused.end() :], start + fused.end())]
        for piece, piece_start in pieces:
            body, refs, bold = clean_inline(piece)
            if not body:
                continue
            blocks.append(
                Block(
                    kind="body",
                    text=body,
                    spans=[(piece_start, piece_start + len(piece))],
                    footnote_refs=refs,
                    bold=bold,
                )
            )
            if formula_index is None and FORMULA.match(body):
                formula_index = len(blocks) - 1
    if furniture:
        warnings.append(ProcessingWarning(code="page_furniture", message=f"dropped {furniture} page-furniture lines"))
    merged, formula_at = _rejoin(blocks, formula_index)
    return CleanDocument(blocks=merged, formula_index=formula_at, warnings=warnings)


#: Marker left where page furniture stood: a page break, removed by ``_rejoin``.
_BREAK = Block(kind="footnote", num="", text="", spans=[])


def clean_inline(s: str) -> tuple[str, list[FootnoteRef], bool]:
    """Clean one line; returns the text, the footnote markers removed from it, and whether it had bold."""
    if "](" in s:
        s = _MD_LINK.sub(r"\1", s)
    if "\\" in s:
        s = _MD_ESCAPE.sub(r"\1", s)
    bold = False
    if "**" in s or "__" in s:
        s, n = _BOLD.subn(lambda m: m.group(1) or m.group(2), s)
        bold = n > 0
    s = _LEADER.sub("", s)
    nums: list[str] = []
    if _REF.search(s):

        def _mark(m: re.Match[str]) -> str:
            nums.append(m.group(1) or m.group(2) or superscript_to_digits(m.group()))
            return SENTINEL

        s = _REF.sub(_mark, s)
    s = _ZERO_WIDTH.sub("", s.translate(_WIDTH))
    s = _SPACES.sub(" ", s).strip()
    if " " in s:
        s = _DIGIT_GROUPS.sub(lambda m: m.group().replace(" ", ""), s)
        s = _DOT_SPACE.sub(r"\1.", s)
        s = _CJK_SPACE.sub(lambda m: _space_or_not(m, s), s)
    refs: list[FootnoteRef] = []
    if nums:
        parts = s.split(SENTINEL)
        out = [parts[0]]
        offset = len(parts[0])
        for num, part in zip(nums, parts[1:], strict=True):
            refs.append(FootnoteRef(num=num, offset=offset))
            out.append(part)
            offset += len(part)
        s = "".join(out)
        if s != s.strip():
            lead = len(s) - len(s.lstrip())
            s = s.strip()
            refs = [FootnoteRef(num=r.num, offset=min(max(r.offset - lead, 0), len(s))) for r in refs]
    return s, refs, bold


def _space_or_not(m: re.Match[str], s: str) -> str:
    """Drop a space next to Chinese, unless it separates a Latin word (``COVID-19 疫情``)."""
    i = m.start()
    nxt = _TOKEN_AFTER.match(s, i + 1)
    before = _TOKEN_BEFORE.search(s, max(0, i - 40), i)
    token = (nxt.group() if nxt else "") + (before.group() if before else "")
    return " " if _LATIN_WORD.search(token) else ""


def _ends_complete(block: Block) -> bool:
    text = _TERMINAL_TRAIL.sub("", block.text)
    if not text:
        return True
    ends = _END_LABELLED if LABEL.match(block.text) else _END_PREAMBLE
    return text[-1] in ends


def _rejoin(blocks: list[Block], formula_index: int | None) -> tuple[list[Block], int | None]:
    """Close page and footnote breaks inside paragraphs; returns blocks and the new formula index."""
    out: list[Block] = []
    footnotes_between: list[Block] = []
    open_body: int | None = None  # index in out of the last body block, if it may continue
    formula_at: int | None = None
    in_body = formula_index is None
    broke = False
    for i, block in enumerate(blocks):
        if block is _BREAK or block.kind == "footnote":
            broke = True
            if block is not _BREAK:
                footnotes_between.append(block)
            continue
        if i == formula_index:
            in_body = True
            out.extend(footnotes_between)
            footnotes_between = []
            out.append(block)
            formula_at = len(out) - 1
            open_body = None
            broke = False
            continue
        prev = out[open_body] if open_body is not None else None
        if prev is not None and _continues(prev, block, broke, formula_index is not None):
            out[open_body] = _merge(prev, block)  # type: ignore[index]
            out.extend(footnotes_between)
        else:
            out.extend(footnotes_between)
            out.append(block)
            open_body = len(out) - 1 if in_body else None
        footnotes_between = []
        broke = False
    out.extend(footnotes_between)
    return out, formula_at


def _continues(prev: Block, block: Block, broke: bool, resolution: bool) -> bool:
    if _ends_complete(prev) or LABEL.match(block.text) or _CLOSING_LINE.match(block.text):
        return False
    if resolution:
        return True
    # a document without an enacting formula: join only wrapped prose, not headings
    return broke and len(prev.text) >= 40 and bool(_HAN_CHAR.match(block.text))


def _merge(prev: Block, block: Block) -> Block:
    glue = (
        " "
        if prev.text[-1:].isascii()
        and prev.text[-1:].isalnum()
        and block.text[:1].isascii()
        and block.text[:1].isalpha()
        else ""
    )
    shift = len(prev.text) + len(glue)
    refs = [*prev.footnote_refs, *(FootnoteRef(num=r.num, offset=r.offset + shift) for r in block.footnote_refs)]
    return Block(
        kind="body",
        text=prev.text + glue + block.text,
        spans=[*prev.spans, *block.spans],
        footnote_refs=refs,
        bold=prev.bold or block.bold,
        rejoined=prev.rejoined + 1,
    )
