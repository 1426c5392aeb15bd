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

import re
from dataclasses import dataclass, field
from typing import Any

from pipeline._text import last_char
from pipeline.profile import Profile, Rule, first_match

#: How a line of a wrapped list ends.
_LIST_ENDS = ("、", "，", ",")
#: Fewest pieces, longest mean piece, of a line of a wrapped list of names.
_LIST_MIN, _LIST_PIECE_MAX = 3, 40
#: Longest line that can be the rest of a wrapped title.
_TITLE_MAX = 200
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
    header = _Matcher(profile)
    pieces = [(index, piece) for index, text in enumerate(texts) for piece in _unfused(text, profile, header)]
    for index, text in pieces:
        previous = head.lines[-1] if head.lines else None
        if previous is not None and _continues(previous, text, profile, header):
            previous.text = profile.glue(previous.text, text)
            previous.blocks.append(index)
            if (found := first_match(profile.header, previous.text)) is not None:
                previous.role = found[0].role
                _set(head.facts, dict(found[0].sets(found[1])), override=True)
            elif previous.role == "title":
                head.facts["title"] = previous.text
            continue
        found = header(text)
        if found is None:
            role = _follower(previous, head.facts)
            if role:
                head.facts.setdefault(role, text)
            head.lines.append(HeaderLine(text, role, [index]))
            continue
        rule, m = found
        head.lines.append(HeaderLine(text, rule.role, [index]))
        if rule.role == "sponsors" and (joined := _list_lead(head, profile)) is not None:
            rule, m = joined
        _set(head.facts, dict(rule.sets(m)))
    _recitals(head, profile)
    if head.facts.get("doc_type") == "draft_resolution" and "title" not in head.facts:
        _draft_title(head, profile)
    return head


def _list_lead(head: Masthead, profile: Profile) -> tuple[Rule, re.Match[str]] | None:
    """A sponsor list whose last line alone matched its row (``…, Viet Nam and Yemen: draft
    resolution``): the unmatched lines of names before it are its start. Returns the row matched
    on the whole list, or None when nothing stands before it."""
    last = head.lines[-1]
    lead: list[HeaderLine] = []
    for line in reversed(head.lines[:-1]):
        if line.role is not None or not _names_list(line.text):
            break
        lead.insert(0, line)
    if not lead:
        return None
    text = lead[0].text
    for line in [*lead[1:], last]:
        text = profile.glue(text, line.text)
    found = first_match(profile.header, text)
    if found is None or found[0].role != "sponsors":
        return None
    blocks = [index for line in lead for index in line.blocks] + last.blocks
    del head.lines[-len(lead) - 1 :]
    head.lines.append(HeaderLine(text, "sponsors", blocks))
    return found


def _names_list(text: str) -> bool:
    """A line of a wrapped list of names: two separators or more, short pieces between them."""
    pieces = [piece for piece in re.split(r"[,、，]", text) if piece.strip()]
    return len(pieces) >= _LIST_MIN and len(text) / len(pieces) <= _LIST_PIECE_MAX


def _draft_title(head: Masthead, profile: Profile) -> None:
    """A draft's title: the lines left over at the end of the masthead, joined."""
    run: list[HeaderLine] = []
    for line in reversed(head.lines):
        if line.role is not None:
            break
        run.insert(0, line)
    if not run:
        return
    title = run[0].text
    for line in run[1:]:
        title = profile.glue(title, line.text)
    first = run[0]
    first.role, first.text = "title", title
    for line in run[1:]:
        first.blocks.extend(line.blocks)
        head.lines.remove(line)
    head.facts["title"] = title


def _follower(previous: HeaderLine | None, facts: dict[str, Any]) -> str | None:
    """The role a line takes from the line before it: the title after a number alone (``69/1.``),
    the agenda title after the agenda item."""
    if previous is None:
        return None
    if previous.role == "title" and "title" not in facts:
        return "title"
    if previous.role == "agenda_item" and "agenda_title" not in facts:
        return "agenda_title"
    return None


class _Matcher:
    """``first_match`` of the header rows, remembered per text (each line is asked twice)."""

    __slots__ = ("_found", "_rules")

    def __init__(self, profile: Profile) -> None:
        self._rules = profile.header
        self._found: dict[str, tuple[Rule, re.Match[str]] | None] = {}

    def __call__(self, text: str) -> tuple[Rule, re.Match[str]] | None:
        if text in self._found:
            return self._found[text]
        found = self._found[text] = first_match(self._rules, text)
        return found


def _unfused(text: str, profile: Profile, header: _Matcher) -> list[str]:
    """A line holding two masthead lines (``28 January 2015第六十九届会议``), as two lines."""
    if profile.fused_header is None or header(text):
        return [text]
    m = profile.fused_header.match(text)
    if m is None or not header(m.group("a")):
        return [text]
    return [m.group("a"), m.group("b")]


def _continues(previous: HeaderLine, text: str, profile: Profile, header: _Matcher) -> bool:
    """Whether ``text`` is the rest of the masthead line ``previous``, wrapped."""
    return _cut_fact(previous, text) or _wrapped_list(previous, text) or _wrapped_title(previous, text, profile, header)


def _cut_fact(previous: HeaderLine, text: str) -> bool:
    """A fact cut after *on*, *of* or a comma (*Adopted … at its 4385th meeting, on* / the date), or
    a line going on in lower case (*and Uzbekistan: draft resolution*)."""
    if previous.role not in (None, "title", "sponsors") and previous.text.endswith((" on", " of", " by", ",")):
        return True
    return text[:1].islower() and previous.role in (None, "title", "sponsors", "adoption", "report_reference")


def _wrapped_list(previous: HeaderLine, text: str) -> bool:
    """A sponsor list wrapped after a separator (``…、`` / ``、…``)."""
    if previous.role != "sponsors" and not (previous.role is None and previous.text.endswith(_LIST_ENDS)):
        return False
    return previous.text.endswith(_LIST_ENDS) or text.startswith(("、", ","))


def _wrapped_title(previous: HeaderLine, text: str, profile: Profile, header: _Matcher) -> bool:
    """A title wrapped onto this line: after a word that wants the next (*of the* / *United
    Nations*), or, for the title itself, any line that is no other fact and no paragraph."""
    if previous.role not in ("title", "agenda_title"):
        return False
    if profile.dangling(previous.text):
        return True
    if previous.role == "agenda_title" or last_char(previous.text) in profile.terminal:
        return False
    if header(text) or first_match(profile.formulas, text):
        return False
    opens_paragraph = profile.preamble_openers.match(text) or profile.operative_openers.match(text)
    return not opens_paragraph and len(text) < _TITLE_MAX


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
