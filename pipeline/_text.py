"""Language-neutral character classes and small ``str -> str`` helpers shared by the stages.

Nothing here knows a language: Chinese numerals, organ names and the like live in the profiles
(``pipeline/zh``, ``pipeline/en``). No work at import beyond compiling patterns.
"""

from __future__ import annotations

import re
import unicodedata

#: Characters after which, or before which, a space is not wanted in Chinese text.
CJK = (
    "\u2e80-\u2fff\u3000-\u303f\u3040-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
    "\u201c\u201d\u2018\u2019\u2014\u2026\u00b7\ue000"
)
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
HAN_CHAR = re.compile(f"[{HAN}]")
#: Placeholder for a removed footnote marker while a line is cleaned.
SENTINEL = "\ue000"
#: What a private-use character equal to ``SENTINEL`` in the input becomes (same length: spans hold).
REPLACEMENT = "\ufffd"
SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TO_DIGIT = str.maketrans(SUPERSCRIPTS, "0123456789")
_WS = re.compile(r"\s+")
ROMAN = re.compile(r"^[ivxlc]+$")
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10, "l": 50, "c": 100, "d": 500, "m": 1000}
#: Closing marks that may follow the punctuation that ends a paragraph.
TRAILING_MARKS = frozenset("”’」』)]》\"'")


def superscript_to_digits(s: str) -> str:
    """``"²¹"`` -> ``"21"``."""
    return s.translate(_SUP_TO_DIGIT)


def squash(text: str) -> str:
    """Comparable form of a text: NFKC, no white space."""
    return _WS.sub("", unicodedata.normalize("NFKC", text))


def alpha_ordinal(label: str) -> int | None:
    """``a`` -> 1, ``z`` -> 26, ``aa`` -> 27 (the UN doubles letters after z)."""
    if not label or len(set(label)) != 1 or not ("a" <= label[0] <= "z"):
        return None
    return 26 * (len(label) - 1) + ord(label[0]) - 96


def roman_to_int(s: str) -> int | None:
    """``iv`` -> 4, ``XXI`` -> 21; None when ``s`` is not a roman numeral."""
    s = s.lower()
    if not s or any(c not in _ROMAN_VALUES for c in s):
        return None
    total = 0
    for i, c in enumerate(s):
        v = _ROMAN_VALUES[c]
        total += -v if i + 1 < len(s) and _ROMAN_VALUES[s[i + 1]] > v else v
    return total


def int_to_roman(n: int) -> str:
    """21 -> ``XXI`` (GA sessions before 1976 are written so in symbols)."""
    out = []
    for value, numeral in (
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ):
        while n >= value:
            out.append(numeral)
            n -= value
    return "".join(out)


def last_char(text: str) -> str:
    """The last character of ``text`` that is not a closing mark or a space ("" if none)."""
    end = len(text)
    while end and (text[end - 1] in TRAILING_MARKS or text[end - 1].isspace()):
        end -= 1
    return text[end - 1] if end else ""
