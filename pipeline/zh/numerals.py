"""Chinese numerals: digit by digit (``一九八三`` = 1983, ``二0二五`` = 2025) or positional
(``四十二`` = 42, ``一百零三`` = 103, ``廿一`` = 21)."""

from __future__ import annotations

DIGITS = {
    "〇": 0,
    "○": 0,
    "零": 0,
    "0": 0,
    "O": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
UNITS = {"十": 10, "百": 100, "千": 1000}
#: Characters that write a tens figure by themselves.
TENS = {"廿": 20, "卅": 30}
#: A character class of every numeral character (for patterns).
NUMERAL = "〇○零一二两三四五六七八九十百千廿卅"


def cn_to_int(s: str) -> int | None:
    """Chinese (or Arabic) numeral to int; None when ``s`` is not a numeral."""
    if not s:
        return None
    if s.isdigit() and s.isascii():
        return int(s)
    if any(c not in DIGITS and c not in UNITS and c not in TENS for c in s):
        return None
    if not any(c in UNITS or c in TENS for c in s):  # digit by digit: 二〇一四
        return int("".join(str(DIGITS[c]) for c in s))
    total = 0
    current = 0
    for c in s:
        if c in DIGITS:
            current = DIGITS[c]
        elif c in TENS:
            total += TENS[c]
            current = 0
        else:
            total += (current or 1) * UNITS[c]
            current = 0
    return total + current


def int_to_cn(n: int) -> str:
    """1 -> 一, 13 -> 十三, 21 -> 二十一 (item labels)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n - 10] if n > 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)


#: The stems of the old ordering of items: (甲)(乙)(丙)…
STEMS = "甲乙丙丁戊己庚辛壬癸"


def stem_ordinal(s: str) -> int | None:
    """``甲`` -> 1, ``乙`` -> 2 … ``癸`` -> 10."""
    return STEMS.index(s) + 1 if len(s) == 1 and s in STEMS else None
