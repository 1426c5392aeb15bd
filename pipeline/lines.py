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
from pipeline.symbols import SYMBOL, normalize_symbol

_SEPARATOR = re.compile(r"^[_\-‐–—=─━]{5,}$")
_NUMBER_ALONE = re.compile(r"^\d{1,3}$")
#: In a footnote zone, a note's number alone on its line, also as the UN printed it in the 1990s (``1/``).
_NOTE_NUMBER_ALONE = re.compile(r"^(\d{1,3})/?$")
#: Most lines of one note's text in a run of notes printed without a rule.
_NOTE_LINES = 6
#: Longest line that may be a document's symbol repeated as a running head.
_SYMBOL_HEAD_MAX = 40
#: After a page break, how many lines may be a running head.
_HEAD_LINES = 5
_HEAD_MIN, _HEAD_MAX = 8, 160
#: Most body lines (its date, a vote) between a closing line and the notes it opens.
_AFTER_CLOSING = 2
#: How many lines back a closing line opens the notes that follow it.
_CLOSING_REACH = 12
#: How many lines of the first page a running head may repeat (its masthead and title).
_HEAD_REGION = 30


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


def split_lines(
    text: str, furniture: tuple[Rule, ...], notes: tuple[Rule, ...], closing: tuple[Rule, ...] = ()
) -> list[Line]:
    """The non-blank lines of ``text``, classified; page breaks become furniture lines. After a
    closing line (``3rd plenary meeting``), a number alone opens the notes as a rule would."""
    state = _State(closing=closing)
    special = _special(furniture, notes).match
    lines = state.lines
    first_page = state.first_page
    position = 0
    blank = False
    for physical in text.splitlines(keepends=True):  # form feeds end lines too
        start = position
        position += len(physical)
        raw = physical.strip()
        if not raw:
            blank = True
        else:
            begin = start + len(physical) - len(physical.lstrip())
            line = Line("body", raw, begin, begin + len(raw), None, True, blank)
            if state.zone is None and not state.after_break and not special(raw) and not _symbol_shaped(raw):
                lines.append(line)  # the usual line: body text, told in one step
                if not state.first_page_done:
                    first_page.append(raw)
            else:
                state.add(line, furniture, notes)
            blank = False
        if "\f" in physical and physical.rstrip("\r\n").endswith("\f"):
            state.page_break(position - 1)
    state.close_zone()
    return _unruled_notes(state.lines) if state.page_numbers > 1 else state.lines


def _unruled_notes(lines: list[Line]) -> list[Line]:
    """Notes at a page's foot with no rule above them (the 1998 layout): numbers alone in sequence
    (``1``, ``2``, …), each before a short text, the run ending at the page's foot (its job number,
    a continuation mark, the page break). They were taken for page numbers; they become the notes
    they are. The first run starts at 1, each later one where the one before stopped."""
    out: list[Line] = []
    index, following = 0, 1  # the document's notes number from 1: a run starts there or goes on
    while index < len(lines):
        run = _note_run(lines, index) if _page_number(lines[index]) in (1, following) else None
        if run is None:
            out.append(lines[index])
            index += 1
            continue
        zone: list[tuple[str | None, Line]] = [
            (line.raw, Line("note", "", line.start, line.end))
            if line.kind == "furniture"
            else (None, Line("note", line.raw, line.start, line.end, blank_before=line.blank_before))
            for line in lines[index:run]
        ]
        out.extend(_zone_notes(zone, None))
        following = int(zone[0][0] or 0) + sum(1 for num, _ in zone if num is not None)
        index = run
    return out


