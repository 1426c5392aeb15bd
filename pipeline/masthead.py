"""The masthead: every line before the enacting formula, read with the profile's header rules.

Each line gets a role (session, committee, agenda item, sponsors, title, adoption, symbol…) from the
first header row that matches it, and the row's facts go into the document's facts (the first
value of a fact wins). A few things hold across rows and languages: a title or a sponsor list
wrapped over several lines is one line; the line after the agenda item is its title; a draft's
title is the last line left before the formula; a line that reads like a preambular paragraph
(the first GA sessions and early Security Council resolutions put recitals before the formula) is
a preambular paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline._text import last_char
from pipeline.profile import Profile, first_match

#: Shortest text that can be a preambular paragraph standing before the formula.
_RECITAL_MIN = 12


@dataclass(slots=True)
class HeaderLine:
    """One masthead line: its text (possibly several joined lines), role and source block indexes."""

    text: str
    role: str | None
    blocks: list[int]


@dataclass(slots=True)
class Masthead:
    lines: list[HeaderLine] = field(default_factory=list)
    facts: dict[str, Any] = field(default_factory=dict)


def read_masthead(texts: list[str], profile: Profile) -> Masthead:
    """Roles and facts of the header lines ``texts`` (in order)."""
    head = Masthead()
    pieces = [(index, piece) for index, text in enumerate(texts) for piece in _unfused(text, profile)]
    for index, text in pieces:
        previous = head.lines[-1] if head.lines else None
        if previous is not None and _continues(previous, text, profile):
            previous.text = profile.glue(previous.text, text)
            previous.blocks.append(index)
            if previous.role in ("title", "sponsors"):
                _set(head.facts, _reread(previous, profile), override=True)
            continue
        found = first_match(profile.header, text)
        if found is None:
            role = "agenda_title" if previous is not None and previous.role == "agenda_item" else None
            if role:
                head.facts.setdefault("agenda_title", text)
            head.lines.append(HeaderLine(text, role, [index]))
            continue
        rule, m = found
        head.lines.append(HeaderLine(text, rule.role, [index]))
        _set(head.facts, dict(rule.sets(m)))
    _recitals(head, profile)
    if head.facts.get("doc_type") == "draft_resolution" and "title" not in head.facts:
        for line in reversed(head.lines):
            if line.role is None:
                line.role = "title"
                head.facts["title"] = line.text
                break
    return head


def _unfused(text: str, profile: Profile) -> list[str]:
    """A line holding two masthead lines (``28 January 2015第六十九届会议``), as two lines."""
    if profile.fused_header is None or first_match(profile.header, text):
        return [text]
    m = profile.fused_header.match(text)
    if m is None or not first_match(profile.header, m.group("a")):
        return [text]
    return [m.group("a"), m.group("b")]


def _continues(previous: HeaderLine, text: str, profile: Profile) -> bool:
    """A title or sponsor list wrapped onto this line."""
    if previous.role == "sponsors" or (previous.role is None and previous.text.endswith(("、", "，", ","))):
        return previous.text.endswith(("、", "，", ",")) or text.startswith(("、", ","))
    if previous.role != "title" or first_match(profile.header, text):
        return False
    if last_char(previous.text) in profile.terminal or last_char(text) in profile.terminal:
        return False
    if profile.preamble_openers.match(text) or profile.operative_openers.match(text):
        return False
    return len(text) < 200 and not first_match(profile.formulas, text)


def _reread(line: HeaderLine, profile: Profile) -> dict[str, Any]:
    """The facts of a line that grew by a continuation."""
    found = first_match(profile.header, line.text)
    if found is None:
        return {"title": line.text} if line.role == "title" else {}
    rule, m = found
    return dict(rule.sets(m))


def _recitals(head: Masthead, profile: Profile) -> None:
    """Unmatched lines that read like preambular paragraphs become recitals."""
    for line in head.lines:
        if line.role is not None or len(line.text) < _RECITAL_MIN:
            continue
        end = last_char(line.text)
        if end in profile.preamble_end or (end in profile.operative_end and profile.preamble_openers.match(line.text)):
            line.role = "recital"


def _set(facts: dict[str, Any], sets: dict[str, Any], *, override: bool = False) -> None:
    for key, value in sets.items():
        if value is None:
            continue
        if override or key not in facts:
            facts[key] = value
