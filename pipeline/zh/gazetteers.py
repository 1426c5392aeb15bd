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
from functools import lru_cache

from pipeline.gazetteer import Gazetteer, Name, combined, split_names, with_blockers
from pipeline.zh._data import member_states, organizations

_SEPARATORS = re.compile(r"^[\s、，,和及以与;；]*$")
_PIECES = re.compile(r"[、，,;；]|(?<=\S)和(?=\S)")


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


@lru_cache(maxsize=1)
def states() -> Gazetteer:
    """Member, observer, other and historic States (UNTERM short and formal names, aliases,
    misspellings); territories are blockers."""
    return with_blockers(_state_names(), member_states.BLOCKERS, _body_names())


@lru_cache(maxsize=1)
def bodies() -> Gazetteer:
    """UN organs, subsidiary bodies, missions, agencies, funds and programmes, other organizations."""
    return with_blockers(_body_names(), organizations.BLOCKERS, _state_names())


@lru_cache(maxsize=1)
def names() -> Gazetteer:
    """States and bodies in one pass (the extractor's): see ``pipeline.gazetteer.combined``."""
    return combined((_state_names(), member_states.BLOCKERS), (_body_names(), organizations.BLOCKERS))


def split_sponsors(text: str) -> tuple[list[str], list[str]]:
    """Split a sponsor list by gazetteer matching, never on 和 (波斯尼亚和黑塞哥维那); returns the
    canonical names and the pieces no name matched."""
    return split_names(text, states(), separators=_SEPARATORS, pieces=_PIECES, tidy=_tidy)


def state_names(text: str) -> list[str]:
    """The states a short list names (vote lines): canonical names, unknown pieces dropped."""
    return [hit.name.canonical for hit in states().find(text)]


def _tidy(piece: str) -> str:
    return piece.strip(" 、，,和及")
