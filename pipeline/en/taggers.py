"""The English taggers: each finds one kind of entity in a whole document's text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.en import dates, gazetteers
from pipeline.en.lexicon import ORDINAL, ORGANS, ordinal_to_int
from pipeline.profile import Mention, TagContext

_SESSION = re.compile(
    rf"\b(?P<ord>{ORDINAL.pattern}|\d+(?:st|nd|rd|th))\s+(?:regular\s+)?session\b"
    r"(?:\s+of\s+the\s+(?P<organ>General Assembly|Human Rights Council|Economic and Social Council))?",
    re.IGNORECASE,
)
_AGENDA = re.compile(r"\b[Aa]genda item\s+(\d+\s?(?:\([a-z]\))?)")
_MEETING = re.compile(r"\b(\d+)(?:st|nd|rd|th)\s+(?:plenary\s+)?meeting\b")
_SPACES = re.compile(r"\s+")


def date_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    for d in dates.find_dates(text):
        yield Mention(d.start, d.end, "date", d.value, extra=d.precision)


def instrument_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    for start, end, name in gazetteers.titles().names(text):
        yield Mention(start, end, "instrument", name.canonical)


def state_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    for start, end, name in gazetteers.states().names(text):
        yield Mention(start, end, "member_state", name.canonical, extra=name.iso3)


def body_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    for start, end, name in gazetteers.bodies().names(text):
        yield Mention(start, end, "organization", name.canonical)


def session_mentions(text: str, context: TagContext) -> Iterator[Mention]:
    for m in _SESSION.finditer(text):
        number = ordinal_to_int(m.group("ord"))
        if number:
            organ = m.group("organ")
            yield Mention(m.start(), m.end(), "session", str(number), ORGANS.get(organ or "") or context.body)


def agenda_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    for m in _AGENDA.finditer(text):
        yield Mention(m.start(), m.end(), "agenda_item", _SPACES.sub("", m.group(1)))


def meeting_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    for m in _MEETING.finditer(text):
        yield Mention(m.start(), m.end(), "meeting", m.group(1))
