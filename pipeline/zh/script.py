"""Traditional characters: a simplified view of the same length, for processing.

The rules and gazetteers are written in simplified characters; a text written in traditional
characters is read through ``text.translate(T2S)`` (OpenCC's character table, one character for
one), and its segments are given back in the characters it was printed in.
"""

from __future__ import annotations

import re

from pipeline.zh._data.t2s import T2S

_HAN = re.compile("[\u4e00-\u9fff]")
#: Deletes traditional-only characters: what is left tells how many there were.
_DROP_TRADITIONAL = dict.fromkeys(T2S)
#: Traditional-only characters, in two classes: a class of BMP characters only is searched fast.
_TRADITIONAL_BMP = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(T2S) if c <= 0xFFFF) + "]")
_TRADITIONAL_ASTRAL = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(T2S) if c > 0xFFFF) + "]")
_SAMPLE = 20000
_MIN_HAN = 20
_SHARE = 0.05


def simplified_view(text: str) -> str | None:
    """``text`` in simplified characters when it is written in traditional ones, else None."""
    sample = text[:_SAMPLE]
    if not _has_traditional(sample):  # the usual case: nothing to count
        return None
    han = len(_HAN.findall(sample))
    if han < _MIN_HAN:
        return None
    traditional = len(sample) - len(sample.translate(_DROP_TRADITIONAL))
    if traditional / han < _SHARE:
        return None
    return text.translate(T2S)


def _has_traditional(text: str) -> bool:
    if _TRADITIONAL_BMP.search(text) is not None:
        return True
    # characters beyond the BMP take four bytes in UTF-16: a cheaper test than searching for them
    has_astral = len(text.encode("utf-16-le", "surrogatepass")) > 2 * len(text)
    return has_astral and _TRADITIONAL_ASTRAL.search(text) is not None
