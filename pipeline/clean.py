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

Every block keeps the character ranges of the decoded original it was built from. The lines
of a document are cleaned together: each rule runs once over all of them joined by newlines (no
rule crosses a newline); ``clean_inline`` applies the same rules to a single line.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any

from pipeline._text import CJK, FORMULA, HAN, LABEL, SENTINEL, SUPERSCRIPTS, superscript_to_digits
from pipeline.symbols import SYMBOL
from schemas import FootnoteRef, ProcessingWarning
from schemas.stages import CleanDocument

_FOOTNOTE_DEF = re.compile(rf"^(?:([{SUPERSCRIPTS}]+)|\[\^(\d+)\]:|<sup>(\d+)</sup>)\s*(.*)$")
_FURNITURE = re.compile(
    r"^(?:\d{2}-\d{5}\s*(?:\(C\)|（C）)?(?:\s+\S+)*"  # job number "14-67937 (C)" (+ barcode)
    r"|\*\d{6,}\*"  # bar code
    r"|\d{1,3}/\d{1,3}(?:\s+\d{2}-\d{5}.*)?"  # page "3/17"
    r"|请回收\W*|Please recycle\W*)$"
)
#: Besides digits, what page furniture and footnote definitions can open with.
_FURNITURE_OR_NOTE_START = frozenset(f"*请P[<{SUPERSCRIPTS}")
_FUSED_HEADER = re.compile(r"^([0-9A-Za-z][\x20-\x7e]*?[A-Za-z]{3}[\x20-\x7e]*?)\s*(?=[\u4e00-\u9fff])")

_MD_ESCAPE = re.compile(r"\\([\\()\[\]*_#.\-`])")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
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
_SPACE_CHARS = " \t\u00a0" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
#: ``1 040``. (The look-behind follows the first digit, so that the search skips from digit to digit.)
_DIGIT_GROUPS = re.compile(r"\d(?<![\d/.,]\d)\d{0,2}(?: \d{3})+(?![\d/.])")
_DOT_SPACE_WORDS = "Add|Corr|Rev|Amend|CONF|CN|Sub|AC|SR|PV|WP|CRP|INF|Suppl|L|C|R"

# The cleaning rules, run over all lines of a document joined by newlines (``_clean_lines``). None of these
# patterns matches a newline, and each opens with a literal or a character class, which the regex
# engine skips to: a pattern opening with ``^``, ``\b``, a look-behind or ``[...]+`` is tried at
# every character of the text.
_MD_LINK_LINES = re.compile(r"\[([^\[\]\n]*)\]\([^()\s]*\)")
#: Markdown headings and list dashes opening a line (a newline is put before the first line).
_LEADER_LINES = re.compile(r"\n(?:#{1,6}[^\S\n]+|[-+•●▪][^\S\n]+|\*[^\S\n]+(?=\())")
#: Footnote markers: superscript numbers (spelled ``⁰[⁰¹…]*|¹[⁰¹…]*|…``, an alternation of literals
#: the engine skips to), ``<sup>1</sup>`` and ``[^1]``.
_REF_LINES = re.compile(
    "|".join(f"{c}[{SUPERSCRIPTS}]*" for c in SUPERSCRIPTS) + r"|<sup>[^\S\n]*(\d+)[^\S\n]*</sup>|\[\^(\d+)\]"
)
#: Width, zero-width and space characters in one pass: full-width characters fold, zero-width
#: ones go, every other space becomes a plain one; ``_SPACE_RUN`` then closes up runs of spaces.
_FOLD = {
    **_WIDTH,
    **dict.fromkeys(map(ord, _ZERO_WIDTH_CHARS)),
    **dict.fromkeys(map(ord, _SPACE_CHARS.replace(" ", "")), " "),
}
_TO_FOLD = re.compile("[{0}][{0}]*".format("".join(re.escape(chr(c)) for c in _FOLD)))
_SPACE_RUN = re.compile("  +")
#: Part of every ``_DIGIT_GROUPS`` match (``_DIGIT_GROUPS`` stops at every digit, this at spaces).
_DIGIT_GROUP_GATE = re.compile(r" \d\d\d(?<=\d \d\d\d)")
#: The space after ``Add.``, ``CONF.``... before a number, with the word checked behind it.
_DOT_SPACE_LINES = re.compile(
    r"\. (?=\d)(?:" + "|".join(rf"(?<=\b{word}\. )" for word in _DOT_SPACE_WORDS.split("|")) + ")"
)
_NEWLINE = re.compile("\n")
#: A character of a token (a run of neither space nor Chinese) that does not start a Latin word.
_NO_WORD = rf"(?:[^\s{CJK}A-Za-z]|[A-Za-z](?![A-Za-z]))"
#: Spaces next to Chinese, without a callback: a space after Chinese goes unless the token after it has
#: a Latin word; a space before Chinese goes unless the last 40 characters of the token before it
#: have one. The second rule runs over the reversed text, where it reads like the first.
_SPACE_AFTER_CJK = re.compile(rf" (?<=[{CJK}] )(?={_NO_WORD}*(?![^\s{CJK}]))")
_SPACE_BEFORE_CJK_REVERSED = re.compile(
    rf" (?<=[{CJK}] )(?={_NO_WORD}{{0,39}}(?![^\s{CJK}])|{_NO_WORD}{{39}}[^\s{CJK}])"
)
#: Closing marks that may follow the punctuation that ends a block.
_TERMINAL_TRAIL = frozenset("”’」』)]》")
_CLOSING_LINE = re.compile(r"^(?:\d{4}年\d{1,2}月\d{1,2}日|第\d+次(?:全体)?会议|\[.*\])$")
_HAN_CHAR = re.compile(f"[{HAN}]")