def _note_run(lines: list[Line], at: int) -> int | None:
    """The end of a run of unruled notes starting at ``lines[at]``, or None."""
    expected = _page_number(lines[at])
    if expected is None:
        return None
    numbers, index = 0, at
    while index < len(lines) and _page_number(lines[index]) == expected:
        texts = index + 1
        while texts < len(lines) and lines[texts].kind == "body" and texts - index <= _NOTE_LINES:
            texts += 1
        if texts == index + 1 or (texts < len(lines) and lines[texts].kind == "body"):
            return None  # no text, or a text longer than a note's
        numbers, index, expected = numbers + 1, texts, expected + 1
    if numbers < 2 or index == len(lines):
        return None
    return index if lines[index].kind == "furniture" else None  # the page's foot: job number, /..., break


def _page_number(line: Line) -> int | None:
    return int(line.raw) if line.kind == "furniture" and _NUMBER_ALONE.match(line.raw) else None


@dataclass(slots=True)
class _State:
    """What the line classifier remembers from one line to the next."""

    closing: tuple[Rule, ...] = ()
    lines: list[Line] = field(default_factory=list)
    zone: list[tuple[str | None, Line]] | None = None  # a footnote zone's lines: (number or None, line)
    zone_furniture: int | None = None  # how many zone lines came before its first furniture line
    after_break: int = 0  # lines left that may be a running head
    first_page: list[str] = field(default_factory=list)
    first_page_done: bool = False
    head: str = ""  # the running title read so far after this page break
    page_numbers: int = 0  # numbers alone taken for page numbers

    def repeated_symbol(self, raw: str) -> bool:
        """A line that is the document's symbol again, printed at the head of a later page whose
        break the copy lost (``S/RES/1540 (2004)`` with no form feed before it)."""
        if not _symbol_shaped(raw) or not self.lines:
            return False
        if not SYMBOL.fullmatch(raw) and not SYMBOL.fullmatch(squash(raw)):
            return False
        return raw in self.first_page[:_HEAD_REGION] and any(line.raw == raw for line in self.lines)

    def page_break(self, at: int) -> None:
        self.close_zone()
        self.lines.append(Line("furniture", "\f", at, at + 1))
        self.after_break, self.first_page_done, self.head = _HEAD_LINES, True, ""

    def close_zone(self) -> None:
        if self.zone is not None:
            self.lines.extend(_zone_notes(self.zone, self.zone_furniture))
            self.zone, self.zone_furniture = None, None

    def add(self, line: Line, furniture: tuple[Rule, ...], notes: tuple[Rule, ...]) -> None:
        """A line that may not be plain body text (``split_lines`` told the others)."""
        raw = line.raw
        if (found := first_match(furniture, raw)) is not None:
            if found[0].role == "page_foot" and self._zone_complete():
                self.close_zone()  # the notes end at the page's foot, a form feed after it or not
            self._furniture(line, running_head=False)
        elif (self.after_break and _is_running_head(raw, self.first_page, self.head)) or (
            not self.after_break and self.repeated_symbol(raw)
        ):
            self._furniture(line, running_head=True)
            if not SYMBOL.fullmatch(raw):  # a title's lines, to know the next one goes on with it
                self.head = f"{self.head} {raw}" if self.head else raw
        elif _SEPARATOR.match(raw):
            self.close_zone()
            line.kind, self.zone = "separator", []
        elif self.zone is not None or self._opens_zone(line, notes):
            self._zone_line(line, notes)
            return
        else:
            self._classify(line, notes)
        if line.kind != "furniture":
            self.after_break = max(self.after_break - 1, 0)
        if not self.first_page_done and line.kind == "body":
            self.first_page.append(raw)
        self.lines.append(line)

    def _zone_complete(self) -> bool:
        """Whether the open footnote zone has a text for each of its numbers (a page whose
        numbers come before the job number and their texts after it is not complete there)."""
        if self.zone is None:
            return False
        numbers = sum(1 for num, _ in self.zone if num is not None)
        return numbers > 0 and len(_units(self.zone)) >= numbers

    def _furniture(self, line: Line, *, running_head: bool) -> None:
        """Page furniture; a page number or job number inside the notes does not end them."""
        line.kind = "furniture"
        if running_head:
            return
        self.after_break = _HEAD_LINES
        if self.zone is not None and self.zone_furniture is None:
            self.zone_furniture = len(self.zone)

    def _opens_zone(self, line: Line, notes: tuple[Rule, ...]) -> bool:
        """A note at a page's foot without a rule (role ``note+``), or a number alone after the
        closing: the notes run to the end of the page."""
        raw = line.raw
        if _NUMBER_ALONE.match(raw):
            opens = self._after_closing()
        else:
            found = first_match(notes, raw)
            opens = found is not None and found[0].role == "note+"
        if opens:
            self.zone = []
        return opens

    def _after_closing(self) -> bool:
        """Whether a closing line (``3rd plenary meeting``) stands among the last lines, with no more
        body text after it than its date (on a compilation page the next item may follow it)."""
        body = 0
        for line in reversed(self.lines[-_CLOSING_REACH:]):
            if line.kind != "body":
                continue
            found = first_match(self.closing, line.raw) if self.closing else None
            if found is not None and found[0].role == "meeting":
                return True
            body += 1
            if body > _AFTER_CLOSING:
                return False
        return False

    def _zone_line(self, line: Line, notes: tuple[Rule, ...]) -> None:
        assert self.zone is not None
        raw = line.raw
        found = first_match(notes, raw)
        if alone := _NOTE_NUMBER_ALONE.match(raw):
            self.zone.append((alone.group(1), Line("note", "", line.start, line.end)))
        elif found is not None:
            m = found[1]
            note = Line("note", m.group("text") or "", line.start, line.end)
            self.zone.append((superscript_to_digits(m.group("n")), note))
        else:
            self.zone.append((None, Line("note", raw, line.start, line.end, blank_before=line.blank_before)))

    def _classify(self, line: Line, notes: tuple[Rule, ...]) -> None:
        """A line outside the notes: a note, a page number, a closing line, body text."""
        raw = line.raw
        if found := first_match(notes, raw):
            rule, m = found
            line.kind, line.num, line.raw = "note", superscript_to_digits(m.group("n")), m.group("text") or ""
            line.sure = rule.role == "note"
        elif _NUMBER_ALONE.match(raw):
            line.kind = "furniture"  # a page number (or a note's, printed without a rule: _unruled_notes)
            self.page_numbers += 1


