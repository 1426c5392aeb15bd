"""Chinese dates: ``2019年12月18日``, ``一九七三年十月二十二日``, ranges that keep both ends
(``2001年8月31日至9月8日``, ``2009年4月20日至24日``, ``2016年3月至5月``), months (``2017年5月``),
dates without a year in a list, which take the year of the date before them on the same line
(``一九七三年十月二十二日第338(1973)号、十月二十五日第340(1973)号``), and the English dates of the
masthead (``28 January 2015``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.dates import ENGLISH_DATE, MONTH_NAMES, iso, iso_date
from pipeline.profile import DateMention
from pipeline.zh.numerals import cn_to_int

_CN = "〇○零一二三四五六七八九十廿卅0"
_YEAR = rf"\d{{4}}|[{_CN}]{{4}}"
_MD = rf"\d{{1,2}}|[{_CN}]{{1,3}}"
#: A date opening with 年 that looks back for its year (group ``y``): the regex engine then jumps
#: from 年 to 年 instead of trying every character.
_DATE = re.compile(
    rf"年(?<=(?P<y>{_YEAR})年)(?P<m>{_MD})月(?:(?P<d>{_MD})日)?"
    rf"(?:至(?:(?P<y2>{_YEAR})年)?(?:(?P<m2>{_MD})月)?(?:(?P<d2>{_MD})日)?)?"
)
#: A month and day with no year before them: found from 月 (the month before it is read back).
_MONTH_DAY = re.compile(rf"月(?P<d>{_MD})日")
_MONTH_CHARS = frozenset(_CN) | frozenset("0123456789")
_FULL = re.compile(rf"^(?P<y>{_YEAR})年(?P<m>{_MD})月(?P<d>{_MD})日$")
_MONTH = re.compile("|".join(MONTH_NAMES))
_AFTER_MONTH = re.compile(r"[\s\d,]*")


def full_date(text: str) -> str | None:
    """The ISO value of a whole date (``一九四八年四月一日``, ``2014年12月18日``)."""
    m = _FULL.match(text.strip())
    if m is None:
        return None
    return iso(cn_to_int(m.group("y")), cn_to_int(m.group("m")), cn_to_int(m.group("d")))


def find_dates(text: str) -> Iterator[DateMention]:
    """Every date in ``text`` (a whole document, lines joined by newlines)."""
    years: list[tuple[int, int]] = []  # (end, year) of each date, to date the year-less ones
    for m in _DATE.finditer(text):
        year, month = cn_to_int(m.group("y")), cn_to_int(m.group("m"))
        day = cn_to_int(m.group("d")) if m.group("d") else None
        start = m.start("y")
        if year is None:
            continue
        years.append((m.end(), year))
        if "至" not in m.group() or not (m.group("d2") or m.group("m2")):
            end = (m.end("d") if m.group("d") else m.end("m")) + 1  # with its 日 (or 月)
            if value := iso(year, month, day):
                yield DateMention(start, end, value, "day" if day else "month")
            continue
        cut = m.group().index("至") + m.start()
        if value := iso(year, month, day):
            yield DateMention(start, cut, value, "day" if day else "month")
        year2 = cn_to_int(m.group("y2")) if m.group("y2") else year
        month2 = cn_to_int(m.group("m2")) if m.group("m2") else month
        day2 = cn_to_int(m.group("d2")) if m.group("d2") else None
        if value := iso(year2, month2, day2):
            yield DateMention(cut + 1, m.end(), value, "day" if day2 else "month")
    if years and "月" in text:
        yield from _yearless(text, years)
    start, end = _english_reach(text)
    for m in ENGLISH_DATE.finditer(text, start, end):
        if value := iso_date(m):
            yield DateMention(m.start(), m.end(), value, "day")


def _yearless(text: str, years: list[tuple[int, int]]) -> Iterator[DateMention]:
    """Month-and-day dates after a dated one on the same line take its year."""
    index = 0
    year: tuple[int, int] | None = None
    for m in _MONTH_DAY.finditer(text):
        start = m.start()
        while start > 0 and m.start() - start < 3 and text[start - 1] in _MONTH_CHARS:
            start -= 1
        if start == m.start() or (start > 0 and (text[start - 1] == "年" or text[start - 1] in _MONTH_CHARS)):
            continue  # no month, or the month of a dated day
        while index < len(years) and years[index][0] <= start:
            year = years[index]
            index += 1
        if year is None or "\n" in text[year[0] : start]:
            continue
        if value := iso(year[1], cn_to_int(text[start : m.start()]), cn_to_int(m.group("d"))):
            yield DateMention(start, m.end(), value, "day")


def _english_reach(text: str) -> tuple[int, int]:
    """The part of ``text`` that can hold English dates (empty without month names)."""
    first = _MONTH.search(text)
    if first is None:
        return 0, 0
    last = [first, *_MONTH.finditer(text, first.end())][-1]
    start = first.start()
    while start > 0 and (text[start - 1].isspace() or text[start - 1].isdecimal()):
        start -= 1
    after = _AFTER_MONTH.match(text, last.end())
    return start, after.end() if after else last.end()
