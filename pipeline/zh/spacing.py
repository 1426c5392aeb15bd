"""Where spaces go in Chinese text: none between Chinese and digits or between two Chinese
characters (``2019 年 12 月 18 日`` -> ``2019年12月18日``); Latin words keep theirs (``COVID-19 疫情``,
``Distr.: General``)."""

from __future__ import annotations

import re

from pipeline._text import CJK

#: A character of a token (a run of neither space nor Chinese) that does not start a Latin word.
_NO_WORD = rf"(?:[^\s{CJK}A-Za-z]|[A-Za-z](?![A-Za-z]))"
#: Spaces next to Chinese, without a callback: a space after Chinese goes unless the token after it has
#: a Latin word; a space before Chinese goes unless the last 40 characters of the token before it
#: have one. The second rule runs over the reversed text, where it reads like the first.
_SPACE_AFTER_CJK = re.compile(rf" (?<=[{CJK}] )(?={_NO_WORD}*(?![^\s{CJK}]))")
_SPACE_BEFORE_CJK_REVERSED = re.compile(
    rf" (?<=[{CJK}] )(?={_NO_WORD}{{0,39}}(?![^\s{CJK}])|{_NO_WORD}{{39}}[^\s{CJK}])"
)


def spacing(text: str) -> str:
    """Drop the spaces Chinese text does not want (over many lines at once)."""
    if " " not in text:
        return text
    text = _SPACE_AFTER_CJK.sub("", text)
    return _SPACE_BEFORE_CJK_REVERSED.sub("", text[::-1])[::-1]