#: How a block must end to be complete: operative paragraphs, subparagraphs and items end in
#: ；。： ; preambular paragraphs in ， (or any of those).
_END_LABELLED = frozenset("；。：;:.!?！？")
_END_PREAMBLE = _END_LABELLED | frozenset("，,")


#: A block while cleaning: the fields of a ``Block``, validated once into the ``CleanDocument``.
_Block = dict[str, Any]
#: A line cleaned by ``_clean_lines``: its text with ``SENTINEL`` where footnote markers stood,
#: their numbers, and whether it had bold.
_Cleaned = tuple[str, list[str], bool]
#: A line of the original: kind ("body", "footnote" or "furniture"), text (of a footnote: after
#: its number), start and end in the original, footnote number.
_Line = tuple[str, str, int, int, str | None]


#: What a private-use character equal to ``SENTINEL`` in the input becomes (same length: spans hold).
_REPLACEMENT = "\ufffd"


def clean(text: str) -> CleanDocument:
    """Clean decoded text into blocks; pure."""
    if SENTINEL in text:  # the placeholder of footnote markers must not occur in the input itself
        text = text.replace(SENTINEL, _REPLACEMENT)
    warnings: list[ProcessingWarning] = []
    blocks: list[_Block | None] = []  # None where page furniture stood: a page break
    formula_index: int | None = None
    lines = _lines(text)
    cleaned = iter(_clean_lines([line[1] for line in lines if line[0] != "furniture"]))
    for kind, raw, start, end, num in lines:
        if kind == "furniture":
            blocks.append(None)
            continue
        line = next(cleaned)
        if kind == "footnote":
            body, refs = _with_refs(line)
            blocks.append(
                {"kind": "footnote", "num": num, "text": body, "spans": [(start, end)], "footnote_refs": refs}
            )
            continue
        pieces = [(raw, start, line)]
        if formula_index is None:
            fused = _FUSED_HEADER.match(raw)
            if fused and fused.end() < len(raw):
                head, rest = fused.group(1), raw[fused.end() :]
                first, second = _clean_lines([head, rest])
                pieces = [(head, start, first), (rest, start + fused.end(), second)]
        for piece, piece_start, piece_line in pieces:
            body, refs = _with_refs(piece_line)
            if not body:
                continue
            if formula_index is not None and SYMBOL.fullmatch(body):
                blocks.append(None)  # the document's symbol alone on a line in the body: a running head
                continue
            blocks.append(
                {
                    "kind": "body",
                    "text": body,
                    "spans": [(piece_start, piece_start + len(piece))],
                    "footnote_refs": refs,
                    "bold": piece_line[2],
                }
            )
            if formula_index is None and FORMULA.match(body):
                formula_index = len(blocks) - 1
    furniture = blocks.count(None)
    if furniture:
        warnings.append(ProcessingWarning(code="page_furniture", message=f"dropped {furniture} page-furniture lines"))
    merged, formula_at = _rejoin(blocks, formula_index)
    return CleanDocument.model_validate({"blocks": merged, "formula_index": formula_at, "warnings": warnings})


