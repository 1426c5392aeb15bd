"""What a language gives the stages: the ``Profile``, and the rule rows its tables are made of.

The stages (clean, segment, extract) are language-neutral engines; everything they need to know
about a language — its organ names, enacting formulas, numbering styles, numerals, date and
citation grammars, adoption and vote phrases, page furniture, spacing, gazetteers — comes from
one ``Profile`` (``pipeline/zh``, ``pipeline/en``). What is specific to a layout (modern GA and
HRC masthead, committee drafts, Security Council resolutions in the modern and in the yearbook
layout, the first GA sessions…) is written as rows of rule tables: each row names its layout, the
pattern it matches, the role of the line it matches and what it sets. A new language is a new
profile package and new rows, never an edit of the stages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from pipeline.footnotes import MarkerGrammar

#: What a row sets: facts read off the match (``{"session": 75, "body": "General Assembly"}``).
Setter = Callable[[re.Match[str]], Mapping[str, Any]]


def nothing(_m: re.Match[str]) -> Mapping[str, Any]:
    """A row that only gives the line its role."""
    return {}


@dataclass(frozen=True, slots=True)
class Rule:
    """One row of a rule table: in layout ``layout``, a line matching ``pattern`` has role ``role``
    and sets what ``sets`` reads off the match. Tables are tried in order; the first row wins."""

    layout: str
    pattern: re.Pattern[str]
    role: str
    sets: Setter = nothing

    def match(self, line: str) -> re.Match[str] | None:
        return self.pattern.match(line)


def first_match(rules: tuple[Rule, ...], line: str) -> tuple[Rule, re.Match[str]] | None:
    """The first row of ``rules`` whose pattern matches ``line`` (at its start), with the match.

    Most lines match no row: one combined pattern of the whole table (its gate) says so in one
    step, and only a line it matches is tried row by row."""
    gate = _GATES.get(id(rules))
    if gate is None:
        gate = _gate(rules)
    if gate[1] is not None and gate[1].match(line) is None:
        return None
    for rule in rules:
        m = rule.pattern.match(line)
        if m is not None:
            return rule, m
    return None


#: id of a rule table -> (the table, kept so its id stays its own; the table's gate)
_GATES: dict[int, tuple[tuple[Rule, ...], re.Pattern[str] | None]] = {}
_NAMED_GROUP = re.compile(r"\(\?P<\w+>")
_NAMED_REFERENCE = re.compile(r"\(\?P=\w+\)")


def _gate(rules: tuple[Rule, ...]) -> tuple[tuple[Rule, ...], re.Pattern[str] | None]:
    """One pattern matching where any row of ``rules`` may match (named groups made plain)."""
    parts = []
    for rule in rules:
        pattern = _NAMED_GROUP.sub("(?:", rule.pattern.pattern)
        if _NAMED_REFERENCE.search(pattern):
            return _GATES.setdefault(id(rules), (rules, None))
        parts.append(f"(?{_flags(rule.pattern)}:{pattern})")
    try:
        gate: re.Pattern[str] | None = re.compile("|".join(parts)) if parts else None
    except re.error:
        gate = None
    return _GATES.setdefault(id(rules), (rules, gate))


def _flags(pattern: re.Pattern[str]) -> str:
    """The inline flags that scope ``pattern``'s own flags inside a combined pattern."""
    return "".join(c for flag, c in _SCOPED_FLAGS if pattern.flags & flag)


_SCOPED_FLAGS = ((re.IGNORECASE, "i"), (re.MULTILINE, "m"), (re.DOTALL, "s"), (re.VERBOSE, "x"))
_UNION_GATES: dict[tuple[int, ...], tuple[tuple[tuple[Rule, ...], ...], re.Pattern[str]]] = {}


def union_gate(*tables: tuple[Rule, ...]) -> re.Pattern[str]:
    """One pattern matching where any row of any of ``tables`` may match (named groups and
    back-references made plain: it may match more than the rows, never less)."""
    key = tuple(map(id, tables))
    found = _UNION_GATES.get(key)
    if found is None:
        parts = []
        for rule in (rule for table in tables for rule in table):
            pattern = _NAMED_REFERENCE.sub(".*?", _NAMED_GROUP.sub("(?:", rule.pattern.pattern))
            parts.append(f"(?{_flags(rule.pattern)}:{pattern})")
        gate = re.compile("|".join(parts)) if parts else re.compile(r"(?!)")
        found = _UNION_GATES.setdefault(key, (tables, gate))
    return found[1]


def build_gates(profile: Profile) -> None:
    """Build the gate of each of ``profile``'s rule tables and its label gate now, not on first use."""
    for item in fields(profile):
        table = getattr(profile, item.name)
        if (
            isinstance(table, tuple)
            and table
            and all(isinstance(row, Rule) for row in table)
            and id(table) not in _GATES
        ):
            _gate(table)
    label_gate(profile.labels)


class LabelStyle(NamedTuple):
    """A numbering style: ``1.`` (arabic), ``(a)`` (alpha), ``(i)`` (roman), ``(一)`` (cn), ``一、``…

    ``pattern`` matches the label at the start of a block with group ``n`` holding the printed
    label; ``ordinal`` turns it into its position (1-based) or None; ``operative`` says whether
    the style numbers operative paragraphs when it comes first (``1.``, ``一.``) rather than
    subparagraphs and items (``(a)``, ``(一)``, ``(甲)``); ``section`` that it numbers sections."""

    name: str
    pattern: re.Pattern[str]
    ordinal: Callable[[str], int | None]
    operative: bool = False
    section: bool = False  # numbers sections (``I.``, ``A.``): always a heading


