"""The English taggers: each finds one kind of entity in a whole document's text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.en import dates, gazetteers
from pipeline.en.lexicon import ORDINAL, ORGANS, ordinal_to_int
from pipeline.profile import Mention, TagContext

#: The word a session, a meeting, an agenda item is found by (literal: fast), then what stands
#: before or after it.
_SESSION_WORD = re.compile(r"[Ss]ession\b")
_SESSION_BEFORE = re.compile(rf"\b(?P<ord>{ORDINAL.pattern}|\d+(?:st|nd|rd|th))\s+(?:regular\s+)?$", re.IGNORECASE)
_SESSION_ORGAN = re.compile(
    r"\s+of\s+the\s+(?P<organ>General Assembly|Human Rights Council|Economic and Social Council)"
)
_AGENDA = re.compile(r"genda item\s+(\d+\s?(?:\([a-z]\))?)")
_MEETING_WORD = re.compile(r"meeting\b")
_MEETING_BEFORE = re.compile(r"\b(\d+)(?:st|nd|rd|th)\s+(?:plenary\s+)?$")
_REACH = 40
_SPACES = re.compile(r"\s+")


def date_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    for d in dates.find_dates(text):
        yield Mention(d.start, d.end, "date", d.value, extra=d.precision)


def instrument_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    return iter(gazetteers.titles().mentions(text, "instrument"))


def name_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    """Member states (with their ISO-3 codes) and organizations, in one gazetteer pass."""
    return iter(gazetteers.names().typed_mentions(text))


def session_mentions(text: str, context: TagContext) -> Iterator[Mention]:
    for m in _SESSION_WORD.finditer(text):
        window = max(0, m.start() - _REACH)
        before = _SESSION_BEFORE.search(text, window, m.start())
        number = ordinal_to_int(before.group("ord")) if before else None
        if before is None or not number:
            continue
        organ = _SESSION_ORGAN.match(text, m.end())
        end = organ.end() if organ else m.end()
        body = ORGANS.get(organ.group("organ")) if organ else context.body
        yield Mention(before.start(), end, "session", str(number), body)


def agenda_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    for m in _AGENDA.finditer(text):
        start = m.start() - 1
        if start >= 0 and text[start] in "Aa":
            yield Mention(start, m.end(), "agenda_item", _SPACES.sub("", m.group(1)))


def meeting_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    for m in _MEETING_WORD.finditer(text):
        before = _MEETING_BEFORE.search(text, max(0, m.start() - _REACH), m.start())
        if before is not None:
            yield Mention(before.start(), m.end(), "meeting", before.group(1))
