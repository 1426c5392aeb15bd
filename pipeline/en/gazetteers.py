"""English gazetteers: States (UNTERM English names, historic States, aliases), UN bodies and other
organizations, and international instruments by their English titles.

Built once per process from the generated data modules (``pipeline/en/_data``, written by
``scripts/build_gazetteers.py``). Matching is case-sensitive and word-bounded (*Oman* is not in
*woman*, *Niger* not in *Nigeria*); the longest name wins (*Papua New Guinea* over *Guinea*), and
blockers (*Gulf of Guinea*, territories such as *Western Sahara*) swallow the names inside them.
The extractor finds States and bodies in one leftmost-longest pass over both (``names``), so a name
of one kind swallows the names of the other inside it (*Palestine Liberation Organization* names no
State, *Commonwealth of Dominica* no body); ``states`` and ``bodies`` alone (the sponsor lists, the
tests) keep the other kind's names as blockers, to the same effect. The instrument pass swallows
the names of bodies.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pipeline.en._data import instruments, organizations
from pipeline.en._data import states as state_data
from pipeline.gazetteer import Gazetteer, Name, combined, split_names, with_blockers

_SEPARATORS = re.compile(r"^[\s,;:*]*(?:and)?[\s,;:*]*$")
_PIECES = re.compile(r",|;|\band\b")


def _state_names() -> dict[str, Name]:
    names: dict[str, Name] = {}
    for key, canonical, _status, iso3, surfaces in state_data.STATES:
        for surface in surfaces:
            names.setdefault(surface, Name(canonical, key, "member_state", iso3))
    return names


def _body_names() -> dict[str, Name]:
    names: dict[str, Name] = {}
    for key, canonical, surfaces in organizations.ORGANIZATIONS:
        for surface in surfaces:
            names.setdefault(surface, Name(canonical, key, "organization"))
    return names


@lru_cache(maxsize=1)
def states() -> Gazetteer:
    """Member, observer, other and historic States; territories are blockers."""
    return with_blockers(_state_names(), state_data_blockers(), _body_names(), words=True)


@lru_cache(maxsize=1)
def bodies() -> Gazetteer:
    """UN organs, subsidiary bodies, missions, agencies, funds and programmes, other organizations."""
    return with_blockers(_body_names(), organizations.BLOCKERS, _state_names(), words=True)


@lru_cache(maxsize=1)
def titles() -> Gazetteer:
    """International instruments by their titles and distinctive short forms; an instrument named
    only inside a body's name (the Special Committee on … the Implementation of the Declaration on
    the Granting of Independence to Colonial Countries and Peoples) is not cited."""
    names: dict[str, Name] = {}
    for key, canonical, surfaces in instruments.INSTRUMENTS:
        for surface in surfaces:
            names.setdefault(surface, Name(canonical, key, "instrument"))
    return with_blockers(names, (), _body_names())


@lru_cache(maxsize=1)
def names() -> Gazetteer:
    """States and bodies in one pass (the extractor's): see ``pipeline.gazetteer.combined``."""
    return combined((_state_names(), state_data_blockers()), (_body_names(), organizations.BLOCKERS), words=True)


def state_data_blockers() -> tuple[str, ...]:
    """Strings that contain a State's name but name no State."""
    return state_data.BLOCKERS


def split_sponsors(text: str) -> tuple[list[str], list[str]]:
    """Split a sponsor list by gazetteer matching (*Trinidad and Tobago*, *Bosnia and Herzegovina*);
    returns canonical names and the pieces no name matched."""
    return split_names(text, states(), separators=_SEPARATORS, pieces=_PIECES, tidy=_tidy)


def state_names(text: str) -> list[str]:
    return [hit.name.canonical for hit in states().find(text)]


def _tidy(piece: str) -> str:
    return piece.strip(" ,;:*").removeprefix("the ").strip()
