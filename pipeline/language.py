"""Which language a document is written in, so that the right profile reads it.

Chinese UN texts carry English lines (``Distr.: General``, an English date), English ones almost
never carry Chinese: a text is Chinese when Han characters are a tenth of its letters or more (a
short text, when they are at least half as many as the Latin letters).
"""

from __future__ import annotations

import re

#: Runs of Han characters and of Latin letters (counted by their lengths: fewer matches to make).
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_LATIN = re.compile("[A-Za-z]+")
_SAMPLE = 1500
_MIN_HAN = 10
_SHARE = 0.1


def detect(text: str) -> str:
    """``zh`` or ``en``."""
    sample = text[:_SAMPLE]
    han = sum(map(len, _HAN.findall(sample)))
    if not han:
        return "en"
    latin = sum(map(len, _LATIN.findall(sample)))
    if han < _MIN_HAN:  # a short text: Chinese when Han characters are not outnumbered
        return "zh" if 2 * han >= latin else "en"
    return "zh" if han >= _SHARE * (han + latin) else "en"
