"""Dates, language-neutral parts: ISO values and the English date every UN masthead prints.

The date grammars of each language live in its profile (``pipeline/zh/dates.py``,
``pipeline/en/dates.py``); what they share is here: a checked ISO value with its precision, and
``28 January 2015`` (also ``January 28, 2015``), which Chinese mastheads print too.
"""

from __future__ import annotations

import datetime as _dt
import re

MONTH_NAMES = (
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
)
MONTHS = {m: i for i, m in enumerate(MONTH_NAMES, start=1)}
_MONTH = "|".join(MONTH_NAMES)
ENGLISH_DATE = re.compile(rf"(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})|({_MONTH})\s+(\d{{1,2}}),\s*(\d{{4}})")


def iso(year: int | None, month: int | None, day: int | None = None) -> str | None:
    """``YYYY-MM-DD`` (or ``YYYY-MM`` without a day), or None when it is no real date."""
    if year is None or month is None or not 1000 <= year <= 2999:
        return None
    try:
        _dt.date(year, month, day or 1)
    except ValueError:
        return None
    return f"{year:04d}-{month:02d}" + (f"-{day:02d}" if day else "")


def iso_date(m: re.Match[str]) -> str | None:
    """ISO form of an ``ENGLISH_DATE`` match, or None when it is not a real date."""
    if m.group(1):
        return iso(int(m.group(3)), MONTHS[m.group(2)], int(m.group(1)))
    return iso(int(m.group(6)), MONTHS[m.group(4)], int(m.group(5)))
