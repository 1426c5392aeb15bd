"""Rule tables of English resolutions: one row per line shape, each naming its layout.

Layouts: ``ga`` (the General Assembly masthead of the PDFs: symbol, ``Distr.: General``, session,
agenda item, *Resolution adopted by the General Assembly on …*, ``[on the report of the Third
Committee (A/…)]``, ``69/1.`` and the title), ``ga-1990s`` (``Distr.`` / ``GENERAL``, *RESOLUTION ADOPTED
BY THE GENERAL ASSEMBLY*), ``draft`` (``Brazil, Kenya …: draft resolution``), ``sc`` (``Resolution
1373 (2001)``, *Adopted by the Security Council at its 4385th meeting, on …*), ``yearbook`` (the
annual volumes: ``3 (1946). Resolution of 4 April 1946``, ``1514 (XV). Declaration on …``, *Adopted
at the 30th meeting by 9 votes …*, ``Twenty-first plenary meeting, 1 February 1946.``), ``hrc``,
``pdf`` (job numbers, bar codes, page numbers, *Please recycle*), ``ocr`` (spellings OCR gives).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from pipeline._text import alpha_ordinal, roman_to_int
from pipeline.dates import ENGLISH_DATE, iso_date
from pipeline.en.lexicon import COMMITTEE_ALTERNATION, GA, ORDINAL, ORGAN_ALTERNATION, ORGANS, SC, ordinal_to_int
from pipeline.en.votes import parse_vote
from pipeline.profile import LabelStyle, Rule, nothing
from pipeline.symbols import SYMBOL, normalize_symbol

_DATE = r"\d{1,2}\s+(?:January|February|March|April|May|June|July|August|September|October|November|December),?\s+\d{4}"
_DATE_RE = re.compile(_DATE)
_ORD = ORDINAL.pattern


#: What a meeting may be besides plenary: *at its 5547th (closed) meeting*.
_MEETING_KIND = r"(?:\((?:closed|private|resumed)\)\s+)?"


#: A year of the 1900s as OCR reads it in a heading: ``I 97 6``, ``l976``.
_OCR_YEAR = r"[1Il]\s?9\s?\d\s?\d"


def _r(layout: str, pattern: str, role: str, sets: Any = nothing, flags: int = 0) -> Rule:
    return Rule(layout, re.compile(pattern, flags), role, sets)


def _date(text: str | None) -> str | None:
    m = ENGLISH_DATE.search(text or "")
    return iso_date(m) if m else None


def _organ(m: re.Match[str]) -> dict[str, Any]:
    organ = m.groupdict().get("organ")
    if not organ:
        return {}
    key = next((o for o in ORGANS if o.lower() == re.sub(r"\s+", " ", organ).lower()), None)
    return {"body": ORGANS[key]} if key else {}


def _symbol(m: re.Match[str]) -> Mapping[str, Any]:
    return {"symbol": normalize_symbol(m.group("s"))}


def _masthead_date(m: re.Match[str]) -> Mapping[str, Any]:
    return {"masthead_date": _date(m.group())}


#: A resolution number as OCR gives it in a heading: ``3379``, ``33 79`` (a space inside), ``Z7`` (Z for 2).
_NUM = r"(?:\d|Z(?=\d))(?: ?\d){0,3}"
#: A session in brackets: ``(XV)``, ``(ES-I)``, OCR's ``(1)`` for ``(I)``.
_SESS = r"(?:E?S-)?[IVXLC1l]+"
_OCR_DIGITS = str.maketrans({"Z": "2", " ": None})
_ANY_SPACE = re.compile(r"\s+")


def _ocr_number(raw: str) -> str:
    """A heading's resolution number with OCR's letters for digits and stray spaces undone."""
    return _ANY_SPACE.sub("", raw).translate(_OCR_DIGITS)


def _ocr_session(raw: str) -> str:
    return raw.replace("1", "I").replace("l", "I")


def _session(m: re.Match[str]) -> Mapping[str, Any]:
    return {"session": ordinal_to_int(m.group("ord"))}


def _agenda(m: re.Match[str]) -> Mapping[str, Any]:
    return {"agenda_item": re.sub(r"\s+", "", m.group("item")), "agenda_title": m.group("title").strip() or None}


def _adopted(m: re.Match[str]) -> Mapping[str, Any]:
    return {"doc_type": "resolution", "adopted_on": _date(m.groupdict().get("date")), **_organ(m)}


def _section(m: re.Match[str]) -> Mapping[str, Any]:
    return {"committee": re.sub(r"\s+", " ", m.group("c")).title().replace(" And ", " and ")}


def _report(m: re.Match[str]) -> Mapping[str, Any]:
    symbol = SYMBOL.search(m.group("symbols") or "")
    return {
        "committee": re.sub(r"\s+", " ", m.group("c")).title().replace(" And ", " and "),
        "report_symbol": normalize_symbol(symbol.group()) if symbol else None,
        "doc_type": "resolution",
        "body": GA,
    }


def _without_reference(m: re.Match[str]) -> Mapping[str, Any]:
    symbol = SYMBOL.search(m.groupdict().get("symbols") or "")
    return {"draft_symbol": normalize_symbol(symbol.group()) if symbol else None, "doc_type": "resolution"}


def _number(m: re.Match[str]) -> Mapping[str, Any]:
    title = (m.groupdict().get("title") or "").strip()
    return {"number": f"{m.group('s')}/{m.group('n')}", "title": title or None, "doc_type": "resolution"}


def _old_number(m: re.Match[str]) -> Mapping[str, Any]:
    """``1514 (XV). Declaration on …``; OCR gives ``12 (1).`` for ``12 (I).``"""
    part = (m.groupdict().get("part") or "").strip()
    part = f" {part}" if part else ""
    title = (m.groupdict().get("title") or "").strip()
    return {
        "number": f"{_ocr_number(m.group('n'))}{part} ({_ocr_session(m.group('sess'))})",
        "title": title or None,
        "doc_type": "resolution",
        "body": GA,
    }


def _sc_number(m: re.Match[str]) -> Mapping[str, Any]:
    year = re.sub(r"\s", "", m.group("y")).replace("I", "1").replace("l", "1")
    return {"symbol": f"S/RES/{_ocr_number(m.group('n'))} ({year})", "body": SC, "doc_type": "resolution"}


def _ocr_date(text: str) -> str:
    """A heading's date as OCR misreads its digits: ``I August 194-7`` -> ``1 August 1947``."""
    text = re.sub(r"(?<![A-Za-z])[Il](?=\s+[A-Z][a-z])", "1", text)
    return re.sub(r"\b(\d{2,3})\s?[-.'’]\s?(\d{1,2})\b", lambda y: y.group(1) + y.group(2), text)


