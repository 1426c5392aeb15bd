"""English gazetteers: states (UNTERM English names, historic states, aliases), UN bodies and other
organizations, and international instruments by their English titles.

Matches stand between word boundaries (*Oman* is not in *woman*, *Niger* not in *Nigeria*); the
longest name wins (*Papua New Guinea* over *Guinea*), and blockers (*Gulf of Guinea*, *Korean
Peninsula*) swallow the names inside them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.en._data import instruments, organizations
from pipeline.en._data import states as state_data
from pipeline.gazetteer import Gazetteer, Name

_SEPARATORS = re.compile(r"^[\s,;:*]*(?:and)?[\s,;:*]*$")
_PIECES = re.compile(r",|;|\band\b")


@lru_cache(maxsize=1)
def states() -> Gazetteer:
    names: dict[str, Name] = {}
    for key, canonical, _status, iso3, surfaces in state_data.STATES:
        for surface in surfaces:
            names.setdefault(surface, Name(canonical, key, "member_state", iso3))
    for blocker in state_data_blockers():
        names.setdefault(blocker, Name("", "", ""))
    return Gazetteer(names, words=True)


@lru_cache(maxsize=1)
def bodies() -> Gazetteer:
    names: dict[str, Name] = {}
    for key, canonical, surfaces in organizations.ORGANIZATIONS:
        for surface in surfaces:
            names.setdefault(surface, Name(canonical, key, "organization"))
    for blocker in organizations.BLOCKERS:
        names.setdefault(blocker, Name("", "", ""))
    return Gazetteer(names, words=True)


@lru_cache(maxsize=1)
def titles() -> Gazetteer:
    names: dict[str, Name] = {}
    for key, canonical, surfaces in instruments.INSTRUMENTS:
        for surface in surfaces:
            names.setdefault(surface, Name(canonical, key, "instrument"))
    return Gazetteer(names, words=True)


def state_data_blockers() -> tuple[str, ...]:
    return getattr(state_data, "BLOCKERS", ())


def split_sponsors(text: str) -> tuple[list[str], list[str]]:
    """Split a sponsor list by gazetteer matching (*Trinidad and Tobago*, *Bosnia and Herzegovina*);
    returns canonical names and the pieces no name matched."""
    names: list[str] = []
    unknown: list[str] = []
    position = 0
    for hit in states().find(text):
        _leftover(text[position : hit.start], names, unknown)
        names.append(hit.name.canonical)
        position = hit.end
    _leftover(text[position:], names, unknown)
    return names, unknown


def state_names(text: str) -> list[str]:
    return [hit.name.canonical for hit in states().find(text)]


def _leftover(gap: str, names: list[str], unknown: list[str]) -> None:
    if _SEPARATORS.match(gap):
        return
    for raw in _PIECES.split(gap):
        piece = raw.strip(" ,;:*").removeprefix("the ").strip()
        if piece:
            names.append(piece)
            unknown.append(piece)
