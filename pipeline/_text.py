"""Compiled patterns and small ``str -> str`` helpers shared by the stages. No work at import
beyond compiling patterns."""

from __future__ import annotations

import re

#: Characters after which, or before which, a space is not wanted in Chinese text.
CJK = (
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\u201c\u201d\u2018\u2019\u2014\u2026\u00b7\ue000"
)
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
#: Placeholder for a removed footnote marker while spaces are normalised.
SENTINEL = "\ue000"
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")

CN_DIGITS = {"〇": 0, "零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUM = "〇零一二两三四五六七八九十百千"

#: Organs whose name followed by "，" is an enacting formula ("大会，").
ORGANS_ZH = {
    "大会": "General Assembly",
    "人权理事会": "Human Rights Council",
    "安全理事会": "Security Council",
    "经济及社会理事会": "Economic and Social Council",
    "人权委员会": "Commission on Human Rights",
    "促进和保护人权小组委员会": "Sub-Commission on the Promotion and Protection of Human Rights",
    "托管理事会": "Trusteeship Council",
}
FORMULA = re.compile(r"^(" + "|".join(sorted(ORGANS_ZH, key=len, reverse=True)) + r")[，,:：]$")

#: A paragraph label at the start of a block: operative "1.", subparagraph "(a)", item "(一)", "(i)".
LABEL = re.compile(
    r"^(?:(?P<op>\d{1,3})\s?[.．](?!\d)"
    r"|\((?P<cn>[一二三四五六七八九十]{1,3})\)"
    r"|\((?P<alpha>[a-z]{1,3})\)"
    r"|(?P<cnsec>[一二三四五六七八九十]{1,3})、"
    r"|(?P<sec>[A-Z])\.\s"
    r")\s*"
)
ROMAN = re.compile(r"^[ivxl]+$")

#: Lines that close a resolution: date, meeting, vote.
CLOSING_DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
CLOSING_MEETING = re.compile(r"^第(\d+)次(全体)?会议$")
CLOSING_BRACKET = re.compile(r"^\[(.+)\]$")


def superscript_to_digits(s: str) -> str:
    """``"²¹"`` -> ``"21"``."""
    return s.translate(_SUP_TO_DIGIT)


def cn_to_int(s: str) -> int | None:
    """Chinese (or Arabic) numeral to int: 七十五 -> 75, 一百零三 -> 103, 二〇一四 -> 2014."""
    if s.isdigit():
        return int(s)
    if not s or any(c not in CN_NUM for c in s):
        return None
    if not any(c in CN_UNITS for c in s):  # digit by digit: 二〇一四
        return int("".join(str(CN_DIGITS[c]) for c in s))
    total = 0
    current = 0
    for c in s:
        if c in CN_DIGITS:
            current = CN_DIGITS[c]
        else:
            unit = CN_UNITS[c]
            total += (current or 1) * unit
            current = 0
    return total + current


def alpha_label_index(label: str) -> int:
    """``a`` -> 0, ``z`` -> 25, ``aa`` -> 26."""
    if len(set(label)) != 1:
        return -1
    return 26 * (len(label) - 1) + ord(label[0]) - 97


def roman_to_int(s: str) -> int:
    values = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100}
    total = 0
    for i, c in enumerate(s):
        v = values[c]
        total += -v if i + 1 < len(s) and values[s[i + 1]] > v else v
    return total


def int_to_cn(n: int) -> str:
    """1 -> 一, 13 -> 十三, 21 -> 二十一 (labels of items)."""
    digits = "零一二三四五六七八九"
    if n < 10:
        return digits[n]
    if n < 20:
        return "十" + (digits[n - 10] if n > 10 else "")
    if n < 100:
        return digits[n // 10] + "十" + (digits[n % 10] if n % 10 else "")
    return str(n)
