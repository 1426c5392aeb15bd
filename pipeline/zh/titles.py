"""Chinese titles in 《》: instruments (treaties, covenants, protocols, charters, declarations, rules),
national laws, and publications (《条约汇编》, 《大会正式记录……》) told apart.

A bare generic title (《宪章》, 《议定书》) refers back to the last instrument of that kind named
in full; an alias in brackets right after a title (《……规则》(《纳尔逊·曼德拉规则》)) names the same
instrument."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import NamedTuple

TITLE = re.compile(r"《([^《》\n]{1,120})》")
_INSTRUMENT = re.compile(r"(公约|盟约|议定书|宪章|宣言|纲领|规则|条约|协定|规约|原则|准则|守则|标准规则|文书|章程)$")
_PUBLICATION = re.compile(r"正式记录|条约汇编|年鉴|汇编|报告|评估|公报|呼吁|纪要|手册|概况|目录|简编|议程")
_LAW = re.compile(r"法$")
_GENERIC = frozenset(
    {"宪章", "公约", "盟约", "议定书", "任择议定书", "宣言", "规约", "条约", "协定", "纲领", "行动纲领"}
)


class Title(NamedTuple):
    start: int  # of the text inside the brackets
    end: int
    text: str
    kind: str  # "instrument" | "law" | "publication"
    value: str | None


def find_titles(text: str) -> Iterator[Title]:
    """Titles in one text, in order (the text is a whole document joined by newlines)."""
    named: list[str] = []
    previous: Title | None = None
    for m in TITLE.finditer(text):
        title = m.group(1).strip()
        start, end = m.start(1), m.end(1)
        if _PUBLICATION.search(title) and not _INSTRUMENT.search(title):
            found = Title(start, end, title, "publication", title)
        elif _LAW.search(title) and not _INSTRUMENT.search(title):
            found = Title(start, end, title, "law", title)
        elif not _INSTRUMENT.search(title):
            found = Title(start, end, title, "publication", title)
        elif (
            previous is not None and previous.kind == "instrument" and text[previous.end : m.start()] in {"》(", "》（"}
        ):
            found = Title(start, end, title, "instrument", previous.value)  # alias of the title before it
        elif title in _GENERIC:
            value = next((n for n in reversed(named) if n.endswith(title)), None)
            found = Title(start, end, title, "instrument", value)
        else:
            named.append(title)
            found = Title(start, end, title, "instrument", title)
        previous = found
        yield found
