"""Chinese gazetteers: member and historic States, UN bodies and other organizations.

Built once per process from the generated data modules (``pipeline/zh/_data``, written by
``scripts/build_gazetteers.py``). A State's value is its canonical UNTERM short name (a historic
State's own name), or an accepted short form as printed (荷兰王国); an alias or a misspelling
(朝鲜民主主义共和国, 苏维埃社会主义共和国联邦) reports the canonical name. Each hit carries the State's
ISO-3 code.

The extractor finds States and bodies in one leftmost-longest pass over both (``names``), so a name
of one kind swallows the names of the other inside it: 联合国驻塞浦路斯维持和平部队 and 中国共产党 name
no State, 苏维埃社会主义共和国联邦 names no body (国联 is not in it). ``states`` and ``bodies`` alone (the
sponsor lists, the tests) keep the other kind's names as blockers, to the same effect.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from pipeline.gazetteer import Gazetteer, Name, combined
from pipeline.zh._data import member_states, organizations

_SEPARATORS = re.compile(r"^[\s、，,和及以与;；]*$")
_PIECES = re.compile(r"[、，,;；]|(?<=\S)和(?=\S)")
_BLOCKER = Name("", "", "")


def _state_names() -> dict[str, Name]:
    names: dict[str, Name] = {}
    for key, canonical, _status, iso3, surfaces in member_states.STATES:
        for surface, short in surfaces:
            names[surface] = Name(surface if short else canonical, key, "member_state", iso3)
    return names


def _body_names() -> dict[str, Name]:
    names: dict[str, Name] = {}
    for english, canonical, aliases in organizations.ORGANIZATIONS:
        for surface in (canonical, *aliases):
            names.setdefault(surface, Name(canonical, english, "organization"))
    return names


def _with_blockers(names: dict[str, Name], blockers: Iterable[str], others: Iterable[str]) -> Gazetteer:
    """A gazetteer of ``names`` whose blockers are ``blockers`` and the names of the other pass
    (``others``) that contain one of ``names``."""
    probe = Gazetteer(names)
    table = dict(names)
    for blocker in blockers:
        table.setdefault(blocker, _BLOCKER)
    for other in others:
        if other not in names and next(probe.find(other), None) is not None:
            table.setdefault(other, _BLOCKER)
    return Gazetteer(table)


@lru_cache(maxsize=1)
def states() -> Gazetteer:
    """Member, observer, other and historic States (UNTERM short and formal names, aliases,
    misspellings); territories are blockers."""
    return _with_blockers(_state_names(), member_states.BLOCKERS, _body_names())


@lru_cache(maxsize=1)
def bodies() -> Gazetteer:
    """UN organs, subsidiary bodies, missions, agencies, funds and programmes, other organizations."""
    return _with_blockers(_body_names(), organizations.BLOCKERS, _state_names())


@lru_cache(maxsize=1)
def names() -> Gazetteer:
    """States and bodies in one pass (the extractor's): see ``pipeline.gazetteer.combined``."""
    return combined((_state_names(), member_states.BLOCKERS), (_body_names(), organizations.BLOCKERS))


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