def _lines(text: str) -> list[_Line]:
    """The non-blank lines of ``text``, stripped, told apart: page furniture, footnotes, body."""
    lines: list[_Line] = []
    position = 0
    for line in text.splitlines(keepends=True):  # each with its line break, a space for strip()
        start = position + len(line) - len(line.lstrip())
        position += len(line)
        raw = line.strip()
        if not raw:
            continue
        end = start + len(raw)
        if not (raw[0].isdecimal() or raw[0] in _FURNITURE_OR_NOTE_START):  # the usual line, in short
            lines.append(("body", raw, start, end, None))
            continue
        if _FURNITURE.match(raw):
            lines.append(("furniture", raw, start, end, None))
            continue
        note = _FOOTNOTE_DEF.match(raw)
        if note and note.group(4):
            num = superscript_to_digits(note.group(1) or note.group(2) or note.group(3))
            lines.append(("footnote", note.group(4), start, end, num))
        else:
            lines.append(("body", raw, start, end, None))
    return lines


def _clean_lines(lines: list[str]) -> list[_Cleaned]:
    """Clean many lines without newlines: each rule runs once over all of them.

    Footnote markers are left as ``SENTINEL``, with their numbers: ``_with_refs`` places them.
    """
    if not lines:
        return []
    text = "\n".join(lines)
    if "](" in text:
        text = _MD_LINK_LINES.sub(r"\1", text)
    if "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", text)
    bold = [False] * len(lines)
    if "**" in text or "__" in text:
        text = _unbold(text, bold)
    text = _LEADER_LINES.sub("\n", "\n" + text)[1:]
    nums: list[list[str]] = [[] for _ in lines]
    if _REF_LINES.search(text):
        text = _mark_refs(text, nums)
    text = _SPACE_RUN.sub(" ", _TO_FOLD.sub(_fold, text))
    text = "\n".join(line.strip() for line in text.split("\n"))
    if _DIGIT_GROUP_GATE.search(text):
        text = _DIGIT_GROUPS.sub(_close_up_digits, text)
    text = _DOT_SPACE_LINES.sub(".", text)
    text = _SPACE_AFTER_CJK.sub("", text)
    text = _SPACE_BEFORE_CJK_REVERSED.sub("", text[::-1])[::-1]
    return list(zip(text.split("\n"), nums, bold, strict=True))


