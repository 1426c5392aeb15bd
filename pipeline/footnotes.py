"""Footnote markers printed as plain digits, and which footnote definitions they confirm.

A PDF text layer (or a web copy) gives a superscript marker as a plain number glued to its word
(``报告1``, ``報告書21``, ``内容2,3``, ``Response;1``) or set off by a space (``Nations 1 and``).
Such a number is a marker only when a footnote with that number is defined in the document, when
it stands where a marker stands (the profile's ``MarkerGrammar``: after a word or punctuation, not
before a unit such as 年 or 号, not after a count noun such as *paragraph*), and when it keeps to
the order of the notes: a marker is never far ahead of the highest number cited so far. Runs of
markers (``2325`` for 23 and 25) are split into defined numbers.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

#: How far a new marker may run ahead of the highest number cited so far.
_LOOKAHEAD = 3


@dataclass(frozen=True, slots=True)
class MarkerGrammar:
    """Where a plain number can be a footnote marker, in one language.

    ``glued`` finds numbers attached to the preceding character (group ``n``, possibly several
    numbers separated by commas); ``spaced`` numbers set off by a space (inside a sentence only
    the next expected number is accepted there); ``not_after`` words after which a spaced number is a quantity
    (``paragraph 1``); ``not_before`` characters that make a glued number a quantity (``45天``)."""

    glued: re.Pattern[str]
    spaced: re.Pattern[str] | None = None
    not_after: frozenset[str] = frozenset()
    not_before: frozenset[str] = frozenset()


@dataclass(slots=True)
class _Sequence:
    """The notes cited so far, to keep markers in order."""

    defined: frozenset[str]
    highest: int = 0

    def accepts(self, num: str, *, strict: bool) -> bool:
        if num not in self.defined:
            return False
        n = int(num)
        return n == self.highest + 1 if strict else n <= self.highest + _LOOKAHEAD

    def cite(self, num: str) -> None:
        self.highest = max(self.highest, int(num))


def find_markers(
    texts: Iterable[str], defined: Iterable[str], grammar: MarkerGrammar
) -> list[list[tuple[int, int, str]]]:
    """For each text (in reading order), the plain-digit markers in it: (start, end, number).

    A comma-separated run yields one marker per number, and a digit run that is no defined
    number but splits into defined ones (``2325``) yields one per part, all at the run's place."""
    numbers = frozenset(n for n in defined if n.isdigit())
    out: list[list[tuple[int, int, str]]] = []
    if not numbers:
        return [[] for _ in texts]
    sequence = _Sequence(numbers, min(int(n) for n in numbers) - 1)  # volumes number notes on and on
    for text in texts:
        found: list[tuple[int, int, str]] = []
        candidates = [(m, False) for m in grammar.glued.finditer(text)]
        if grammar.spaced is not None:
            candidates += [(m, True) for m in grammar.spaced.finditer(text)]
        candidates.sort(key=lambda c: c[0].start())
        for m, spaced in candidates:
            if _after_count_noun(text, m.start(), grammar.not_after):
                continue
            if not spaced and text[m.end() : m.end() + 1] in grammar.not_before and m.end() < len(text):
                continue
            at_end = m.end() >= len(text) or text[m.end()] in ",.;:)"
            nums = _split_run(m.group("n"), sequence, strict=spaced and not at_end)
            if nums:
                for num in nums:
                    sequence.cite(num)
                found.append((m.start("n"), m.end(), ",".join(nums)))
        out.append(found)
    return out


def _split_run(run: str, sequence: _Sequence, *, strict: bool) -> list[str]:
    """The footnote numbers a printed run stands for ([] when it is not a run of markers)."""
    parts = [p for p in re.split(r"[,，]", run) if p]
    if len(parts) > 1:
        return parts if all(sequence.accepts(p, strict=False) for p in parts) else []
    if sequence.accepts(run, strict=strict):
        return [run]
    if strict or len(run) < 3:
        return []
    for cut in range(1, len(run)):  # 2325 -> 23, 25
        head, tail = run[:cut], run[cut:]
        if sequence.accepts(head, strict=False) and tail in sequence.defined and not tail.startswith("0"):
            return [head, tail]
    return []


def _after_count_noun(text: str, start: int, nouns: frozenset[str]) -> bool:
    """Whether the word before ``text[start]`` (skipping spaces and a dot) is a count noun, or a
    part of a symbol (``Add.1``)."""
    end = start
    while end > 0 and text[end - 1] in " .":
        end -= 1
    begin = end
    while begin > 0 and text[begin - 1].isalpha():
        begin -= 1
    return text[begin:end].lower() in nouns


def remove_spans(text: str, spans: list[tuple[int, int, str]]) -> tuple[str, list[tuple[str, int]]]:
    """``text`` without the marker spans, and (number, offset) of each removed marker; a run of
    numbers (``2,3``) gives one reference per number at the same offset."""
    out: list[str] = []
    refs: list[tuple[str, int]] = []
    position = 0
    length = 0
    for start, end, nums in spans:
        piece = text[position:start]
        if piece.endswith(" ") and (end >= len(text) or text[end] in " ,.;:，。；："):
            piece = piece[:-1]  # "Nations 1 and" -> "Nations and"
        out.append(piece)
        length += len(piece)
        refs.extend((num, length) for num in nums.split(","))
        position = end
    out.append(text[position:])
    joined = "".join(out)
    stripped = joined.rstrip()
    return stripped, [(num, min(at, len(stripped))) for num, at in refs]
