"""English dates: ``28 September 2001``, ``September 28, 2001``, ``April 2nd 2020``, months (``October 1970``), ranges
that keep both ends (``from 6 to 8 September 2000``, ``5–16 June 1972``, ``3 and 4 March 2022``,
``27 June to 1 July 2022``, ``31 August to 8 September 2001``) and dates wrapped over a line."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.dates import MONTH_NAMES, MONTHS, iso
from pipeline.profile import DateMention

_MONTH = "|".join(MONTH_NAMES)
_DAY = r"(?:[0-3]?\d)"
_DASH = r"\s?(?:-|–|—|−|to|and|until|through)\s?"
#: ``[day [month]] dash`` day month year: the first end of a range, then the date.
_DATE = re.compile(
    rf"(?<![\d/])(?:(?P<d1>{_DAY})(?:\s+(?P<m1>{_MONTH}))?(?:\s+(?P<y1>\d{{4}}))?{_DASH})?"
    rf"(?P<d>{_DAY})\s+(?P<m>{_MONTH}),?\s+(?P<y>\d{{4}})(?!\d)"
    rf"|(?P<mm>{_MONTH})\s+(?P<dd>{_DAY})(?:(?:st|nd|rd|th),?|,)\s*(?P<yy>\d{{4}})(?!\d)"
    rf"|(?<![\d\w])(?P<mo>{_MONTH})\s+(?P<yo>\d{{4}})(?!\d)"
)
_MONTH_WORD = re.compile(_MONTH)
_LIST_ITEM = re.compile(rf"(?P<d1>{_DAY})(?:\s+and\s+(?P<d2>{_DAY}))?\s+(?P<mo>{_MONTH})(?:,\s*|\s+and\s+)")
_LIST = re.compile(
    rf"(?<![\d/])(?:{_DAY}(?:\s+and\s+{_DAY})?\s+(?:{_MONTH})(?:,\s*|\s+and\s+))+"
    rf"(?:{_DAY}\s+and\s+)?(?P<last>{_DAY})\s+(?P<m>{_MONTH}),?\s+(?P<y>\d{{4}})(?!\d)"
)
#: How far around a month name a date can reach (``31 August to 8 September 2001``).
_BEFORE, _AFTER = 40, 12


def find_dates(text: str) -> Iterator[DateMention]:
    """Every date in ``text``; both ends of a range; months with no day.

    The date pattern runs only in windows around the month names (found first, fast): it opens
    with optional days and cannot be skipped to otherwise."""
    for start, end in _windows(text):
        yield from _dates(text, start, end)


def _windows(text: str) -> Iterator[tuple[int, int]]:
    window: tuple[int, int] | None = None
    for m in _MONTH_WORD.finditer(text):
        start, end = max(0, m.start() - _BEFORE), min(len(text), m.end() + _AFTER)
        if window is not None and start <= window[1]:
            window = (window[0], end)
            continue
        if window is not None:
            yield window
        window = (start, end)
    if window is not None:
        yield window


def _dates(text: str, start: int, end: int) -> Iterator[DateMention]:
    found = list(_full_dates(text, start, end))
    taken = {d.start for d in found}
    yield from sorted([*found, *(d for d in _listed(text, start, end) if d.start not in taken)], key=lambda d: d.start)


def _listed(text: str, start: int, end: int) -> Iterator[DateMention]:
    """Days and months listed before the year they share: *5 and 22 July, 6 and 21 August and 20
    September 1991* (a month later than the last one's is of the year before)."""
    for m in _LIST.finditer(text, start, end):
        year, last = int(m.group("y")), MONTHS[m.group("m")]
        for item in _LIST_ITEM.finditer(text, m.start(), m.start("last")):
            month = MONTHS[item.group("mo")]
            item_year = year - 1 if month > last else year
            for group in ("d1", "d2"):
                if item.group(group) and (value := iso(item_year, month, int(item.group(group)))):
                    end_at = item.end("mo") if group == "d2" or not item.group("d2") else item.end(group)
                    yield DateMention(item.start(group), end_at, value, "day")


def _full_dates(text: str, start: int, end: int) -> Iterator[DateMention]:
    for m in _DATE.finditer(text, start, end):
        if m.group("mm"):
            if value := iso(int(m.group("yy")), MONTHS[m.group("mm")], int(m.group("dd"))):
                yield DateMention(m.start(), m.end(), value, "day")
            continue
        if m.group("mo"):
            if value := iso(int(m.group("yo")), MONTHS[m.group("mo")]):
                yield DateMention(m.start(), m.end(), value, "month")
            continue
        year, month, day = int(m.group("y")), MONTHS[m.group("m")], int(m.group("d"))
        if m.group("d1"):
            first_month = MONTHS[m.group("m1")] if m.group("m1") else month
            # a range over the new year gives its year once: 27 December to 3 January 2022
            first_year = int(m.group("y1")) if m.group("y1") else year - (first_month > month)
            if value := iso(first_year, first_month, int(m.group("d1"))):
                yield DateMention(
                    m.start("d1"),
                    m.end("y1") if m.group("y1") else m.end("m1") if m.group("m1") else m.end("d1"),
                    value,
                    "day",
                )
        if value := iso(year, month, day):
            yield DateMention(m.start("d"), m.end(), value, "day")
