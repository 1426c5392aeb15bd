"""Cited resolutions and decisions, with the issuing organ resolved from context.

``大会 2019 年 12 月 18 日第 74/166 号决议`` -> ``A/RES/74/166``; ``安全理事会……第 2321(2016)号``
-> ``S/RES/2321 (2016)``; lists ``第 34/24、40/20 和 46/17 号决议`` share organ and 决议;
a bare number takes the organ named just before it, else the organ it had when cited earlier
in the document, else the organ its form or the document implies; a date checks the guess
(GA session N runs from September 1945+N; the HRC holds three sessions a year since 2006).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

from pipeline._text import ORGANS_ZH

_DATE = r"\d{4}年\d{1,2}月\d{1,2}日"
_NUM = r"(?:E?S-\d+/\d+|\d{1,4}/\d{1,4}|\d{1,4}\s?[A-Z]?\s?\([IVXLC]+\)|\d{1,4}\s?\(\d{4}\)|\d{3,4}(?=号))"
CHAIN = re.compile(
    rf"第{_NUM}号?(?:(?:、|和|及|以及|或)(?:{_DATE})?(?:关于[^，。；、第]{{0,40}}的)?第?{_NUM}号?)*号?(决议|决定)"
)
_ITEM = re.compile(rf"(?P<date>{_DATE})|第?(?P<num>{_NUM})")
_ORGAN = re.compile(r"安全理事会|安理会|人权理事会|经济及社会理事会|经社理事会|人权委员会|小组委员会|理事会|大会")
#: What may stand between two citations that share their organ: "和", "、", "和关于……的".
_CONNECTOR = re.compile(r"^\s*(?:、|和|及|以及|或)?\s*(?:关于[^，。；]{0,60}的)?$")
_CLAUSE_END = re.compile(r"[，；。：]")
_LEADING_DATE = re.compile(rf"({_DATE})(?:关于[^，。；、]{{0,40}}的)?$")
#: How far back from its end a text can hold a ``_LEADING_DATE`` (11 + 43 characters, a final newline).
_LEADING_DATE_REACH = 60
_ITEM_DATE = re.compile(rf"({_DATE})(?:关于[^，。；、]{{0,40}}的)?第?$")
_SPACES = re.compile(r"\s+")

GA, HRC, SC, ECOSOC, CHR, SUB = (
    "General Assembly",
    "Human Rights Council",
    "Security Council",
    "Economic and Social Council",
    "Commission on Human Rights",
    "Sub-Commission on the Promotion and Protection of Human Rights",
)
#: Organ names and short forms as they stand before a citation (a bare 理事会 is the HRC).
_ORGAN_BODY = {**ORGANS_ZH, "安理会": SC, "理事会": HRC, "经社理事会": ECOSOC, "小组委员会": SUB}


class Citation(NamedTuple):
    start: int
    end: int
    value: str
    kind: str  # "resolution" | "decision"
    body: str


def find_citations(text: str, doc_body: str | None, seen: dict[str, str]) -> Iterator[Citation]:
    """Citations in ``text`` (one segment); ``seen`` maps numbers to organs across the document."""
    previous_end = 0
    previous_body: str | None = None
    for chain in CHAIN.finditer(text):
        chain_text = chain.group()
        kind = "resolution" if chain.group(1) == "决议" else "decision"
        lead = text[previous_end : chain.start()]
        near = _near_organ(lead)
        far = _last_organ(lead[-90:]) if near is None else near
        if near is None and previous_body and _CONNECTOR.match(lead):
            near = previous_body
        items = [m for m in _ITEM.finditer(chain_text) if m.group("num")]
        date = _LEADING_DATE.search(lead, max(0, len(lead) - _LEADING_DATE_REACH))
        year = int(date.group(1)[:4]) if date else None
        for index, item in enumerate(items):
            num = _SPACES.sub(" ", item.group("num")).strip()
            item_year = _item_year(chain_text, item.start()) or (year if index == 0 else None)
            body = _organ_for(num, near=near, far=far, seen=seen, doc_body=doc_body, year=item_year)
            seen.setdefault(num, body)
            start = chain.start() + item.start()
            end = chain.end() if index == len(items) - 1 else chain.start() + item.end()
            if index < len(items) - 1 and text[end : end + 1] == "号":
                end += 1
            yield Citation(start, end, _symbol(num, body, kind), kind, body)
            previous_body = body
        previous_end = chain.end()


def _near_organ(lead: str) -> str | None:
    """The organ named in the clause just before the citation (``人权理事会 2017年3月24日第``)."""
    clause = _CLAUSE_END.split(lead[-40:])[-1]  # the last 40 characters of the last clause
    return _last_organ(clause)


def _last_organ(window: str) -> str | None:
    found = None
    for m in _ORGAN.finditer(window):
        found = _ORGAN_BODY[m.group()]
    return found


def _item_year(chain: str, item_start: int) -> int | None:
    before = chain[:item_start]
    m = _ITEM_DATE.search(before)
    return int(m.group(1)[:4]) if m else None


def _organ_for(
    num: str, *, near: str | None, far: str | None, seen: dict[str, str], doc_body: str | None, year: int | None
) -> str:
    if "(" in num:
        inner = num[num.index("(") + 1 : -1]
        return SC if inner.isdigit() else GA  # 2321(2016) is the Security Council; 2200 A(XXI) the GA
    if num.startswith(("S-", "ES-")):
        return GA
    session_text, _, _ = num.partition("/")
    if len(session_text) == 4 and session_text.isdigit():  # 2000/22: Commission or Sub-Commission
        organ = near or far
        return organ if organ in (SUB, CHR, ECOSOC) else CHR
    if "/" not in num:
        return near if near in (SC, GA) else SC
    session = int(session_text)
    guess = near or seen.get(num) or far or doc_body or GA
    return _checked(guess, session, year)


def _checked(guess: str, session: int, year: int | None) -> str:
    """Correct a GA/HRC guess that the session number or the date rules out."""
    hrc_possible = session <= 70 and (year is None or abs(2006 + (session - 1) // 3 - year) <= 1)
    ga_possible = year is None or 0 <= year - 1945 - session <= 1
    if guess == HRC and not hrc_possible and ga_possible:
        return GA
    if guess == GA and not ga_possible and hrc_possible:
        return HRC
    if guess not in (GA, HRC):
        return guess
    return guess


_TEMPLATES = {
    HRC: "A/HRC/{nature}/{num}",
    CHR: "E/CN.4/{nature}/{num}",
    SUB: "E/CN.4/Sub.2/{nature}/{num}",
    ECOSOC: "E/{nature}/{num}",
    GA: "A/{nature}/{num}",
}


def _symbol(num: str, body: str, kind: str) -> str:
    """Symbol of a cited resolution or decision: ``S/RES/2321 (2016)``, ``A/RES/2200 A (XXI)``."""
    nature = "RES" if kind == "resolution" else "DEC"
    if "(" in num:  # 2321(2016) -> 2321 (2016); 2200 A(XXI) -> 2200 A (XXI)
        head, _, tail = num.partition("(")
        num = f"{head.strip()} ({tail}"
    if body == SC:
        return f"S/{nature}/{num}"
    return _TEMPLATES.get(body, _TEMPLATES[GA]).format(nature=nature, num=num)
