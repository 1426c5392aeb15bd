"""The Chinese profile: lexicons and rule tables for Chinese UN resolutions of every organ and era."""

from __future__ import annotations

import re

from pipeline._text import HAN
from pipeline.footnotes import MarkerGrammar
from pipeline.profile import Profile, Rule
from pipeline.symbols import find_symbols
from pipeline.zh import citations, gazetteers, layouts, lexicon, taggers, votes
from pipeline.zh.script import simplified_view
from pipeline.zh.spacing import spacing

#: A footnote marker printed as a plain number after a word or punctuation (``报告1``, ``内容2,3``,
#: ``报告1/``), not before a unit (``45天``).
_MARKERS = MarkerGrammar(
    glued=re.compile(
        # the digit first, the character before it checked behind: the regex engine skips to digits
        rf"(?P<n>\d(?<=[{HAN}，。；：,.;:、)）」』”]\d)\d{{0,3}}(?:[,，]\d{{1,3}})*)(?:/(?![\dA-Za-z]))?"
        rf"(?=$|[\s，。；：,.;:、)）(（{HAN}])",
        re.MULTILINE,
    ),
    not_before=lexicon.UNITS,
)


def _continues(previous: str, line: str, _broke: bool, complete: bool) -> bool:
    """In Chinese a line ends its paragraph unless the paragraph is not complete yet (a page break
    lost in a copy can cut a paragraph anywhere), or the line opens a paragraph of its own; but a
    line that a text layer cut inside a phrase goes on, whatever word it starts with (``…第338(1973)号``
    / ``决议所采取…``, ``…以及`` / ``决定…``)."""
    if complete:
        return False
    return _cut_inside(previous, line) or not lexicon.PARAGRAPH_OPENERS.match(line)


#: A number's ``号`` before what it numbers: ``号`` / ``决议``, ``决定``, ``文件``, ``主席声明``.
_NUMBERED = re.compile(r"^(?:决议|決議|决定|決定|文件|主席声明|主席聲明|报告|報告)")


#: Words that want the next one: ``表示`` / ``关切``, ``深表`` / ``遗憾``.
_WANTING = ("表示", "深表", "以及", "并且", "並且", "或者")


def _cut_inside(previous: str, line: str) -> bool:
    end = previous[-1:]
    if end in _DANGLING_CHARS or end in "、《（(第" or previous.endswith(_WANTING):
        return True
    return end in "号號" and _NUMBERED.match(line) is not None


def _glue(before: str, after: str) -> str:
    """No space between Chinese pieces; one between two Latin words."""
    space = before[-1:].isascii() and before[-1:].isalnum() and after[:1].isascii() and after[:1].isalpha()
    return f"{before} {after}" if space else before + after


#: Characters a Chinese text does not stop on: a range, a list or a phrase goes on (``…自2007年1月1日至``).
_DANGLING_CHARS = frozenset("至自于和及与的对从在将以")


def _dangling(text: str) -> bool:
    return text[-1:] in _DANGLING_CHARS


def _never(_text: str) -> bool:
    return False


PROFILE = Profile(
    code="zh",
    furniture=layouts.FURNITURE,
    footnote_lines=layouts.FOOTNOTES,
    spacing=spacing,
    markers=_MARKERS,
    continues=_continues,
    glue=_glue,
    terminal=lexicon.TERMINAL,
    dangling=_dangling,
    scattered_word=None,
    split_run_on=layouts.SPLIT_RUN_ON,
    split_run_on_hint=layouts.SPLIT_RUN_ON_HINT,
    formulas=layouts.FORMULAS,
    header=layouts.HEADER,
    fused_header=layouts.FUSED_HEADER,
    closing=layouts.CLOSING,
    item_headings=layouts.ITEM_HEADINGS,
    annex=(Rule("any", lexicon.ANNEX, "annex"),),
    labels=layouts.LABELS,
    label_twins=layouts.LABEL_TWINS,
    preamble_openers=lexicon.PREAMBLE_OPENERS,
    operative_openers=lexicon.OPERATIVE_OPENERS,
    preamble_end=lexicon.PREAMBLE_END,
    operative_end=lexicon.OPERATIVE_END,
    heading_max=25,
    foreign=_never,
    vote_note=votes.vote_note,
    flags_latin_words=True,
    taggers=(
        find_symbols,
        citations.find_citations,
        taggers.date_mentions,
        taggers.title_mentions,
        taggers.name_mentions,
        taggers.session_mentions,
        taggers.agenda_mentions,
        taggers.meeting_mentions,
    ),
    split_sponsors=gazetteers.split_sponsors,
    organs=lexicon.ORGANS,
    processing_script=simplified_view,
)