def _sc_yearbook(m: re.Match[str]) -> Mapping[str, Any]:
    """The number and the date read apart: an OCR'd month loses the date, never the symbol."""
    date = _date(m.group("date")) or _date(_ocr_date(m.group("date")))
    return {**_sc_number(m), "adopted_on": date} if date else _sc_number(m)


def _sc_adopted(m: re.Match[str]) -> Mapping[str, Any]:
    sets: dict[str, Any] = {"meeting": int(m.group("m")), "body": SC, "doc_type": "resolution"}
    if date := _date(m.group("rest")):
        sets["adopted_on"] = date
    if vote := parse_vote(m.group()):
        sets["vote"] = vote
    return sets


def _sc_written(m: re.Match[str]) -> Mapping[str, Any]:
    return {"body": SC, "doc_type": "resolution", "adopted_on": _date(m.group("date"))}


def _adoption_date(m: re.Match[str]) -> Mapping[str, Any]:
    return {"adopted_on": _date(m.group("date"))}


def _sponsors(m: re.Match[str]) -> Mapping[str, Any]:
    return {"doc_type": "draft_resolution", "sponsors_text": m.group("names"), "body": GA}


def _draft(_m: re.Match[str]) -> Mapping[str, Any]:
    return {"doc_type": "draft_resolution"}


def _draft_symbol(m: re.Match[str]) -> Mapping[str, Any]:
    return {"draft_symbol": normalize_symbol(m.group("s"))}


