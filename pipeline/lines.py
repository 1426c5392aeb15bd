"""The lines of a text, told apart: page furniture, footnote definitions, body.

Rules come from the profile (``Profile.furniture``, ``Profile.footnote_lines``); what is the same in
every language is here: form feeds and separator rules (``_____``) break pages, a footnote zone
runs from a separator to the next page break, a running head (the document's symbol, or its title,
repeated after a page break) is furniture, and a number alone on a line is a page number except in
a footnote zone, where it opens a note whose text follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline._text import squash, superscript_to_digits
from pipeline.profile import Rule, first_match
from pipeline.symbols import SYMBOL

_SEPARATOR = re.compile(r"^[_\-‐–—=─━]{5,}$")
_NUMBER_ALONE = re.compile(r"^\d{1,3}$")
#: After a page break, how many lines may be a running head.
_HEAD_LINES = 3
_HEAD_MIN, _HEAD_MAX = 8, 160


@dataclass(slots=True)
class Line:
    """One non-blank line of the original, with what the cleaner learned about it."""

    kind: str  # "body" | "note" | "furniture" | "separator"
    raw: str  # the stripped original line (of a note: the text after its number)
    start: int
    end: int
    num: str | None = None  # footnote number
    sure: bool = True  # a note certain by its shape (superscript, in a footnote zone)
    blank_before: bool = False
    text: str = ""  # cleaned text
    refs: list[tuple[str, int]] = field(default_factory=list)  # footnote markers: (number, offset)
    bold: bool = False


def split_lines(text: str, furniture: tuple[Rule, ...], notes: tuple[Rule, ...]) -> list[Line]:
    """The non-blank lines of ``text``, classified; page breaks become furniture lines."""
    state = _State()
    position = 0
    for physical in text.splitlines(keepends=True):  # form feeds end lines too
        start = position
        position += len(physical)
        raw = physical.strip()
        if not raw:
            state.blank = True
        else:
            begin = start + len(physical) - len(physical.lstrip())
            state.add(Line("body", raw, begin, begin + len(raw), blank_before=state.blank), furniture, notes)
            state.blank = False
        if physical.rstrip("\r\n").endswith("\f"):
            state.page_break(position - 1)
    return state.lines


@dataclass(slots=True)
class _State:
    """What the line classifier remembers from one line to the next."""

    lines: list[Line] = field(default_factory=list)
    blank: bool = False
    zone: bool = False  # inside a footnote zone (after a separator rule, until the page ends)
    note_open: bool = False  # the last line was a note that may wrap onto the next
    after_break: int = 0  # lines left that may be a running head
    first_page: list[str] = field(default_factory=list)
    first_page_done: bool = False

    def page_break(self, at: int) -> None:
        self.lines.append(Line("furniture", "\f", at, at + 1))
        self.zone, self.note_open, self.after_break, self.first_page_done = False, False, _HEAD_LINES, True

    def add(self, line: Line, furniture: tuple[Rule, ...], notes: tuple[Rule, ...]) -> None:
        raw = line.raw
        if first_match(furniture, raw) is not None:
            line.kind = "furniture"
            self.zone, self.note_open, self.after_break = False, False, _HEAD_LINES
        elif self.after_break and _is_running_head(raw, self.first_page):
            line.kind = "furniture"
        elif _SEPARATOR.match(raw):
            line.kind, self.zone, self.note_open = "separator", True, False
        elif self.zone and _NUMBER_ALONE.match(raw):
            line.kind, line.num, line.raw, self.note_open = "note", raw, "", True
        elif found := first_match(notes, raw):
            rule, m = found
            line.kind, line.num, line.raw = "note", superscript_to_digits(m.group("n")), m.group("text") or ""
            line.sure = rule.role == "note" or self.zone
            self.note_open = self.zone
        elif self.zone and self.note_open and self.lines and self.lines[-1].kind == "note":
            previous = self.lines[-1]  # a note wrapped over several lines
            previous.raw = f"{previous.raw} {raw}".strip()
            previous.end = line.end
            return
        elif _NUMBER_ALONE.match(raw):
            line.kind = "furniture"  # a page number
        if line.kind != "furniture":
            self.after_break = max(self.after_break - 1, 0)
        if not self.first_page_done and line.kind == "body":
            self.first_page.append(raw)
        self.lines.append(line)


def _is_running_head(raw: str, first_page: list[str]) -> bool:
    """A line repeating the document's symbol, or a title printed on the first page."""
    if SYMBOL.fullmatch(raw):
        return any(SYMBOL.fullmatch(line) and squash(line) == squash(raw) for line in first_page)
    if not (_HEAD_MIN <= len(raw) <= _HEAD_MAX) or raw[-1:] in ",;:，；：":
        return False
    return squash(raw) in squash(" ".join(first_page[:40]))
