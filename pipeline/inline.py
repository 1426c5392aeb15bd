"""Inline cleaning of many lines at once: markdown residue, width, spaces, footnote markers.

Each rule runs once over all lines of a document joined by newlines (no rule crosses a newline),
which is several times faster than running every rule line by line. What is specific to a
language (where spaces are wanted) comes in as ``spacing``; the rest is the same for every
language:

- markdown residue is unwrapped: ``[A/HRC/43/58](#)``, ``[2321\\(2016\\)](#)``, ``**谴责**``, list
  dashes and MediaWiki list and table markup (``- (一)``, a trailing `` |``);
- footnote markers written as superscripts (``决议，¹ 并``), ``<sup>1</sup>`` or ``[^1]`` become
  ``SENTINEL`` with their numbers noted;
- full-width letters, digits and brackets fold to ASCII, zero-width characters go, every space
  becomes a plain one and runs of spaces close up; Chinese punctuation is kept (never NFKC);
- space-grouped numbers close up (``1 040 万``), as do symbol parts (``Add. 2``, ``CONF. 157``,
  ``S/2022 /606``, ``ES-11/ 4``).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable

from pipeline._text import REPLACEMENT, SENTINEL, SUPERSCRIPTS, superscript_to_digits

#: A line cleaned: its text with ``SENTINEL`` where footnote markers stood, their numbers, and
#: whether it had bold.
Cleaned = tuple[str, list[str], bool]

_MD_LINKS = re.compile(r"\[([^\[\]\n]*)\]\([^()\s]*\)")
_MD_ESCAPE = re.compile(r"\\([\\()\[\]*_#.\-`])")
_BOLD = re.compile(r"\*\*(.+?)\*\*|__(.+?)__")
#: Markdown headings, list dashes and table pipes opening a line (a newline is put before the first line).
_LEADERS = re.compile(r"\n(?:#{1,6}[^\S\n]+|[-+•●▪][^\S\n]+|\*[^\S\n]+(?=\()|\|[^\S\n]*)")
#: Table pipes closing a line (the spaces before them go when the line is stripped).
_TRAILING_PIPES = re.compile(r"\|[^\S\n|]*(?=\n|$)")
#: Footnote markers: superscript numbers (spelled ``⁰[⁰¹…]*|¹[⁰¹…]*|…``, an alternation of literals
#: the engine skips to), ``<sup>1</sup>`` and ``[^1]``.
_REFS = re.compile(
    "|".join(f"{c}[{SUPERSCRIPTS}]*" for c in SUPERSCRIPTS) + r"|<sup>[^\S\n]*(\d+)[^\S\n]*</sup>|\[\^(\d+)\]"
)
_WIDTH = {
    **{0xFF10 + i: chr(0x30 + i) for i in range(10)},
    **{0xFF21 + i: chr(0x41 + i) for i in range(26)},
    **{0xFF41 + i: chr(0x61 + i) for i in range(26)},
    **{ord(k): v for k, v in {"（": "(", "）": ")", "［": "[", "］": "]", "／": "/", "％": "%", "＋": "+"}.items()},
    **{ord(k): v for k, v in {"ﬁ": "fi", "ﬂ": "fl", "ﬀ": "ff", "ﬃ": "ffi", "ﬄ": "ffl"}.items()},
}
#: The full-width forms a text may print its digits, Latin letters and symbols' slashes in, one
#: character for one (offsets stay the same), folded before the lines are told apart.
_NARROW = {
    **{0xFF10 + i: chr(0x30 + i) for i in range(10)},
    **{0xFF21 + i: chr(0x41 + i) for i in range(26)},
    **{0xFF41 + i: chr(0x61 + i) for i in range(26)},
    ord("／"): "/",
}
_HAS_WIDE = re.compile("[０-９Ａ-Ｚａ-ｚ／]")


def narrow(text: str) -> str:
    """``text`` with full-width digits, Latin letters and slashes as ASCII (same length)."""
    return text.translate(_NARROW) if _HAS_WIDE.search(text) else text


_SPACE_CHARS = "\t\u00a0" + "".join(map(chr, range(0x2000, 0x200B))) + "\u202f\u205f\u3000"
_ZERO_WIDTH_CHARS = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
#: Width, zero-width and space characters in one pass.
_FOLD = {**_WIDTH, **dict.fromkeys(map(ord, _ZERO_WIDTH_CHARS)), **dict.fromkeys(map(ord, _SPACE_CHARS), " ")}
_TO_FOLD = re.compile("[{}]+".format("".join(re.escape(chr(c)) for c in _FOLD)))
_SPACE_RUN = re.compile("  +")
#: Spaces at the ends of lines (after the space runs are closed up: at most one on each side).
_EDGE_SPACES = re.compile(" ?\n ?")
#: ``1 040``. (The look-behind follows the first digit, so that the search skips from digit to digit.)
_DIGIT_GROUPS = re.compile(r"\d(?<![\d/.,]\d)\d{0,2}(?: \d{3})+(?![\d/.])")
#: Part of every ``_DIGIT_GROUPS`` match (``_DIGIT_GROUPS`` stops at every digit, this at spaces).
_DIGIT_GROUP_GATE = re.compile(r" \d\d\d(?<=\d \d\d\d)")
_DOT_SPACE_WORDS = "Add|Corr|Rev|Amend|CONF|CN|Sub|AC|SR|PV|WP|CRP|INF|Suppl|L|C|R"
#: The space after ``Add.``, ``CONF.``... before a number, with the word checked behind it.
_DOT_SPACE = re.compile(r"\. (?=\d)(?:" + "|".join(rf"(?<=\b{word}\. )" for word in _DOT_SPACE_WORDS.split("|")) + ")")
#: A space a text layer put inside a symbol beside a slash (``A/77/277-S/2022 /606``, ``A/RES/ES-11/ 4``).
_SLASH_SPACE = re.compile(r"(\b[A-Z]{1,6}/[A-Za-z0-9./()\-]*?[A-Za-z0-9]) ?/ ?(?=\d)")
_NEWLINE = re.compile("\n")


def clean_lines(lines: list[str], spacing: Callable[[str], str]) -> list[Cleaned]:
    """Clean lines that hold no newline; ``spacing`` applies the language's space rules to the
    whole text (lines joined by newlines). Footnote markers are left as ``SENTINEL``."""
    if not lines:
        return []
    text = "\n".join(lines)
    if SENTINEL in text:  # the placeholder of footnote markers must not occur in the input itself
        text = text.replace(SENTINEL, REPLACEMENT)
    if "](" in text:
        text = _MD_LINKS.sub(r"\1", text)
    if "\\" in text:
        text = _MD_ESCAPE.sub(r"\1", text)
    bold = [False] * len(lines)
    if "**" in text or "__" in text:
        text = _unbold(text, bold)
    text = _LEADERS.sub("\n", "\n" + text)[1:]
    if "|" in text:
        text = _TRAILING_PIPES.sub("", text)
    nums: list[list[str]] = [[] for _ in lines]
    if _REFS.search(text):
        text = _mark_refs(text, nums)
    text = _SPACE_RUN.sub(" ", _TO_FOLD.sub(_fold, text))
    if " \n" in text or "\n " in text:
        text = _EDGE_SPACES.sub("\n", text)
    text = text.strip(" ")
    if _DIGIT_GROUP_GATE.search(text):
        text = _close_digit_groups(text)
    if ". " in text:
        text = _DOT_SPACE.sub(".", text)
    if " /" in text or "/ " in text:
        text = _SLASH_SPACE.sub(r"\1/", text)
    text = spacing(text)
    return list(zip(text.split("\n"), nums, bold, strict=True))


def without_sentinels(text: str, nums: list[str]) -> tuple[str, list[tuple[str, int]]]:
    """The text of a cleaned line without its sentinels, and the (number, offset) of each marker."""
    if not nums:
        return text, []
    parts = text.split(SENTINEL)
    out = [parts[0]]
    offset = len(parts[0])
    refs: list[tuple[str, int]] = []
    for num, part in zip(nums, parts[1:], strict=True):
        refs.append((num, offset))
        out.append(part)
        offset += len(part)
    joined = "".join(out)
    stripped = joined.strip()
    if stripped != joined:
        lead = len(joined) - len(joined.lstrip())
        refs = [(num, min(max(at - lead, 0), len(stripped))) for num, at in refs]
    return stripped, refs


def _unbold(text: str, bold: list[bool]) -> str:
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if "**" in line or "__" in line:
            lines[i], n = _BOLD.subn(_bold_text, line)
            bold[i] = n > 0
    return "\n".join(lines)


def _bold_text(m: re.Match[str]) -> str:
    return m.group(1) or m.group(2)


def _mark_refs(text: str, nums: list[list[str]]) -> str:
    line_starts = [0, *(m.end() for m in _NEWLINE.finditer(text))]

    def _mark(m: re.Match[str]) -> str:
        line = bisect_right(line_starts, m.start()) - 1
        nums[line].append(m.group(1) or m.group(2) or superscript_to_digits(m.group()))
        return SENTINEL

    return _REFS.sub(_mark, text)


def _fold(m: re.Match[str]) -> str:
    return m.group().translate(_FOLD)


def _close_digit_groups(text: str) -> str:
    """``_DIGIT_GROUPS`` closed up on the lines the gate finds them on (the rest is not searched)."""
    out: list[str] = []
    done = 0
    for m in _DIGIT_GROUP_GATE.finditer(text):
        if m.start() < done:
            continue
        begin = text.rfind("\n", 0, m.start()) + 1
        end = text.find("\n", m.end())
        end = len(text) if end < 0 else end
        out.append(text[done:begin])
        out.append(_DIGIT_GROUPS.sub(_close_up, text[begin:end]))
        done = end
    out.append(text[done:])
    return "".join(out)


def _close_up(m: re.Match[str]) -> str:
    return m.group().replace(" ", "")
