"""Chinese gazetteers: member and historic states, UN bodies and other organizations.

Built once per process from the generated data modules (``pipeline/zh/_data``). A state's value
is its canonical UNTERM short name, or an accepted short form as printed (荷兰王国); an alias or a
misspelling (朝鲜民主主义共和国) reports the canonical name.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.gazetteer import Gazetteer, Name
from pipeline.zh._data import member_states, organizations

_SEPARATORS = re.compile(r"^[\s、，,和及以与;；]*$")
_PIECES = re.compile(r"[、，,;；]|(?<=\S)和(?=\S)")


@lru_cache(maxsize=1)
def states() -> Gazetteer:
    """Member, observer and historic states (UNTERM short and formal names, aliases, misspellings)."""
    names: dict[str, Name] = {}
    iso3 = getattr(member_states, "ISO3", {})
    for key, canonical, _status, surfaces in member_states.STATES:
        for surface, short in surfaces:
            names[surface] = Name(surface if short else canonical, key, "member_state", iso3.get(key))
    for blocker in member_states.BLOCKERS:
        names.setdefault(blocker, Name("", "", ""))
    return Gazetteer(names)


@lru_cache(maxsize=1)
def bodies() -> Gazetteer:
    """UN organs, subsidiary bodies, missions, agencies, funds and programmes, other organizations."""
    names: dict[str, Name] = {}
    for english, canonical, aliases in organizations.ORGANIZATIONS:
        for surface in (canonical, *aliases):
            names.setdefault(surface, Name(canonical, english, "organization"))
    for blocker in organizations.BLOCKERS:
        names.setdefault(blocker, Name("", "", ""))
    return Gazetteer(names)


def split_sponsors(text: str) -> tuple[list[str], list[str]]:
    """Split a sponsor list by gazetteer matching, never on 和 (波斯尼亚和黑塞哥维那); returns the
    canonical names and the pieces no name matched."""
    names: list[str] = []
    unknown: list[str] = []
    position = 0
    for hit in states().find(text):
        _leftover(text[position : hit.start], unknown, names)
        names.append(hit.name.canonical)
        position = hit.end
    _leftover(text[position:], unknown, names)
    return names, unknown


def state_names(text: str) -> list[str]:
    """The states a short list names (vote lines): canonical names, unknown pieces dropped."""
    return [hit.name.canonical for hit in states().find(text)]


def _leftover(gap: str, unknown: list[str], names: list[str]) -> None:
    if _SEPARATORS.match(gap):
        return
    for raw in _PIECES.split(gap):
        piece = raw.strip(" 、，,和及")
        if piece:
            names.append(piece)
            unknown.append(piece)