_I = re.IGNORECASE
HEADER: tuple[Rule, ...] = (
    _r("ga", rf"^(?P<s>{SYMBOL.pattern})$", "symbol", _symbol),
    # a resolution in parts: ``A/RES/52/1 B`` in the masthead, the part's letter under the title (``B``,
    # ``B1`` with a note marker fused to it)
    _r("ga", r"^(?P<s>[AE]/(?:[A-Z0-9.-]+/)*RES/[\w/-]+\s[A-Z])$", "symbol", _symbol),
    _r("ga", r"^(?:United Nations|UNITED NATIONS|1?UNITED|NATIONS|[ASE])$", "organization"),
    _r("ga-1990s", r"^[B-Z]\d{0,2}$", "part"),
    _r("ga", rf"^(?P<organ>{ORGAN_ALTERNATION})$", "body", _organ, _I),
    _r("ga", r"^(?:Distr\.?(?:\s*:\s*\w+)?|GENERAL|LIMITED|RESTRICTED)$", "distribution"),
    _r("ga", r"^Original\s*:\s*\w+", "language"),
    _r("ga", rf"^(?P<date>{_DATE})$", "masthead_date", _masthead_date),
    _r("ga", rf"^(?P<ord>{_ORD})\s+(?:regular\s+)?session$", "session", _session, _I),
    _r("ga", rf"^{_ORD}\s+(?:emergency\s+)?special\s+session$", "session", nothing, _I),
    _r(
        "ga",
        r"^(?:Provisional\s+)?[Aa]genda items?\s+(?P<item>\d+\s?(?:\([a-z]\))?)(?P<title>.*)$",
        "agenda_item",
        _agenda,
    ),
    _r(
        "ga",
        rf"^Resolution adopted by the (?P<organ>{ORGAN_ALTERNATION})(?:\s+on\s+(?P<date>{_DATE}))?$",
        "adoption",
        _adopted,
        _I,
    ),
    _r("ga", rf"^on (?P<date>{_DATE})$", "adoption", _adoption_date),
    _r(
        "ga",
        rf"^\[on the reports? of the (?P<c>{COMMITTEE_ALTERNATION})\s*(?:\((?P<symbols>.*)\))?\]$",
        "report_reference",
        _report,
        _I,
    ),
    _r(
        "ga",
        r"^\[without reference to a Main Committee\s*(?:\((?P<symbols>.*)\))?\]$",
        "report_reference",
        _without_reference,
        _I,
    ),
    # a section of the annual volume (``¥. Resolutions adopted on the reports of the Second Committee 105``):
    # its committee is that of every item under it
    _r(
        "yearbook",
        rf"^(?:\S{{1,3}}\.\s+)?Resolutions? adopted on the reports? of the (?P<c>{COMMITTEE_ALTERNATION})\b.*$",
        "section",
        _section,
        _I,
    ),
    _r(
        "yearbook",
        r"^(?:\S{1,3}\.\s+)?Resolutions? adopted (?:on the reports? of|without reference to)\b.*$",
        "section",
        nothing,
        _I,
    ),
    _r("ga", r"^(?P<s>(?:ES-|S-)?\d+)/(?P<n>\d+)\s*\.(?:\s+(?P<title>.+))?$", "title", _number),
    # (the year also as OCR reads it: ``( I 97 6)``)
    _r("sc", rf"^(?:RESOLUTION|Resolution)\s+(?P<n>\d+)\s*\(\s?(?P<y>\d{{4}}|{_OCR_YEAR})\s?\)$", "symbol", _sc_number),
    # the heading and its date joined (a compilation page's later item, assembled as a paragraph)
    _r(
        "yearbook",
        rf"^(?:RESOLUTION|Resolution)\s+(?P<n>\d+)\s*\(\s?(?P<y>\d{{4}})\s?\)\s+of\s+(?P<date>{_DATE})\.?$",
        "symbol",
        _sc_yearbook,
    ),
    _r(
        "sc",
        rf"^Adopted\b.*?\ba[tl] (?:its|the) (?P<m>\d+)(?:st|nd|rd|th|d)\s+{_MEETING_KIND}meeting\b(?P<rest>.*)$",
        "adoption",
        _sc_adopted,
        _I,
    ),
    # adopted by written procedure (2020-2021): no meeting
    _r("sc", rf"^Adopted by the Security Council on (?P<date>{_DATE})\.?$", "adoption", _sc_written, _I),
    _r(
        "yearbook",
        rf"^(?P<n>{_NUM})\s*\(\s?(?P<y>\d{{4}})\s?\)\s*\.\s*R\S{{0,3}}olution of (?P<date>.+?)\.?$",
        "symbol",
        _sc_yearbook,
        _I,
    ),
    _r("yearbook", rf"^of (?P<date>{_DATE})$", "adoption_date", _adoption_date),
    _r(
        "yearbook",
        rf"^(?P<n>{_NUM})\s*(?P<part>[A-Z]\s)?\((?P<sess>{_SESS})\)\s*\.\s*(?P<title>\S.*)$",
        "title",
        _old_number,
    ),
    # an emergency special session's heading: ``Resolution 997 (ES-I)``
    _r("yearbook", rf"^(?:RESOLUTION|Resolution)\s+(?P<n>{_NUM})\s*\((?P<sess>{_SESS})\)$", "symbol", _old_number),
    _r("yearbook", r"^\[(?P<s>[A-Z]{1,6}/\d+)[^\]]*\]$", "draft_symbol", _draft_symbol),
    _r("draft", r"^(?P<names>.+?):\**\s*(?:revised\s+)?draft resolution\**$", "sponsors", _sponsors, _I),
    _r("draft", r"^(?:revised\s+)?draft resolution\**$", "document_kind", _draft, _I),
)


