"""Gazetteer matching: member states and UN bodies with one Aho-Corasick pass each.

Matches are leftmost-longest over all surface forms, so 南苏丹 beats 苏丹, 印度尼西亚 beats
印度, and blocker strings (朝鲜半岛, 发展中国家) swallow the state names inside them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick_rs

from pipeline._data import member_states, organizations


@dataclass(frozen=True, slots=True)
class Name:
    """What a surface form names."""

    canonical: str  # the value reported: canonical Chinese name
    key: str  # stable English key
    kind: str  # "member_state" | "organization" | "" for blockers
    short_form: bool = True  # the surface is itself an accepted short name


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    surface: str
    name: Name


class Gazetteer:
    """A leftmost-longest multi-pattern matcher over a fixed set of names."""

    def __init__(self, names: dict[str, Name]) -> None:
        self._surfaces = list(names)
        self._names = [names[surface] for surface in self._surfaces]
        self._automaton = ahocorasick_rs.AhoCorasick(self._surfaces, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)

    def find(self, text: str) -> Iterator[Hit]:
        """Non-overlapping leftmost-longest hits; blocker hits are consumed and not reported."""
        for index, start, end in self._automaton.find_matches_as_indexes(text):
            name = self._names[index]
            if name.kind:
                yield Hit(start, end, self._surfaces[index], name)

    def names(self, text: str) -> list[tuple[int, int, str]]:
        """``find`` as (start, end, canonical name) of each hit: lighter, for many hits."""
        names = self._names
        return [
            (start, end, names[index].canonical)
            for index, start, end in self._automaton.find_matches_as_indexes(text)
            if names[index].kind
        ]


@lru_cache(maxsize=1)
def states() -> Gazetteer:
    """Member and observer states (UNTERM short and formal names, aliases, known misspellings)."""
    names: dict[str, Name] = {}
    for key, canonical, _status, surfaces in member_states.STATES:
        for surface, short in surfaces:
            value = surface if short else canonical
            names[surface] = Name(value, key, "member_state", short)
    for blocker in member_states.BLOCKERS:
        names.setdefault(blocker, Name("", "", ""))
    return Gazetteer(names)


@lru_cache(maxsize=1)
def bodies() -> Gazetteer:
    """UN organs, subsidiary bodies, agencies, funds and programmes, and other organizations."""
    names: dict[str, Name] = {}
    for english, canonical, aliases in organizations.ORGANIZATIONS:
        for surface in (canonical, *aliases):
            names.setdefault(surface, Name(canonical, english, "organization"))
    for blocker in organizations.BLOCKERS:
        names.setdefault(blocker, Name("", "", ""))
    return Gazetteer(names)
