"""Dates in Chinese (``2019年12月18日``, ranges ``2001年8月31日至9月8日``, months ``2017年5月``,
Chinese numerals ``二〇一四年十二月十八日``) and English (``28 January 2015``)."""

from __future__ import annotations

import datetime as _dt
import re
from collections.abc import Iterator
from typing import NamedTuple

from pipeline._text import cn_to_int

MONTHS = {
    m: i
    for i, m in enumerate(
        (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        start=1,
    )
}
ENGLISH_DATE = re.compile(
    r"(\d{1,2})\s+(" + "|".join(MONTHS) + r")\s+(\d{4})|(" + "|".join(MONTHS) + r")\s+(\d{1,2}),\s*(\d{4})"
)
#: A Chinese date. Both date patterns open with 年 and look back for the year (group 1, where the
#: date starts): the regex engine then jumps from 年 to 年 instead of trying every character.
ZH_DATE = re.compile(r"年(?<=(\d{4})年)(\d{1,2})月(?:(\d{1,2})日(?:至(?:(\d{4})年)?(?:(\d{1,2})月)?(\d{1,2})日)?)?")
_CN = "〇零一二三四五六七八九十"
CN_DATE = re.compile(rf"年(?<=([{_CN}]{{4}})年)([{_CN}]{{1,2}})月(?:([{_CN}]{{1,3}})日)?")
_MONTH = re.compile("|".join(MONTHS))
_AFTER_MONTH = re.compile(r"[\s\d,]*")


class DateMention(NamedTuple):
    start: int
    end: int
    value: str
    precision: str  # "day" | "month"


def iso_date(m: re.Match[str]) -> str | None:
    """ISO form of an ``ENGLISH_DATE`` match, or None when it is not a real date."""
    if m.group(1):
        return _iso(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))
    return _iso(int(m.group(6)), MONTHS[m.group(4)], int(m.group(5)))


def _iso(year: int, month: int, day: int | None) -> str | None:
    try:
        _dt.date(year, month, day or 1)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def find_dates(text: str) -> Iterator[DateMention]:
    """Every date in ``text``; both ends of a range."""
    for m in ZH_DATE.finditer(text):
        start = m.start(1)
        year, month = int(m.group(1)), int(m.group(2))
        day = int(m.group(3)) if m.group(3) else None
        first = _iso(year, month, day)
        if m.group(6):
            end_first = text.index("至", m.start(), m.end())
            if first:
                yield DateMention(start, end_first, first, "day")
            year2 = int(m.group(4)) if m.group(4) else year
            month2 = int(m.group(5)) if m.group(5) else month
            second = _iso(year2, month2, int(m.group(6)))
            second_start = end_first + 1
            if second:
                yield DateMention(second_start, m.end(), second, "day")
        elif first:
            yield DateMention(start, m.end(), first, "day" if day else "month")
    for m in CN_DATE.finditer(text):
        year_c, month_c = cn_to_int(m.group(1)), cn_to_int(m.group(2))
        day_c = cn_to_int(m.group(3)) if m.group(3) else None
        if year_c and month_c:
            value = _iso(year_c, month_c, day_c)
            if value:
                yield DateMention(m.start(1), m.end(), value, "day" if day_c else "month")
    start, end = _english_reach(text)
    for m in ENGLISH_DATE.finditer(text, start, end):
        value = iso_date(m)
        if value:
            yield DateMention(m.start(), m.end(), value, "day")


def _english_reach(text: str) -> tuple[int, int]:
    """The part of ``text`` that can hold English dates: from the digits and spaces before the first
    month name to the digits, spaces and commas after the last one (empty without month names)."""
    first = _MONTH.search(text)
    if first is None:
        return 0, 0
    last = [first, *_MONTH.finditer(text, first.end())][-1]
    start = first.start()
    while start > 0 and (text[start - 1].isspace() or text[start - 1].isdecimal()):  # \s, \d
        start -= 1
    after = _AFTER_MONTH.match(text, last.end())
    return start, after.end() if after else last.end()