_LABEL_GATES: dict[int, tuple[tuple[LabelStyle, ...], re.Pattern[str]]] = {}


def label_gate(labels: tuple[LabelStyle, ...]) -> re.Pattern[str]:
    """One pattern matching where any numbering style of ``labels`` opens a text."""
    found = _LABEL_GATES.get(id(labels))
    if found is None:
        pattern = "|".join(f"(?:{_NAMED_GROUP.sub('(?:', style.pattern.pattern)})" for style in labels)
        found = _LABEL_GATES.setdefault(id(labels), (labels, re.compile(pattern)))
    return found[1]


class DateMention(NamedTuple):
    start: int
    end: int
    value: str
    precision: str  # "day" | "month"


class Mention(NamedTuple):
    """A typed entity found in a text: offsets, type, normalized value, organ, extra."""

    start: int
    end: int
    type: str
    value: str | None
    body: str | None = None
    extra: str | None = None  # precision of a date, iso3 of a member state


#: Finds mentions of one or more entity types in a whole document's text.
Tagger = Callable[[str, "TagContext"], Iterator[Mention]]


@dataclass(slots=True)
class TagContext:
    """What the taggers know about the document while they run (shared across taggers)."""

    body: str | None  # the document's own organ
    symbol: str | None  # its own symbol
    year: int | None  # its adoption year, for citation checks
    seen: dict[str, str] = field(default_factory=dict)  # cited number -> organ, across the document


@dataclass(frozen=True, slots=True)
class Profile:
    """Everything the stages need to know about one language.

    Cleaning: ``furniture`` (whole lines that are page furniture; role ``page_foot`` for what only
    stands at a page's foot, the job number and the bar code: the notes above it end there, form
    feed or not), ``footnote_lines`` (footnote
    definitions: group ``n`` the number, group ``text``; role ``note`` when the shape is certain,
    ``note+`` when the note also opens the notes at the page's foot, ``note?`` when only a marker in
    the text can confirm it), ``spacing`` (where spaces go, over
    the whole text), ``markers`` (where a plain number is a footnote marker), ``continues`` (whether
    a line continues the paragraph above: previous text, next line, a break between them, whether
    the paragraph above ends as a complete one of its kind does) and
    ``glue`` (how two pieces join), ``terminal`` (how a complete paragraph may end),
    ``dangling`` (a text that stops on a word wanting the next: *…from 1 January 2007 to*, ``…至``;
    the line after it goes on, even a line shaped as a closing date), ``scattered_word`` (a word a
    text layer set alone on its line, away from its line: ``pipeline.scattered``; None where none are),
    ``split_run_on`` (where a paragraph run together with the next one is split) with
    ``split_run_on_hint``, a cheap pattern (one character class first) that matches wherever
    ``split_run_on`` does and is searched first: most documents have no run-on paragraph.

    Structure: ``formulas`` (role ``formula``; ``formula?`` for a bare organ name that is the
    formula only where a paragraph follows; sets ``body``; group ``rest`` for text fused after it),
    ``header`` (masthead rows), ``closing`` (adoption, meeting, vote and date rows),
    ``item_headings`` (what opens an item of a compilation page: role ``resolution`` or
    ``decision``, sets ``number``), ``annex``
    (what opens an annex), ``labels`` (numbering styles, most specific first) with
    ``label_twins`` (a style whose labels may be read in another: roman ``(i)`` and letter
    ``(i)``), the opening words of preambular and operative paragraphs, how each ends,
    ``heading_max``, ``foreign`` (a block in another language, set aside) and ``vote_note``
    (what a note cited by the adoption line says of the vote).

    Extraction: ``taggers`` (run over the whole text), ``split_sponsors`` (a sponsor list ->
    canonical names and unknown pieces), ``organs`` (names of organs -> English).
    """

    code: str
    # cleaning
    furniture: tuple[Rule, ...]
    footnote_lines: tuple[Rule, ...]
    spacing: Callable[[str], str]
    markers: MarkerGrammar
    continues: Callable[[str, str, bool, bool], bool]
    glue: Callable[[str, str], str]
    terminal: frozenset[str]
    dangling: Callable[[str], bool]
    scattered_word: re.Pattern[str] | None
    split_run_on: re.Pattern[str] | None
    split_run_on_hint: re.Pattern[str] | None
    # structure
    formulas: tuple[Rule, ...]
    header: tuple[Rule, ...]
    fused_header: re.Pattern[str] | None
    closing: tuple[Rule, ...]
    item_headings: tuple[Rule, ...]
    annex: tuple[Rule, ...]
    labels: tuple[LabelStyle, ...]
    label_twins: Mapping[str, str]
    preamble_openers: re.Pattern[str]
    operative_openers: re.Pattern[str]
    preamble_end: frozenset[str]
    operative_end: frozenset[str]
    heading_max: int
    foreign: Callable[[str], bool]
    vote_note: Callable[[str], Any]
    flags_latin_words: bool
    # extraction
    taggers: tuple[Tagger, ...]
    split_sponsors: Callable[[str], tuple[list[str], list[str]]]
    organs: Mapping[str, str]
    # script: a view of the text to process in (traditional -> simplified), same length, or None
    processing_script: Callable[[str], str | None] = field(default=lambda _text: None)