_SPECIAL: dict[tuple[int, int], tuple[tuple[Rule, ...], tuple[Rule, ...], re.Pattern[str]]] = {}


def _special(furniture: tuple[Rule, ...], notes: tuple[Rule, ...]) -> re.Pattern[str]:
    """One pattern for every line that is not plain body text: furniture, a note, a separator,
    a number alone."""
    key = (id(furniture), id(notes))
    found = _SPECIAL.get(key)
    if found is None:
        parts = [_SEPARATOR.pattern, _NOTE_NUMBER_ALONE.pattern]
        for rule in (*furniture, *notes):
            flags = "i" if rule.pattern.flags & re.IGNORECASE else ""
            pattern = re.sub(r"\(\?P<\w+>", "(?:", rule.pattern.pattern)
            parts.append(f"(?{flags}:{pattern})" if flags else f"(?:{pattern})")
        found = _SPECIAL.setdefault(key, (furniture, notes, re.compile("|".join(parts))))
    return found[2]


def _zone_notes(zone: list[tuple[str | None, Line]], furniture_at: int | None) -> list[Line]:
    """The notes of a footnote zone (the foot of a page, after its rule), in order.

    A text layer gives a note's number before its text, alone on a line, or after it, or all the
    numbers of a page before all their texts. The texts are told apart (a line opens a new text
    after a number, or after a text that ends as a sentence does); when there are as many texts
    as numbers, the numbers in order go to the texts in order, leaving out, if that makes the
    count, text pushed below the page's job number (body words a text layer misplaced); otherwise
    each number takes the text that follows it. Text that no number takes goes back to the body."""
    numbers = [num for num, _ in zone if num is not None]
    for items in (zone, zone[:furniture_at] if furniture_at is not None else None):
        if items is None or not numbers:
            continue
        units = _units(items)
        if len(units) == len(numbers):
            for unit, num in zip(units, sorted(numbers, key=_note_order), strict=True):
                unit.num = num
            rest = [
                Line("body", line.raw, line.start, line.end, blank_before=line.blank_before)
                for num, line in zone[len(items) :]
                if line.raw
            ]
            return [*units, *rest]
    return _sequential(zone, furniture_at)


