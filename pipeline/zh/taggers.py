"""The Chinese taggers: each finds one kind of entity in a whole document's text."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.profile import Mention, TagContext
from pipeline.zh import dates, gazetteers, titles
from pipeline.zh.lexicon import ORGANS
from pipeline.zh.numerals import NUMERAL, cn_to_int

#: A session; the organ that may stand right before it is looked up after the match (a pattern
#: opening with 第 is found much faster than one opening with an optional organ).
_SESSION = re.compile(rf"第([{NUMERAL}]+|\d+)届(?:特别|紧急特别)?会(?:议)?")
_SESSION_ORGANS = ("经济及社会理事会", "人权理事会", "安全理事会", "理事会", "大会")  # longest first
_AGENDA = re.compile(r"议程项目\s?(\d+(?:\s?\([a-z]\))?)")
_MEETING = re.compile(rf"第(\d+|[{NUMERAL}]+)次(?:全体)?(?:会议|全会)")
_SPACES = re.compile(r"\s+")
_ORGAN_EN = {**ORGANS, "理事会": ORGANS["人权理事会"]}


def date_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    for d in dates.find_dates(text):
        yield Mention(d.start, d.end, "date", d.value, extra=d.precision)


def title_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    for t in titles.find_titles(text):
        yield Mention(t.start, t.end, t.kind, t.value)


def name_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    """Member states (with their ISO-3 codes) and organizations, in one gazetteer pass."""
    return iter(gazetteers.names().typed_mentions(text))


def session_mentions(text: str, context: TagContext) -> Iterator[Mention]:
    previous_end = 0
    for m in _SESSION.finditer(text):
        organ = _organ_before(text, m.start(), previous_end)
        previous_end = m.end()
        number = cn_to_int(m.group(1))
        if number:
            body = _ORGAN_EN.get(organ or "") or context.body
            yield Mention(m.start() - len(organ or ""), m.end(), "session", str(number), body)


def agenda_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    for m in _AGENDA.finditer(text):
        yield Mention(m.start(), m.end(), "agenda_item", _SPACES.sub("", m.group(1)))


def meeting_mentions(text: str, _context: TagContext) -> Iterator[Mention]:
    for m in _MEETING.finditer(text):
        number = cn_to_int(m.group(1))
        if number:
            yield Mention(m.start(), m.end(), "meeting", str(number))


def _organ_before(text: str, start: int, floor: int) -> str | None:
    for organ in _SESSION_ORGANS:
        if start - len(organ) >= floor and text.startswith(organ, start - len(organ)):
            return organ
    return None