def _formula(m: re.Match[str]) -> Mapping[str, Any]:
    organ = re.sub(r"\s+", " ", m.group("organ")).lower()
    if organ.startswith("g"):  # the General Assembly, however OCR read its second word
        return {"body": GA}
    if "ecur" in organ or organ.startswith("sem"):
        return {"body": SC}
    return _organ(m)


FORMULAS: tuple[Rule, ...] = (
    _r("ga", rf"^The\s+(?P<organ>(?i:{ORGAN_ALTERNATION}))\s*[,.;:]?$", "formula", _formula),
    # as OCR reads it: ``The General .·1ssem/lly,``, ``The .')ecurity Council,``, ``17,e Security Council,``
    _r(
        "ocr",
        r"^(?:T\S{1,3}|17,e)\s+(?P<organ>G\S{2,6}\s*,?\s*\S{0,3}s\S{0,2}m\S*|\S{0,3}e[cm]\S{0,3}r\S*\s+C\S{3,7})\s*[,.;:]?$",
        "formula",
        _formula,
    ),
    _r(
        "yearbook",
        rf"^[Tt]he\s+(?P<organ>{ORGAN_ALTERNATION}),?\s+(?P<rest>(?:hereby\s+)?(?:resolves|decides|authorizes|recommends|requests|adopts|approves|declares|appoints|invites|calls)\b.*)$",
        "formula",
        _formula,
    ),
)


def _closing_adoption(m: re.Match[str]) -> Mapping[str, Any]:
    sets: dict[str, Any] = {"meeting": int(m.group("m"))}
    if date := _date(m.group("rest")):
        sets["date"] = date
    if vote := parse_vote(m.group()):
        sets["vote"] = vote
    return sets


def _closing_meeting(m: re.Match[str]) -> Mapping[str, Any]:
    sets: dict[str, Any] = {"meeting": ordinal_to_int(m.group("m"))}
    if date := _date(m.groupdict().get("date")):
        sets["date"] = date
    return sets


def _closing_date(m: re.Match[str]) -> Mapping[str, Any]:
    return {"date": _date(m.group("date"))}


def _closing_vote(m: re.Match[str]) -> Mapping[str, Any]:
    vote = parse_vote(m.group("how"))
    return {"vote": vote} if vote is not None else {}


CLOSING: tuple[Rule, ...] = (
    _r(
        "yearbook",
        # ``al the`` as OCR reads ``at the``; the word ``meeting`` may wrap to the next line
        rf"^Adopted\b.*?\ba[tl] (?:its|the)\s+(?P<m>\d+)(?:st|nd|rd|th|d)?\s*(?:{_MEETING_KIND}"
        r"(?:meeting|\S*ee\S*g|mee\S{2,5})\b(?P<rest>.*))?$",
        "adoption",
        _closing_adoption,
        _I,
    ),
    _r(
        "ga",
        rf"^(?P<m>\d+(?:st|nd|rd|th|d)|{_ORD})\s+plenary\s+meeting\b[.,;]?\s*(?:(?P<date>{_DATE})\.?)?$",
        "meeting",
        _closing_meeting,
        _I,
    ),
    _r("ga", rf"^(?P<date>{_DATE})\.?$", "date", _closing_date),
    _r("hrc", r"^\[(?P<how>Adopted\b.*)\]$", "vote", _closing_vote, _I),
)

FURNITURE: tuple[Rule, ...] = (
    _r("pdf", r"^\d{2}[- ]\d{5}\*?\s*(?:\([A-Z]\))?(?:\s+\S+)*$", "page_foot"),  # job number "14-57589 (E)"
    _r("pdf", r"^\*\d{6,}\*(?:\d{1,3}\*)?$", "page_foot"),  # bar code (*2008831*, *2008831*31*)
    _r("pdf", r"^\d{1,3}F$", "furniture"),  # a note's anchor left by the conversion of a web copy
    _r("pdf", r"^\d{6}$", "furniture"),  # print date "081222"
    _r("pdf", r"^\d{1,3}\s?/\s?\d{1,3}$", "furniture"),  # page "2/2"
    _r("pdf", r"^Page\s+\d{1,3}$", "furniture"),
    _r("pdf", r"^/\s?\.\.\.$", "furniture"),  # continuation mark
    _r("pdf", r"^-\s?\d{1,3}\s?-$", "furniture"),
    _r("pdf", r"^Please\s*rec\s*y?\s*cle\W*$", "page_foot"),
    _r("pdf", r"^[♲♻]$", "furniture"),
    # the running heads of the annual volumes: General Assembly—Thirtieth Session, Security Council—Thirty-first Year
    # (a dash, never a comma: ``Official Records of the`` / ``General Assembly, Thirtieth Session`` is a note's line)
    _r("yearbook", r"^General\s+Assembly\s*[-—–]+\s*[A-Z][a-z]+(?:-[a-z]+)?\s+S\S{5,7}$", "furniture"),
    _r("yearbook", r"^Security\s+Council\s*[-—–]+\s*[A-Z][a-z]+(?:-[a-z]+)?\s+Year$", "furniture"),
    _r("ocr", r"^[Il]\s*[•·][•·.\s]*$", "furniture"),  # continuation marks as OCR reads them
    _r("ocr", r"^[`'´]+\S{0,3}$", "furniture"),
    _r("ocr", r"^[*•·,.;:~^_|]{1,3}$", "furniture"),  # a speck or a star alone on its line
)

