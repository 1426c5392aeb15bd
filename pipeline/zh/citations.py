"""Chinese citation grammar: ``大会 2019 年 12 月 18 日第 74/166 号决议``, lists that share organ and
决议 (``第 34/24、40/20 和 46/17 号决议``, ``第1996(2011)、2046(2012)…和2304(2016)号决议``,
``第365(1974)号第367(1975)号决议``, ``…第378(1975)号等决议``), chains interrupted by dates
(``一九七三年十月二十二日第338(1973)号、十月二十五日第340(1973)号``), and the old forms of the
annual volumes, numbers in Chinese numerals (``决议案五十(一九四八)`` = S/RES/50 (1948),
``决议案一八一(二)`` = A/RES/181 (II), ``决议二四七九(二十三)``). The organ comes from
``pipeline.citations``; a bare 理事会 is the council whose text it is."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline._text import int_to_roman
from pipeline.citations import HRC, SC, organ_for, symbol_for
from pipeline.profile import Mention, TagContext
from pipeline.zh.lexicon import ORGANS
from pipeline.zh.numerals import NUMERAL, cn_to_int

_CN = "〇○零一二三四五六七八九十廿卅"
_DATE = rf"(?:(?:\d{{4}}|[{_CN}0]{{4}})年)?(?:\d{{1,2}}|[{_CN}]{{1,3}})月(?:\d{{1,2}}|[{_CN}]{{1,3}})日"
_NUM = r"(?:E?S-\d+/\d+|\d{1,4}/\d{1,4}|\d{1,4}\s?[A-Z]?\s?\([IVXLC]+\)|\d{1,4}\s?\(\d{4}\)|\d{3,4}(?=号))"
_LINK = r"(?:、|和|及|以及|或|(?=第))"
CHAIN = re.compile(
    rf"第{_NUM}号?(?:{_LINK}(?:{_DATE})?(?:关于[^，。；、第]{{0,40}}的)?第?{_NUM}号?)*号?"
    rf"(?:等|[和及](?:其后|以后)(?:各项|的)?)?(?P<kind>决议|决定)"
)
_ITEM = re.compile(rf"(?P<date>{_DATE})|第?(?P<num>{_NUM})")
#: ``决议案五十(一九四八)``, ``决议二四七九(二十三)``: Chinese numerals, year or session in brackets.
OLD = re.compile(rf"(?P<kind>决议|决定)案?(?P<n>[{NUMERAL}0]+)\((?P<s>[{NUMERAL}0]+)\)")
_ORGAN = re.compile("|".join(sorted({*ORGANS, "理事会"}, key=len, reverse=True)))
_CONNECTOR = re.compile(r"^\s*(?:、|和|及|以及|或)?\s*(?:关于[^，。；]{0,60}的)?$")
_CLAUSE_END = re.compile(r"[，；。：,;:]")
_LEADING_YEAR = re.compile(r"(\d{4}|[〇○零一二三四五六七八九0]{4})年[^年]{0,20}$")
_SPACES = re.compile(r"\s+")
_COUNCILS = frozenset({SC, HRC, "Economic and Social Council", "Trusteeship Council"})


def find_citations(text: str, context: TagContext) -> Iterator[Mention]:
    """Cited resolutions and decisions in a whole document's text, in order."""
    found = [*_modern(text, context), *_old(text, context)]
    found.sort(key=lambda m: m.start)
    return iter(found)


def _modern(text: str, context: TagContext) -> Iterator[Mention]:
    previous_end = 0
    previous_body: str | None = None
    for chain in CHAIN.finditer(text):
        chain_text = chain.group()
        kind = "resolution" if chain.group("kind") == "决议" else "decision"
        lead = text[previous_end : chain.start()]
        near = _near_organ(lead, context.body)
        far = near if near is not None else _last_organ(lead[-90:], context.body)
        if near is None and previous_body and _CONNECTOR.match(lead):
            near = previous_body
        items = [m for m in _ITEM.finditer(chain_text) if m.group("num")]
        year = _year_before(lead)
        for index, item in enumerate(items):
            num = _SPACES.sub(" ", item.group("num")).strip()
            item_year = _item_year(chain_text, item.start()) or (year if index == 0 else None)
            body = organ_for(num, near=near, far=far, seen=context.seen, doc_body=context.body, year=item_year)
            context.seen.setdefault(num, body)
            start = chain.start() + item.start()
            end = chain.end() if index == len(items) - 1 else chain.start() + item.end()
            if index < len(items) - 1 and text[end : end + 1] == "号":
                end += 1
            yield Mention(start, end, kind, symbol_for(num, body, kind), body)
            previous_body = body
        previous_end = chain.end()


def _old(text: str, context: TagContext) -> Iterator[Mention]:
    for m in OLD.finditer(text):
        number, inner = cn_to_int(m.group("n")), cn_to_int(m.group("s"))
        if number is None or inner is None:
            continue
        kind = "resolution" if m.group("kind") == "决议" else "decision"
        num = f"{number} ({inner})" if inner >= 1945 else f"{number} ({int_to_roman(inner)})"
        body = SC if inner >= 1945 else "General Assembly"
        yield Mention(m.start(), m.end(), kind, symbol_for(num, body, kind), body)


def _near_organ(lead: str, doc_body: str | None) -> str | None:
    """The organ named in the clause just before the citation (``人权理事会 2017年3月24日第``)."""
    clause = _CLAUSE_END.split(lead[-40:])[-1]
    return _last_organ(clause, doc_body)


def _last_organ(window: str, doc_body: str | None) -> str | None:
    found = None
    for m in _ORGAN.finditer(window):
        found = m.group()
    if found is None:
        return None
    if found == "理事会":  # the council whose text it is (the Human Rights Council elsewhere)
        return doc_body if doc_body in _COUNCILS else HRC
    return ORGANS[found]


def _year_before(lead: str) -> int | None:
    m = _LEADING_YEAR.search(lead[-30:])
    return cn_to_int(m.group(1)) if m else None


def _item_year(chain: str, item_start: int) -> int | None:
    m = _LEADING_YEAR.search(chain[max(0, item_start - 30) : item_start])
    return cn_to_int(m.group(1)) if m else None
