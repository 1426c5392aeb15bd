"""English citation grammar: *resolution 1373 (2001)*, *resolutions 34/24, 40/20 and 46/17*,
*General Assembly resolution 2200 A (XXI)*, *its resolution 43/25 of 22 June 2020*, *Economic and
Social Council resolution 1980/67*, *decision 31/301*, lists with dates (*its resolutions 1269 (1999)
of 19 October 1999 and 1368 (2001) of 12 September 2001*), lettered resolutions (*49/22 A*,
*52/169 A to M*), emergency sessions (*1474 (ES-IV)*, *ES-11/1*), items with their titles
(*resolutions 68/262 of 27 March 2014, entitled “…”, ES-11/1 of …*). The organ comes from
``pipeline.citations``: the organ named before *resolution* (*its* and a bare *Council* are the
document's own), else the organ of the sentence; a number cited before with its year keeps it when
cited again without (*resolution 2268*)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.citations import GA, HRC, SC, organ_for, symbol_for
from pipeline.en.lexicon import ORGANS
from pipeline.profile import Mention, TagContext

_ROMAN = r"[IVXLC][IVXLCl]*"
_NUM = (
    rf"(?:E?S-\d+/\d+|\d{{1,4}}/\d{{1,4}}(?:\s[A-Z](?:\s(?:to|and)\s[A-Z])?(?![A-Za-z]))?(?![/\d])"
    rf"|\d{{1,4}}\s?(?:[A-Z]\s?)?\(\s?(?:(?:E?S-)?{_ROMAN}|\d\s?\d{{3}})\s?\)|\d{{1,4}}(?![\d/,.]\d))"
)
#: A date after a number, and the title a GA text may give it (*68/262 of 27 March 2014, entitled “…”,*).
_DATE = (
    r"(?:\s+of\s+\d{1,2}(?:\s+(?:and|to)\s+\d{1,2})?\s+[A-Z][a-z]+\s+\d{4})?"  # of 4 and 14 July 1967
    r"(?:,\s*entitled\s+[“\"][^”\"]{1,300}[”\"])?"
)
_LINK = r"(?:,\s*(?:and\s+)?|\s+and\s+|\s+to\s+|,?\s+as well as\s+)"
CHAIN = re.compile(rf"\b(?P<kind>[Rr]esolutions?|[Dd]ecisions?)\s+(?P<items>{_NUM}{_DATE}(?:{_LINK}{_NUM}{_DATE})*)")
_ITEM = re.compile(rf"(?P<num>{_NUM})(?:\s+of\s+\d{{1,2}}\s+[A-Z][a-z]+\s+(?P<year>\d{{4}}))?")
_ORGAN = re.compile(
    r"\b(?:" + "|".join(sorted(map(re.escape, ORGANS), key=len, reverse=True)) + r"|Council|its|their)\b"
)
_CLAUSE_END = re.compile(r"[;:.](?:\s|$)")
_COUNCILS = frozenset({SC, HRC, "Economic and Social Council", "Trusteeship Council"})
_SPACES = re.compile(r"\s+")
_YEAR_IN = re.compile(r"\((\d{4})\)")


def find_citations(text: str, context: TagContext) -> Iterator[Mention]:
    """Cited resolutions and decisions in a whole document's text, in order."""
    with_year: dict[str, str] = {}  # 2268 -> 2268 (2016), as first cited
    for chain in CHAIN.finditer(text):
        kind = "resolution" if chain.group("kind").lower().startswith("resolution") else "decision"
        lead = text[max(0, chain.start() - 120) : chain.start()]
        near = _organ_word(lead[-45:], context.body, near=True)
        far = near or _organ_word(_CLAUSE_END.split(lead)[-1], context.body, near=False)
        items = list(_ITEM.finditer(chain.group("items")))
        for index, item in enumerate(items):
            num = _normalize(item.group("num"))
            if num.isdigit():  # a bare number: the same number cited before with its year, or nothing
                if num not in with_year:
                    continue
                num = with_year[num]
            elif "(" in num and num.split(" ")[0].isdigit():
                with_year.setdefault(num.split(" ")[0], num)
            year = int(item.group("year")) if item.group("year") else None
            body = organ_for(num, near=near, far=far, seen=context.seen, doc_body=context.body, year=year)
            context.seen.setdefault(num, body)
            start = chain.start() if index == 0 else chain.start("items") + item.start("num")
            end = chain.start("items") + item.end("num")
            yield Mention(start, end, kind, symbol_for(num, body, kind), body)


def _normalize(num: str) -> str:
    """``2200 A(XXI)`` -> ``2200 A (XXI)``; ``2479 (XXIll)`` -> ``2479 (XXIII)``; ``52/169 A to M`` -> ``52/169``."""
    num = _SPACES.sub(" ", num).strip()
    if "/" in num and " " in num and "(" not in num:
        head, _, letters = num.partition(" ")
        return head if " to " in letters or " and " in letters else f"{head} {letters}"
    if "(" in num:
        head, _, inner = num.partition("(")
        inner = inner.strip(" )").replace(" ", "")
        inner = inner.replace("l", "I") if not inner.isdigit() else inner
        return f"{head.strip()} ({inner})"
    return num


def _organ_word(window: str, doc_body: str | None, *, near: bool) -> str | None:
    """The organ named last in ``window``; *its*, *their* and a bare *Council* are the document's own."""
    found = None
    for m in _ORGAN.finditer(window):
        found = m.group()
    if found is None:
        return None
    if found in ("its", "their"):
        return doc_body if near else None
    if found == "Council":
        return doc_body if doc_body in _COUNCILS else (SC if near else None)
    return ORGANS.get(found, GA)