def _unbold(text: str, bold: list[bool]) -> str:
    """Unwrap ``**bold**`` and ``__bold__`` line by line, noting which lines had it."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if "**" in line or "__" in line:
            lines[i], n = _BOLD.subn(_bold_text, line)
            bold[i] = n > 0
    return "\n".join(lines)


def _mark_refs(text: str, nums: list[list[str]]) -> str:
    """Replace footnote markers by ``SENTINEL``, noting their numbers line by line."""
    line_starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]

    def _mark(m: re.Match[str]) -> str:
        line = bisect_right(line_starts, m.start()) - 1
        nums[line].append(m.group(1) or m.group(2) or superscript_to_digits(m.group()))
        return SENTINEL

    return _REF_LINES.sub(_mark, text)


def _with_refs(line: _Cleaned) -> tuple[str, list[dict[str, Any]]]:
    """The text of a cleaned line without its sentinels, and the footnote references they mark."""
    text, nums, _ = line
    refs: list[dict[str, Any]] = []
    if not nums:
        return text, refs
    parts = text.split(SENTINEL)
    out = [parts[0]]
    offset = len(parts[0])
    for num, part in zip(nums, parts[1:], strict=True):
        refs.append({"num": num, "offset": offset})
        out.append(part)
        offset += len(part)
    text = "".join(out)
    if text != text.strip():
        lead = len(text) - len(text.lstrip())
        text = text.strip()
        refs = [{"num": r["num"], "offset": min(max(r["offset"] - lead, 0), len(text))} for r in refs]
    return text, refs


def _bold_text(m: re.Match[str]) -> str:
    return m.group(1) or m.group(2)


def _fold(m: re.Match[str]) -> str:
    return m.group().translate(_FOLD)


def _close_up_digits(m: re.Match[str]) -> str:
    return m.group().replace(" ", "")


def clean_inline(s: str) -> tuple[str, list[FootnoteRef], bool]:
    """Clean one line (the rules ``clean`` applies to every line); returns the text, the footnote
    markers removed from it, and whether it had bold."""
    line = s.replace(SENTINEL, _REPLACEMENT).replace("\n", " ").replace("\r", " ")
    cleaned = _clean_lines([line])[0]
    text, refs = _with_refs(cleaned)
    return text, [FootnoteRef(num=r["num"], offset=r["offset"]) for r in refs], cleaned[2]


def _ends_complete(block: _Block) -> bool:
    text = block["text"]
    end = len(text)
    while end and (text[end - 1] in _TERMINAL_TRAIL or text[end - 1].isspace()):  # closing marks, spaces
        end -= 1
    if not end:
        return True
    ends = _END_LABELLED if LABEL.match(text) else _END_PREAMBLE
    return text[end - 1] in ends


def _rejoin(blocks: list[_Block | None], formula_index: int | None) -> tuple[list[_Block], int | None]:
    """Close page and footnote breaks inside paragraphs; returns blocks and the new formula index."""
    out: list[_Block] = []
    footnotes_between: list[_Block] = []
    open_body: int | None = None  # index in out of the last body block, if it may continue
    formula_at: int | None = None
    in_body = formula_index is None
    broke = False
    for i, block in enumerate(blocks):
        if block is None or block["kind"] == "footnote":
            broke = True
            if block is not None:
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
        if not in_body and out and _header_continues(out[-1], block):
            out[-1] = _merge(out[-1], block)  # a sponsor list wrapped over two lines
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


def _header_continues(prev: _Block, block: _Block) -> bool:
    """A masthead line ending in 、 or starting with one is the same list (sponsors) wrapped."""
    before: str = prev["text"]
    after: str = block["text"]
    return prev["kind"] == "body" and (before.endswith(("、", "，")) or after.startswith("、"))


def _continues(prev: _Block, block: _Block, broke: bool, resolution: bool) -> bool:
    if _ends_complete(prev) or LABEL.match(block["text"]) or _CLOSING_LINE.match(block["text"]):
        return False
    if resolution:
        return True
    # a document without an enacting formula: join only wrapped prose, not headings
    return broke and len(prev["text"]) >= 40 and bool(_HAN_CHAR.match(block["text"]))


def _merge(prev: _Block, block: _Block) -> _Block:
    before, after = prev["text"], block["text"]
    glue = (
        " " if before[-1:].isascii() and before[-1:].isalnum() and after[:1].isascii() and after[:1].isalpha() else ""
    )
    shift = len(before) + len(glue)
    refs = [*prev["footnote_refs"], *({"num": r["num"], "offset": r["offset"] + shift} for r in block["footnote_refs"])]
    return {
        "kind": "body",
        "text": before + glue + after,
        "spans": [*prev["spans"], *block["spans"]],
        "footnote_refs": refs,
        "bold": prev["bold"] or block["bold"],
        "rejoined": prev.get("rejoined", 0) + 1,
    }
