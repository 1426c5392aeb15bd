"""Rule tables of Chinese resolutions: one row per line shape, each naming its layout.

Layouts: ``ga`` (the General Assembly masthead since the 1990s), ``hrc`` (Human Rights Council),
``draft`` (committee drafts), ``sc`` (the modern Security Council heading ``第2326(2016)号决议`` and
its adoption line), ``sc-yearbook`` (the annual volumes: ``四十四(一九四八).一九四八年四月一日决议案``,
``〔S/714〕``, date lines above ``第389(1976)号决议``), ``ga-old`` (sessions I–XXX:
``四九八(五).…``, ``(据第一委员会报告书所通过之决议案)``), ``ga-1946`` (the first session: recitals
before ``大会授权…``, ``一九四六年二月一日,第二十一次全会.``), ``web`` (copies of UN web pages and
wiki pages), ``pdf`` (text layers: job numbers, page numbers).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipeline._text import alpha_ordinal, int_to_roman, roman_to_int
from pipeline.dates import ENGLISH_DATE, iso_date
from pipeline.profile import LabelStyle, Rule, nothing
from pipeline.symbols import SYMBOL, normalize_symbol
from pipeline.zh.dates import full_date
from pipeline.zh.lexicon import COMMITTEE_ALTERNATION, COMMITTEES, GA, ORGAN_ALTERNATION, ORGANS, SC
from pipeline.zh.numerals import NUMERAL, cn_to_int, stem_ordinal
from pipeline.zh.votes import parse_vote

_N = f"[{NUMERAL}\\d]+"  # a number in Chinese numerals or digits
_DATE = rf"(?:\d{{4}}|[{NUMERAL}]{{4}})年{_N}月{_N}日"
_PUNCT = r"[,，.。;；]?"


#: What a meeting may be besides plenary: ``第5547次(非公开)会议``.
_MEETING_KIND = r"(?:[(（](?:非公开|闭门|不公开|续)[)）])?"


def _organ(m: re.Match[str], group: str = "organ") -> dict[str, Any]:
    organ = m.groupdict().get(group)
    return {"body": ORGANS[organ]} if organ else {}


def _session(m: re.Match[str]) -> Mapping[str, Any]:
    return {"session": cn_to_int(m.group("n")), **_organ(m)}


def _committee(m: re.Match[str]) -> Mapping[str, Any]:
    return {"committee": COMMITTEES[m.group("c")], "body": GA}


def _agenda(m: re.Match[str]) -> Mapping[str, Any]:
    number = re.sub(r"\s+", "", m.group("item"))
    return {"agenda_item": number, "agenda_title": m.group("title") or None}


def _sponsors(m: re.Match[str]) -> Mapping[str, Any]:
    return {"doc_type": "draft_resolution", "sponsors_text": m.group("names"), "body": GA}


def _draft(_m: re.Match[str]) -> Mapping[str, Any]:
    return {"doc_type": "draft_resolution"}


def _adopted(m: re.Match[str]) -> Mapping[str, Any]:
    return {"doc_type": "resolution", "adopted_on": full_date(m.group("date")), **_organ(m), **_organ(m, "organ2")}


def _report(m: re.Match[str]) -> Mapping[str, Any]:
    committee = re.search(COMMITTEE_ALTERNATION, m.group("who"))
    symbol = SYMBOL.search(m.group("symbols") or "")
    return {
        "committee": COMMITTEES[committee.group()] if committee else None,
        "report_symbol": normalize_symbol(symbol.group()) if symbol else None,
        "doc_type": "resolution",
    }


def _without_reference(m: re.Match[str]) -> Mapping[str, Any]:
    symbol = SYMBOL.search(m.group("symbols") or "")
    return {"draft_symbol": normalize_symbol(symbol.group()) if symbol else None, "doc_type": "resolution"}


def _number_title(m: re.Match[str]) -> Mapping[str, Any]:
    return {"number": f"{m.group('s')}/{m.group('n')}", "title": m.group("title"), "doc_type": "resolution"}


def _old_number_title(m: re.Match[str]) -> Mapping[str, Any]:
    """``四九八(五).中华人民共和国…`` (GA sessions I–XXX): number, session in Chinese numerals."""
    number, session = cn_to_int(m.group("n")), cn_to_int(m.group("s"))
    if number is None or session is None:
        return {}
    return {
        "number": f"{number} ({int_to_roman(session)})",
        "title": m.group("title"),
        "doc_type": "resolution",
        "body": GA,
    }


def _roman_number_title(m: re.Match[str]) -> Mapping[str, Any]:
    return {
        "number": f"{m.group('n')} ({m.group('s')})",
        "title": m.group("title"),
        "doc_type": "resolution",
        "body": GA,
    }


def _sc_number(m: re.Match[str]) -> Mapping[str, Any]:
    number, year = cn_to_int(m.group("n")), cn_to_int(m.group("y"))
    if number is None or year is None:
        return {}
    return {"symbol": f"S/RES/{number} ({year})", "body": SC, "doc_type": "resolution"}


def _sc_yearbook(m: re.Match[str]) -> Mapping[str, Any]:
    return {**_sc_number(m), "adopted_on": full_date(m.group("date"))}


def _sc_adopted(m: re.Match[str]) -> Mapping[str, Any]:
    return {"adopted_on": full_date(m.group("date")), "meeting": cn_to_int(m.group("m")), "body": SC}


def _adoption_date(m: re.Match[str]) -> Mapping[str, Any]:
    return {"adopted_on": full_date(m.group("date"))}


def _draft_symbol(m: re.Match[str]) -> Mapping[str, Any]:
    return {"draft_symbol": normalize_symbol(m.group("s"))}


def _symbol(m: re.Match[str]) -> Mapping[str, Any]:
    return {"symbol": normalize_symbol(m.group("s"))}


def _masthead_date(m: re.Match[str]) -> Mapping[str, Any]:
    return {"masthead_date": iso_date(m)}


def _ga_1946_title(m: re.Match[str]) -> Mapping[str, Any]:
    return {"title": m.group("title"), "doc_type": "resolution", "body": GA}


def _body(m: re.Match[str]) -> Mapping[str, Any]:
    return {"body": ORGANS[m.group("organ")]}


def _r(layout: str, pattern: str, role: str, sets: Any = nothing) -> Rule:
    return Rule(layout, re.compile(pattern), role, sets)


HEADER: tuple[Rule, ...] = (
    _r("ga", r"^(?:联合国|United Nations)$", "organization"),
    _r("ga", rf"^(?P<organ>{ORGAN_ALTERNATION})$", "body", _body),
    _r("ga", r"^Distr\.?\s*[:：]", "distribution"),
    _r("ga", r"^(?:Chinese|Original\s*[:：].*|中文|原文\s*[:：].*)$", "language"),
    _r("ga", ENGLISH_DATE.pattern.join(("^(?:", ")$")), "masthead_date", _masthead_date),
    _r(
        "ga",
        rf"^(?P<organ>{ORGAN_ALTERNATION})?第(?P<n>{_N})届(?:特别|紧急特别)?会(?:议)?(?:第{_N}期会议)?$",
        "session",
        _session,
    ),
    _r("ga", rf"^(?P<c>{COMMITTEE_ALTERNATION})$", "committee", _committee),
    _r(
        "ga",
        r"^(?:临时)?议程项目\s*(?P<item>\d+(?:\s*\([a-z]\))*(?:\s*(?:和|及|、|,)\s*\(?[a-z\d]+\)?)*)\s*(?P<title>.*)$",
        "agenda_item",
        _agenda,
    ),
    _r("draft", r"^(?P<names>.+?)[：:]\s*(?:订正)?决议草案$", "sponsors", _sponsors),
    _r("draft", r"^(?:订正)?决议草案$", "document_kind", _draft),
    _r(
        "ga",
        rf"^(?P<organ>{ORGAN_ALTERNATION})?(?P<date>{_DATE})(?P<organ2>{ORGAN_ALTERNATION})?(?:通过的)?决议$",
        "adoption",
        _adopted,
    ),
    _r("ga", r"^\[根据(?P<who>.+?)的报告\s*\((?P<symbols>.+)\)\s*通过\]$", "report_reference", _report),
    _r("ga", r"^\[未经发交(?:主要)?委员会而通过\s*(?:\((?P<symbols>.+)\))?\]$", "report_reference", _without_reference),
    _r("ga", r"^(?P<s>(?:E?S-)?\d+)/(?P<n>\d+)\s*[.．]\s*(?P<title>.+)$", "title", _number_title),
    _r("sc", r"^第\s*(?P<n>\d+)\s*\((?P<y>\d{4})\)\s*号决议$", "symbol", _sc_number),
    _r("sc", rf"^(?P<date>{_DATE})安全理事会第(?P<m>{_N})次{_MEETING_KIND}会议通过$", "adoption", _sc_adopted),
    _r("sc", rf"^安全理事会(?P<date>{_DATE})第(?P<m>{_N})次{_MEETING_KIND}会议通过$", "adoption", _sc_adopted),
    _r(
        "sc-yearbook",
        rf"^(?P<n>{_N})\((?P<y>[{NUMERAL}]{{4}}|\d{{4}})\)\s*[.．、]\s*(?P<date>{_DATE})决议案?$",
        "symbol",
        _sc_yearbook,
    ),
    _r("sc-yearbook", rf"^决议案?(?P<n>{_N})\((?P<y>[{NUMERAL}]{{4}}|\d{{4}})\)$", "symbol", _sc_number),
    _r("sc-yearbook", r"^〔(?P<s>[A-Z]{1,6}/[^〕,，]+)(?:[,，][^〕]*)?〕$", "draft_symbol", _draft_symbol),
    _r("sc-yearbook", rf"^(?P<date>{_DATE}){_PUNCT}$", "adoption_date", _adoption_date),
    _r(
        "ga-old",
        rf"^(?P<n>[{NUMERAL}]+)\((?P<s>[{NUMERAL}]{{1,3}})\)\s*[.．、]\s*(?P<title>.+)$",
        "title",
        _old_number_title,
    ),
    _r("ga-old", r"^(?P<n>\d+)\s*\((?P<s>[IVXLC]+)\)\s*[.．、]\s*(?P<title>.+)$", "title", _roman_number_title),
    _r(
        "ga-old",
        rf"^\(据(?P<who>.*?(?P<c>{COMMITTEE_ALTERNATION}).*?)报告书?所通过之决议案?\)$",
        "report_reference",
        _committee,
    ),
    _r(
        "ga-1946",
        rf"^[{NUMERAL}]{{1,3}}\s*(?P<title>[^\s\d{NUMERAL}第，,。.；;：:(（][^\s\d，,。.；;：:]{{1,39}})$",
        "title",
        _ga_1946_title,
    ),
    _r("ga", rf"^(?:联合国|United Nations)?\s*(?P<s>{SYMBOL.pattern})$", "symbol", _symbol),
    _r("hrc", rf"^{_DATE}(?:至(?:\d{{4}}年)?(?:{_N}月)?{_N}日)?$", "session_dates"),
)


#: A masthead line fused with the next (``28 January 2015第六十九届会议``): Latin, then Chinese.
FUSED_HEADER = re.compile(r"^(?P<a>[0-9A-Za-z][\x20-\x7e]*?[A-Za-z]{3}[\x20-\x7e]*?)\s*(?P<b>[\u4e00-\u9fff].*)$")


def _formula_organ(m: re.Match[str]) -> Mapping[str, Any]:
    return {"body": ORGANS[m.group("organ")]}


FORMULAS: tuple[Rule, ...] = (
    _r("ga", rf"^(?:因此[,，]?\s*)?(?P<organ>{ORGAN_ALTERNATION})[，,:：]$", "formula", _formula_organ),
    # the 1940s: the formula runs into the operative verb (大会建议:, 大会授权秘书长…, 大会决定…如下.)
    _r(
        "ga-1946",
        rf"^(?P<organ>{ORGAN_ALTERNATION})(?P<rest>(?:兹|并)?(?:授权|建议|决定|议决|请|核准|通过|指派|宣布|决议).*)$",
        "formula",
        _formula_organ,
    ),
    _r("sc", rf"^(?P<organ>{ORGAN_ALTERNATION})$", "formula?", _formula_organ),
    # a web copy that runs the whole resolution together: the formula, then its text
    _r(
        "web",
        rf"^(?:因此[,，]?\s*)?(?P<organ>{ORGAN_ALTERNATION})[，,]\s*(?P<rest>\S.{{3,}})$",
        "formula",
        _formula_organ,
    ),
)


def _closing_meeting(m: re.Match[str]) -> Mapping[str, Any]:
    return {"meeting": cn_to_int(m.group("m"))}


def _closing_adoption(m: re.Match[str]) -> Mapping[str, Any]:
    sets: dict[str, Any] = {"meeting": cn_to_int(m.group("m"))}
    vote = parse_vote(m.group("how") or "")
    if vote is not None:
        sets["vote"] = vote
    return sets


def _closing_date(m: re.Match[str]) -> Mapping[str, Any]:
    return {"date": full_date(m.group("date"))}


def _closing_date_meeting(m: re.Match[str]) -> Mapping[str, Any]:
    return {**_closing_date(m), **_closing_meeting(m)}


def _closing_vote(m: re.Match[str]) -> Mapping[str, Any]:
    vote = parse_vote(m.group("how"))
    return {"vote": vote} if vote is not None else {}


CLOSING: tuple[Rule, ...] = (
    _r("sc", rf"^第(?P<m>{_N})次{_MEETING_KIND}(?:全体)?会议(?P<how>.*?通过.*)$", "adoption", _closing_adoption),
    _r("ga", rf"^第(?P<m>{_N})次(?:全体会议|全会|会议){_PUNCT}$", "meeting", _closing_meeting),
    _r(
        "ga-1946",
        rf"^(?P<date>{_DATE})[,，]\s*第(?P<m>{_N})次(?:全体会议|全会|会议){_PUNCT}$",
        "date_meeting",
        _closing_date_meeting,
    ),
    _r("ga", rf"^(?P<date>{_DATE}){_PUNCT}$", "date", _closing_date),
    _r("hrc", r"^\[(?P<how>.*(?:通过|表决).*)\]$", "vote", _closing_vote),
)

FURNITURE: tuple[Rule, ...] = (
    _r("pdf", r"^\d{2}-\d{5}\s*(?:\(C\)|（C）)?(?:\s+\S+)*$", "page_foot"),  # job number "14-67937 (C)" (+ barcode)
    _r("pdf", r"^\*\d{6,}\*$", "page_foot"),  # bar code
    _r("pdf", r"^\d{1,3}/\d{1,3}(?:\s+\d{2}-\d{5}.*)?$", "furniture"),  # page "3/17"
    _r("pdf", r"^(?:请回收|Please recycle)\W*$", "page_foot"),
    _r("pdf", r"^-\s?\d{1,3}\s?-$", "furniture"),  # page "- 3 -"
)

FOOTNOTES: tuple[Rule, ...] = (
    _r("pdf", r"^(?P<n>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s*(?P<text>\S.*)$", "note"),
    _r("web", r"^\[\^(?P<n>\d+)\]:\s*(?P<text>.*)$", "note"),
    _r("web", r"^<sup>(?P<n>\d+)</sup>\s*(?P<text>.*)$", "note"),
    _r("web", r"^(?P<n>\d{1,3})/\s*(?P<text>[^\d\s/].*)$", "note"),  # UN web pages: "1/ 见…"
    _r("web", r"^[(（](?P<n>注\d*)[)）]\s*(?P<text>\S.*)$", "note"),  # "(注) …"
    _r(
        "sc-yearbook", r"^(?P<n>\d{1,3})\s+(?P<text>[^\s\d.．、].*)$", "note?"
    ),  # "23 安全理事会正式纪录…", after the adoption line
)

_CN_ITEM = "一二三四五六七八九十"
LABELS: tuple[LabelStyle, ...] = (
    LabelStyle("arabic", re.compile(r"^(?P<n>\d{1,3})\s?[.．](?!\d)\s*"), int, operative=True),
    LabelStyle("cn-section", re.compile(rf"^(?P<n>[{_CN_ITEM}]{{1,3}})\s?[、.．]\s*"), cn_to_int, operative=True),
    LabelStyle("roman", re.compile(r"^[(（](?P<n>[ivxl]{1,5})[)）]\s*"), roman_to_int),
    LabelStyle("alpha", re.compile(r"^[(（](?P<n>[a-z]{1,3})[)）]\s*"), alpha_ordinal),
    LabelStyle("cn", re.compile(rf"^[(（](?P<n>[{_CN_ITEM}]{{1,3}})[)）]\s*"), cn_to_int),
    LabelStyle("stem", re.compile(r"^[(（](?P<n>[甲乙丙丁戊己庚辛壬癸])[)）]\s*"), stem_ordinal),
    LabelStyle("alpha-dot", re.compile(r"^(?P<n>[a-z])\s?[.)](?![a-z])\s*"), alpha_ordinal),
)
#: ``(i)`` is both a roman numeral and the ninth letter (roman is tried first): the letter when it follows ``(h)``.
LABEL_TWINS = {"roman": "alpha"}

#: Where a paragraph run together with the next one (a web copy) is split: after the punctuation
#: that ends a paragraph, before a number that opens one (the cut is at the match's end).
SPLIT_RUN_ON = re.compile(
    rf"[，,]\s*(?=\d{{1,3}}\s?[.．](?!\d))"
    rf"|[；;。：:]\s*(?=第[{NUMERAL}\d]+次(?:全体)?会议|(?:\d{{1,3}}|[{_CN_ITEM}]{{1,3}})\s?[.．、](?!\d)"
    rf"|[(（][a-z]{{1,2}}[)）]|[(（][{_CN_ITEM}]{{1,3}}[)）])"
)

#: Where ``SPLIT_RUN_ON`` may match: punctuation, spaces, then what a paragraph or item opens with.
SPLIT_RUN_ON_HINT = re.compile(rf"[，,；;。：:]\s*[\d第(（{_CN_ITEM}]")


def _item_number(m: re.Match[str]) -> Mapping[str, Any]:
    return {"number": cn_to_int(m.group("n"))}


#: What opens an item of a compilation page: a resolution's heading, or a decision.
ITEM_HEADINGS: tuple[Rule, ...] = (
    _r(
        "sc-yearbook",
        # not a wrapped list of citations: 2109(2013)、2132(2013)…
        rf"^(?P<n>{_N})\((?:[{NUMERAL}]{{1,4}}|\d{{4}}|[IVXLC]+)\)\s*[.．、](?!\s*[\d{NUMERAL}]+\s*\()",
        "resolution",
        _item_number,
    ),
    _r("sc-yearbook", rf"^决议案?(?P<n>{_N})\((?:[{NUMERAL}]{{4}}|\d{{4}})\)$", "resolution", _item_number),
    _r("sc", r"^第\s*(?P<n>\d+)\s*\(\d{4}\)\s*号决议$", "resolution", _item_number),
    _r("sc-yearbook", r"^决定$", "decision"),
)
