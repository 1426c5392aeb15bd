"""The masthead of a resolution: session, committee, agenda item, sponsors, title, own symbol.

Each header line becomes a ``header`` segment with a ``role`` saying what it states; the
facts go into ``Meta``. Pure functions over cleaned text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pipeline import gazetteer
from pipeline._text import ORGANS_ZH, cn_to_int
from pipeline.dates import ENGLISH_DATE, iso_date
from pipeline.symbols import SYMBOL, normalize_symbol
from schemas import ProcessingWarning

COMMITTEES = {
    "第一委员会": "First Committee",
    "第二委员会": "Second Committee",
    "第三委员会": "Third Committee",
    "第四委员会": "Fourth Committee",
    "第五委员会": "Fifth Committee",
    "第六委员会": "Sixth Committee",
    "特别政治和非殖民化委员会": "Special Political and Decolonization Committee",
}
_COMMITTEE = re.compile("(" + "|".join(COMMITTEES) + ")")
_SESSION = re.compile(
    r"^(?:(大会|人权理事会|安全理事会|经济及社会理事会))?第([〇零一二两三四五六七八九十百千\d]+)届(?:特别|紧急特别)?会议$"
)
_AGENDA = re.compile(r"^(?:临时)?议程项目\s*(.+)$")
_AGENDA_NUM = re.compile(r"^([\d]+(?:\s*\([a-z]\))*(?:\s*(?:和|及|、|,)\s*\(?[a-z\d]+\)?)*)\s*(.*)$")
_SPONSORS = re.compile(r"^(.+?)[：:]\s*((?:订正)?决议草案)$")
_DRAFT = re.compile(r"^(?:订正)?决议草案$")
_ADOPTED = re.compile(
    r"^(?:(大会|人权理事会|安全理事会|经济及社会理事会))?(\d{4}年\d{1,2}月\d{1,2}日)"
    r"(?:(大会|人权理事会|安全理事会|经济及社会理事会))?(?:通过的)?决议$"
)
_REPORT = re.compile(r"^\[根据(.+?)的报告\s*\((.+)\)\s*通过\]$")
_WITHOUT_REFERENCE = re.compile(r"^\[(?:未经发交主要委员会而通过|未经发交委员会而通过)\s*(?:\((.+)\))?\]$")
_NUMBER_TITLE = re.compile(r"^((?:E?S-)?\d+)/(\d+)\s*[.．]\s*(.+)$")
_OLD_NUMBER_TITLE = re.compile(r"^(\d+)\s*(?:\(([IVXLC]+)\))\s*[.．]\s*(.+)$")
_SC_NUMBER = re.compile(r"^第\s*(\d+)\s*\((\d{4})\)\s*号决议$")
_SC_ADOPTED = re.compile(r"^(\d{4}年\d{1,2}月\d{1,2}日)安全理事会第(\d+)次会议通过$")
_DISTR = re.compile(r"^Distr\.?\s*[:：]")
_LANGUAGE = re.compile(r"^(?:Chinese|Original\s*[:：].*|中文|原文\s*[:：].*)$")
_SYMBOL_LINE = re.compile(rf"^(?:联合国|United Nations)?\s*({SYMBOL.pattern})$")
_UN = re.compile(r"^(?:联合国|United Nations)$")
_SEPARATORS = re.compile(r"^[\s、，,和及以]*$")

BODY_BY_SYMBOL_ROOT = {
    "A/HRC/": "Human Rights Council",
    "A/": "General Assembly",
    "S/": "Security Council",
    "E/": "Economic and Social Council",
}


@dataclass
class HeaderFacts:
    """What the masthead says, gathered line by line."""

    roles: list[str | None] = field(default_factory=list)
    body: str | None = None
    session: int | None = None
    committee: str | None = None
    agenda_item: str | None = None
    agenda_title: str | None = None
    doc_type: str | None = None
    title: str | None = None
    symbol: str | None = None
    number: str | None = None  # "69/179" from the title line
    adopted_on: str | None = None
    meeting: int | None = None
    masthead_date: str | None = None
    sponsors: list[str] = field(default_factory=list)
    warnings: list[ProcessingWarning] = field(default_factory=list)


def parse_header(lines: list[str], formula_body: str | None) -> HeaderFacts:
    """Read the header lines (everything before the enacting formula)."""
    facts = HeaderFacts(body=formula_body)
    expect_agenda_title = False
    for line in lines:
        role = _role(line, facts, expect_agenda_title)
        expect_agenda_title = role == "agenda_item" and facts.agenda_title is None
        facts.roles.append(role)
    if facts.title is None:
        # drafts: the title is the last unassigned line before the formula
        for i in range(len(lines) - 1, -1, -1):
            if facts.roles[i] is None:
                facts.title, facts.roles[i] = lines[i], "title"
                break
    _derive_symbol(facts)
    return facts


def _role(line: str, facts: HeaderFacts, expect_agenda_title: bool) -> str | None:  # noqa: PLR0911, PLR0912, PLR0915
    # one flat table of masthead line patterns reads better than a dispatch structure
    if _UN.match(line):
        return "organization"
    if line in ORGANS_ZH:
        facts.body = facts.body or ORGANS_ZH[line]
        return "body"
    if _DISTR.match(line):
        return "distribution"
    if _LANGUAGE.match(line):
        return "language"
    if m := ENGLISH_DATE.fullmatch(line):
        facts.masthead_date = iso_date(m)
        return "masthead_date"
    if m := _SESSION.match(line):
        facts.session = cn_to_int(m.group(2))
        if m.group(1):
            facts.body = facts.body or ORGANS_ZH[m.group(1)]
        return "session"
    if line in COMMITTEES:
        facts.committee = COMMITTEES[line]
        facts.body = facts.body or "General Assembly"
        return "committee"
    if m := _AGENDA.match(line):
        item = _AGENDA_NUM.match(m.group(1))
        if item:
            facts.agenda_item = re.sub(r"\s+", "", item.group(1))
            if item.group(2):
                facts.agenda_title = item.group(2)
        else:
            facts.agenda_item = re.sub(r"\s+", "", m.group(1))
        return "agenda_item"
    if m := _SPONSORS.match(line):
        facts.doc_type = "draft_resolution"
        facts.sponsors = split_sponsors(m.group(1), facts.warnings)
        return "sponsors"
    if _DRAFT.match(line):
        facts.doc_type = "draft_resolution"
        return "document_kind"
    if m := _ADOPTED.match(line):
        facts.doc_type = "resolution"
        facts.adopted_on = _zh_date(m.group(2))
        organ = m.group(1) or m.group(3)
        if organ:
            facts.body = facts.body or ORGANS_ZH[organ]
        return "adoption"
    if m := _REPORT.match(line):
        committee = _COMMITTEE.search(m.group(1))
        if committee:
            facts.committee = COMMITTEES[committee.group(1)]
        return "report_reference"
    if _WITHOUT_REFERENCE.match(line):
        return "report_reference"
    if (m := _NUMBER_TITLE.match(line)) or (m := _OLD_NUMBER_TITLE.match(line)):
        facts.number = f"{m.group(1)}/{m.group(2)}" if m.re is _NUMBER_TITLE else f"{m.group(1)} ({m.group(2)})"
        facts.title = m.group(3)
        facts.doc_type = facts.doc_type or "resolution"
        return "title"
    if m := _SC_NUMBER.match(line):
        facts.symbol = f"S/RES/{m.group(1)} ({m.group(2)})"
        facts.body, facts.doc_type = "Security Council", "resolution"
        return "symbol"
    if m := _SC_ADOPTED.match(line):
        facts.adopted_on, facts.meeting = _zh_date(m.group(1)), int(m.group(2))
        return "adoption"
    if m := _SYMBOL_LINE.match(line):
        facts.symbol = facts.symbol or normalize_symbol(m.group(1))
        return "symbol"
    if _is_date_range(line):
        return "session_dates"
    if expect_agenda_title:
        facts.agenda_title = line
        return "agenda_title"
    return None


def split_sponsors(text: str, warnings: list[ProcessingWarning]) -> list[str]:
    """Split a sponsor list by gazetteer matching, never on 和 (波斯尼亚和黑塞哥维那)."""
    names: list[str] = []
    position = 0
    for hit in gazetteer.states().find(text):
        _leftover(text[position : hit.start], names, warnings)
        names.append(hit.name.canonical)
        position = hit.end
    _leftover(text[position:], names, warnings)
    return names


def _leftover(gap: str, names: list[str], warnings: list[ProcessingWarning]) -> None:
    if _SEPARATORS.match(gap):
        return
    for raw in re.split(r"[、，,]|(?<=\S)和(?=\S)", gap):
        piece = raw.strip(" 、，,和及")
        if piece:
            names.append(piece)
            warnings.append(ProcessingWarning(code="unknown_sponsor", message=f"sponsor not in gazetteer: {piece}"))


_ZH_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")


def _zh_date(text: str) -> str | None:
    m = _ZH_DATE.search(text)
    return f"{m.group(1)}-{int(m.group(2)):02d}-{int(m.group(3)):02d}" if m else None


def _is_date_range(line: str) -> bool:
    return bool(re.fullmatch(r"\d{4}年\d{1,2}月\d{1,2}日(?:至(?:\d{4}年)?(?:\d{1,2}月)?\d{1,2}日)?", line))


def _derive_symbol(facts: HeaderFacts) -> None:
    """``69/179.`` in a GA resolution -> ``A/RES/69/179``; ``54/24.`` in an HRC one -> ``A/HRC/RES/54/24``."""
    if facts.number is None or (facts.symbol is not None and "/RES/" in facts.symbol):
        if facts.symbol and facts.body is None:
            facts.body = next((b for root, b in BODY_BY_SYMBOL_ROOT.items() if facts.symbol.startswith(root)), None)
        return
    if facts.body == "Human Rights Council":
        facts.symbol = f"A/HRC/RES/{facts.number}"
    elif facts.body in (None, "General Assembly"):
        facts.symbol = f"A/RES/{facts.number}"
        facts.body = "General Assembly"
    elif facts.body == "Economic and Social Council":
        facts.symbol = f"E/RES/{facts.number}"