FOOTNOTES: tuple[Rule, ...] = (
    _r("pdf", r"^(?P<n>[⁰¹²³⁴⁵⁶⁷⁸⁹]+)\s*(?P<text>\S.*)$", "note+"),
    _r("ga-1990s", r"^(?P<n>\d{1,3})/\s+(?P<text>\S.*)$", "note+"),
    _r("pdf", r"^(?P<n>\*{1,3})\s*(?P<text>[A-Z].*)$", "note+"),
    _r(
        "yearbook",
        r"^(?P<n>\d{1,3})\s+(?!(?:[Il1]\s+)?(?:January|February|March|April|May|June|July|August|September|October|November|December)\b)"
        r"(?!\(\s?(?:\d\s?\d{3}|[IVXLC1l]+)\s?\)\s*\.)"
        r"(?P<text>(?:[A-Z“\"(]|[Ii]bid).*)$",
        "note?",
    ),
)

# (a space may stand inside the brackets: ``( b)``, as OCR reads the old volumes)
LABELS: tuple[LabelStyle, ...] = (
    LabelStyle("arabic", re.compile(r"^(?P<n>\d{1,3})\s?\.(?=\s|$)\s*"), int, operative=True),
    LabelStyle("roman", re.compile(r"^\(\s?(?P<n>[ivxl]{1,6})\s?\)\s*"), roman_to_int),
    LabelStyle("alpha", re.compile(r"^\(\s?(?P<n>[a-z]{1,3})\s?\)\s*"), alpha_ordinal),
    LabelStyle("section-roman", re.compile(r"^(?P<n>[IVX]{1,5})\.\s+(?=[A-Z])"), roman_to_int, section=True),
    LabelStyle("section-letter", re.compile(r"^(?P<n>[A-H])\.\s+(?=[A-Z][a-z])"), lambda n: ord(n) - 64, section=True),
)
LABEL_TWINS = {"roman": "alpha"}
SPLIT_RUN_ON = re.compile(r"[;:]\s+(?=\d{1,3}\.\s+[A-Z]|\([a-z]{1,2}\)\s+[A-Z])|\.\s+(?=\d{1,3}\.\s+[A-Z][a-z]+s\b)")
#: Where ``SPLIT_RUN_ON`` may match: punctuation, spaces, then a number or a bracket.
SPLIT_RUN_ON_HINT = re.compile(r"[;:.]\s+[\d(]")


def _item_number(m: re.Match[str]) -> Mapping[str, Any]:
    return {"number": int(_ocr_number(m.group("n")))}


#: What opens an item of a compilation page: a resolution's heading (``3 (1946).``, ``1514 (XV).``,
#: ``Resolution 660 (1990)``, ``Resolution 997 (ES-I)``, from 1976 ``36/140. Title``), or a decision.
ITEM_HEADINGS: tuple[Rule, ...] = (
    _r(
        "yearbook",
        rf"^(?P<n>{_NUM})\s*(?:[A-Z]\s)?\(\s?(?:\d\s?\d{{3}}|{_SESS})\s?\)\s*\.\s+\S",
        "resolution",
        _item_number,
    ),
    _r(
        "yearbook",
        rf"^(?:RESOLUTION|Resolution)\s+(?P<n>{_NUM})\s*\(\s?(?:\d{{4}}|{_OCR_YEAR}|{_SESS})\s?\)",
        "resolution",
        _item_number,
    ),
    _r("yearbook", r"^\d{1,2}/(?P<n>\d{1,3})\.\s+[A-Z]", "resolution", _item_number),
    _r("yearbook", r"^(?:Decisions?|DECISIONS?)$", "decision"),
)
