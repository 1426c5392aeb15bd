"""Gazetteer matching: names of states and bodies with one Aho-Corasick pass per gazetteer.

Matches are leftmost-longest over all surface forms, so 南苏丹 beats 苏丹, 印度尼西亚 beats 印度, and
blocker strings (朝鲜半岛, *Gulf of Guinea*) swallow the names inside them. In languages written
with spaces a hit must also stand between word boundaries (*Oman* is not in *woman*).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import cast

import ahocorasick_rs

from pipeline.profile import Mention


@dataclass(frozen=True, slots=True)
class Name:
    """What a surface form names."""

    canonical: str  # the value reported
    key: str  # stable key (English name)
    kind: str  # "member_state" | "organization" | "" for blockers
    iso3: str | None = None


@dataclass(frozen=True, slots=True)
class Hit:
    start: int
    end: int
    surface: str
    name: Name


class Gazetteer:
    """A leftmost-longest multi-pattern matcher over a fixed set of names."""

    def __init__(self, names: dict[str, Name], *, words: bool = False, ignore_case: bool = False) -> None:
        self._surfaces = list(names)
        self._names = [names[surface] for surface in self._surfaces]
        self._words = words
        #: Per surface: the rest of its mention (type, value, organ, ISO-3), empty for a blocker.
        self._rows: list[tuple[str, str, None, str | None] | tuple[()]] = [
            (name.kind, name.canonical, None, name.iso3) if name.kind else () for name in self._names
        ]
        self._automaton = ahocorasick_rs.AhoCorasick(self._surfaces, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)

    def find(self, text: str) -> Iterator[Hit]:
        """Non-overlapping leftmost-longest hits; blocker hits are consumed and not reported."""
        for index, start, end in self._automaton.find_matches_as_indexes(text):
            name = self._names[index]
            if name.kind and (not self._words or _bounded(text, start, end)):
                yield Hit(start, end, self._surfaces[index], name)

    def names(self, text: str) -> list[tuple[int, int, Name]]:
        """``find`` as (start, end, name) of each hit: lighter, for many hits."""
        names = self._names
        words = self._words
        return [
            (start, end, names[index])
            for index, start, end in self._automaton.find_matches_as_indexes(text)
            if names[index].kind and (not words or _bounded(text, start, end))
        ]

    def mentions(self, text: str, etype: str) -> list[Mention]:
        """``find`` as mentions of type ``etype`` (value: the canonical name; extra: the ISO-3 code)."""
        names = self._names
        words = self._words
        return [
            Mention(start, end, etype, names[index].canonical, None, names[index].iso3)
            for index, start, end in self._automaton.find_matches_as_indexes(text)
            if names[index].kind and (not words or _bounded(text, start, end))
        ]

    def typed_mentions(self, text: str) -> list[Mention]:
        """``mentions`` where each name gives its own type (a gazetteer of several kinds)."""
        rows = self._rows
        # A mention is a plain tuple in Mention's field order: tuples are built in C, a
        # NamedTuple through its Python constructor, and most entities come from here.
        return cast(
            list[Mention],
            [
                (start, end, *rows[index])
                for index, start, end in self._automaton.find_matches_as_indexes(text)
                if rows[index] and (not self._words or _bounded(text, start, end))
            ],
        )


def combined(*tables: tuple[dict[str, Name], tuple[str, ...]], words: bool = False) -> Gazetteer:
    """One gazetteer over several kinds of names, each with its blockers: one pass finds them all.

    Leftmost-longest over the union gives what separate passes give when each swallows the
    other's names that contain its own (中国共产党 is an organization and no State in it), at the
    cost of one pass. A name always wins over a blocker of another kind."""
    table: dict[str, Name] = {}
    for _names, blockers in tables:
        for blocker in blockers:
            table.setdefault(blocker, Name("", "", ""))
    for names, _blockers in tables:
        for surface, name in names.items():
            if not table.get(surface, Name("", "", "")).kind:
                table[surface] = name
    return Gazetteer(table, words=words)


def with_blockers(
    names: dict[str, Name], blockers: Iterable[str], others: Iterable[str], *, words: bool = False
) -> Gazetteer:
    """A gazetteer of ``names`` whose blockers are ``blockers`` and those of ``others`` (the names of
    another kind) that contain one of ``names``: a State's gazetteer that passes over the bodies named
    after a State, a body's that passes over the States named after a body."""
    probe = Gazetteer(names, words=words)
    table = dict(names)
    for blocker in blockers:
        table.setdefault(blocker, _BLOCKER)
    for other in others:
        if other not in names and next(probe.find(other), None) is not None:
            table.setdefault(other, _BLOCKER)
    return Gazetteer(table, words=words)


def split_names(
    text: str, gazetteer: Gazetteer, *, separators: re.Pattern[str], pieces: re.Pattern[str], tidy: Callable[[str], str]
) -> tuple[list[str], list[str]]:
    """A list of names (a sponsor list) split by gazetteer matching, never on a word inside a name
    (*Bosnia and Herzegovina*, 波斯尼亚和黑塞哥维那): the canonical names in order, with the pieces no
    name matched among them as printed (split on ``pieces``, tidied by ``tidy``), and those pieces
    again on their own. What lies between two names and matches ``separators`` is no piece."""
    names: list[str] = []
    unknown: list[str] = []

    def leftover(gap: str) -> None:
        if separators.match(gap):
            return
        for raw in pieces.split(gap):
            piece = tidy(raw)
            if piece:
                names.append(piece)
                unknown.append(piece)

    position = 0
    for hit in gazetteer.find(text):
        leftover(text[position : hit.start])
        names.append(hit.name.canonical)
        position = hit.end
    leftover(text[position:])
    return names, unknown


_BLOCKER = Name("", "", "")


def _bounded(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is not glued to letters or digits on either side; a digit after a
    name ending in a letter is a footnote marker a text layer fused to it (*Oversight Services4*)."""
    if start > 0 and text[start - 1].isalnum():
        return False
    return end >= len(text) or not (text[end].isalpha() or (text[end].isdigit() and text[end - 1].isdigit()))
