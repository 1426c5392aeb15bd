"""Gazetteer matching: member states and UN bodies with one Aho-Corasick pass each.

Matches are leftmost-longest over all surface forms, so 南苏丹 beats 苏丹, 印度尼西亚 beats
印度, and blocker strings (朝鲜半岛, 发展中国家) swallow the state names inside them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick

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
        self._automaton = ahocorasick.Automaton()
        for surface, name in names.items():
            self._automaton.add_word(surface, (surface, name))
        self._automaton.make_automaton()

    def find(self, text: str) -> Iterator[Hit]:
        """Non-overlapping leftmost-longest hits; blocker hits are consumed and not reported."""
        for end_index, (surface, name) in self._automaton.iter_long(text):
            if name.kind:
                yield Hit(end_index - len(surface) + 1, end_index + 1, surface, name)

    def names(self, text: str) -> list[tuple[int, int, str]]:
        """``find`` as (start, end, canonical name) of each hit: lighter, for many hits."""
        return [
            (end_index - len(surface) + 1, end_index + 1, name.canonical)
            for end_index, (surface, name) in self._automaton.iter_long(text)
            if name.kind
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