def _units(zone: list[tuple[str | None, Line]]) -> list[Line]:
    units: list[Line] = []
    after_number = False
    for num, line in zone:
        if num is not None and line.raw:
            units.append(Line("note", line.raw, line.start, line.end, num=num))
        elif num is None and units and not after_number and not _ends_sentence(units[-1].raw):
            _extend(units[-1], line)
        elif num is None:
            units.append(Line("note", line.raw, line.start, line.end))
        after_number = num is not None and not line.raw
    return units


def _sequential(zone: list[tuple[str | None, Line]], furniture_at: int | None) -> list[Line]:
    """Numbers waiting for a text take the texts that follow, in order (``1``, ``2``, text, text);
    other text goes on the note before it (a note of several paragraphs), except below the page's
    job number, where it is body text a text layer misplaced."""
    out: list[Line] = []
    waiting: list[Line] = []
    current: Line | None = None
    for index, (num, line) in enumerate(zone):
        if num is not None:
            note = Line("note", line.raw, line.start, line.end, num=num)
            out.append(note)
            if line.raw:
                current = note
            else:
                waiting.append(note)
        elif waiting and (current is None or not current.raw or _ends_sentence(current.raw) or current not in waiting):
            current = waiting.pop(0)
            _extend(current, line)
        elif current is not None and (furniture_at is None or index < furniture_at or not _ends_sentence(current.raw)):
            _extend(current, line)
        else:
            out.append(Line("body", line.raw, line.start, line.end, blank_before=line.blank_before))
    return [line for line in out if line.raw]


def _extend(note: Line, line: Line) -> None:
    note.raw = f"{note.raw} {line.raw}".strip()
    note.end = max(note.end, line.end)


def _ends_sentence(text: str) -> bool:
    return text.rstrip().endswith((".", ".)", ".”", '."', "。"))


def _note_order(num: str) -> tuple[int, int]:
    """Notes marked ``*``, ``**`` come first, then the numbered ones in order."""
    return (0, len(num)) if num.startswith("*") else (1, int(num) if num.isdigit() else 0)


def _symbol_shaped(raw: str) -> bool:
    """A short line opening as a document symbol does (``S/RES/1540 (2004)``): one quick look."""
    return raw[:1].isupper() and "/" in raw[:8] and len(raw) < _SYMBOL_HEAD_MAX


def _is_running_head(raw: str, first_page: list[str], head: str = "") -> bool:
    """A line repeating the document's symbol, or a title printed on the first page; after the
    title's first lines (``head``), any line that goes on with it as the first page prints it."""
    if SYMBOL.fullmatch(raw) or SYMBOL.fullmatch(squash(raw)):
        own = normalize_symbol(squash(raw))  # the masthead may print it with a space (A/RES/ES-11/ 4)
        return any(normalize_symbol(squash(line)) == own for line in first_page if "/" in line and len(line) < 60)
    region = squash(" ".join(first_page[:_HEAD_REGION]))
    if head and len(raw) <= _HEAD_MAX and squash(f"{head} {raw}") in region:
        return True
    if not (_HEAD_MIN <= len(raw) <= _HEAD_MAX) or raw[-1:] in ",;:，；：":
        return False
    return squash(raw) in region
