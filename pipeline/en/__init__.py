"""The English profile: lexicons and rule tables for English UN resolutions, as official PDFs give
them through pdftotext and as OCR gives the annual volumes."""

from __future__ import annotations

import re

from pipeline.en import citations, gazetteers, layouts, lexicon, taggers, votes
from pipeline.footnotes import MarkerGrammar
from pipeline.profile import Profile, Rule
from pipeline.symbols import find_symbols

_MARKERS = MarkerGrammar(
    # each pattern opens with a digit and checks what stands before it behind: the regex engine
    # skips from digit to digit
    glued=re.compile(
        r"(?P<n>\d(?:(?<=[a-z)\]”\"’]\d)|(?<=[a-z0-9)\]”\"’][.,;:]\d)|(?<=\s[,;:]\d))\d{0,2})(?=$|[\s,.;:)])"
    ),
    # ``1/``: how the UN printed markers in the 1990s
    spaced=re.compile(r"(?P<n>\d(?<=[A-Za-z)\]”\"’.,;:] \d)\d{0,2})/?(?=$|[,.;:)]|\s+[a-z])"),
    not_after=lexicon.COUNT_NOUNS,
)
_PARAGRAPH_OPENERS = re.compile(lexicon.PREAMBLE_OPENERS.pattern + "|" + lexicon.OPERATIVE_OPENERS.pattern)
#: A recital's participle as OCR garbles it (``Hai·ing``, ``Ha1•i11g``, ``Belie1•i11g``): a capitalised
#: word with a character no English word has, ending as a participle does, before a lower-case word.
_OCR_PARTICIPLE = re.compile(r"^[A-Z](?=[a-z]{0,6}[^A-Za-z\s])[^\s]{2,13}(?:ing|i11g|il1g|1ng|11g)\s+[a-z]")
_FRENCH = frozenset(
    [
        "le",
        "la",
        "les",
        "des",
        "du",
        "de",
        "et",
        "est",
        "une",
        "un",
        "aux",
        "au",
        "sur",
        "pour",
        "qui",
        "que",
        "dans",
        "par",
        "ne",
        "pas",
        "son",
        "ses",
        "sa",
        "leur",
        "leurs",
        "cette",
        "ces",
        "été",
        "conseil",
        "sécurité",
    ]
)
_ENGLISH = frozenset(
    [
        "the",
        "of",
        "and",
        "to",
        "in",
        "is",
        "that",
        "for",
        "by",
        "with",
        "on",
        "its",
        "which",
        "as",
        "be",
        "are",
        "this",
        "from",
        "at",
    ]
)
_WORD = re.compile(r"[a-zà-ÿ]+")


def _continues(previous: str, line: str, _broke: bool, complete: bool) -> bool:
    """A wrapped line goes on its paragraph; a new paragraph opens after one that is complete,
    with an opening word (a participle of the preamble, a verb of the operative part)."""
    first = line[:1]
    if first.islower() or first in ",;:)]":
        return True
    if not complete:
        return True
    if _PARAGRAPH_OPENERS.match(line) or _OCR_PARTICIPLE.match(line):
        return False
    return previous.endswith(",")


def _glue(before: str, after: str) -> str:
    """A space between wrapped lines; none after a hyphen that ends a line (*Secretary-*/*General*),
    and no hyphen either when what follows is only the end of a word a print divided
    (*manifesta-*/*tions*: a suffix that is no word of its own)."""
    if before.endswith("-") and after[:1].isalpha():
        if _WORD_END.match(after) and before[-2:-1].islower():
            return before[:-1] + after
        return before + after
    return f"{before} {after}"


#: The end of a word divided at a line's end: a suffix that stands for no word (*tions*, *ment*).
_WORD_END = re.compile(
    r"(?:tions?|sions?|ments?|ance|ence|ances|ences|ities|ity|ness|ing|ings|ively|ive|ous|ally|ly|ated|ation|"
    r"ations|ised|ized|ism|ists?|ible|able|ably)(?![A-Za-z])"
)


#: Words of the French column's resolutions, also as OCR and the old volumes print them (no accents,
#: ``c`` for ``e``): counted with the function words above.
_FRENCH_CONTENT = frozenset(
    [
        "prie",
        "demande",
        "demandent",
        "décide",
        "réaffirme",
        "reaffirme",
        "affirme",
        "affirmc",
        "rappelant",
        "notant",
        "considérant",
        "considerant",
        "exprimant",
        "ayant",
        "instamment",
        "outre",
        "nécessité",
        "necessite",
        "mesures",
        "soient",
        "prises",
        "présente",
        "presente",
        "présenter",
        "presenter",
        "aussitôt",
        "aussitot",
        "secrétaire",
        "secretaire",
        "général",
        "generale",
        "générale",
        "assemblée",
        "assemblee",
        "securite",
        "sécurité",
        "sccuritc",
        "seance",
        "séance",
        "reance",
        "adoptée",
        "adoptee",
        "adopté",
        "adopte",
        "paix",
        "voie",
        "règlement",
        "reglement",
        "hostilités",
        "hostilites",
        "parallèle",
        "parallele",
        "immédiate",
        "officiels",
        "année",
        "annee",
        "membres",
        "résolution",
        "résolutions",
        "unies",
        "également",
        "egalement",
        "contre",
        "vers",
        "entre",
        "lors",
        "avec",
        "sans",
        "tous",
        "toutes",
    ]
)
_FRENCH_HINT = re.compile(r"\b(?:les|des|du|aux|est|une|le|la|et|de|en|sur)\b")
#: The French formula as OCR reads it: ``Le C onseil de sccuritc,``, ``L' Assemblee generale,``.
_FRENCH_FORMULA = re.compile(r"^L(?:e|a|['’`])\s*(?:C\s?o\s?n\s?s\s?e\s?i\s?l|A\s?s\s?s\s?e\s?m\s?b\s?l)")
#: A short piece needs fewer French words, and no English one (``sur le 3ge parallele;``).
_SHORT_WORDS = 6


def _french(text: str) -> bool:
    """A paragraph of the French column of a bilingual volume (its formula, its paragraphs, the
    tails OCR cut from them, its notes)."""
    if _FRENCH_HINT.search(text) is None:  # most English lines: no French word at all
        return False
    if _FRENCH_FORMULA.match(text):
        return True
    words = _WORD.findall(text.lower())
    if len(words) < 3:
        return False
    french = sum(1 for w in words if w in _FRENCH or w in _FRENCH_CONTENT)
    english = sum(1 for w in words if w in _ENGLISH)
    if len(words) <= _SHORT_WORDS and english == 0:
        return french >= 2
    return french >= 3 and french > 1.5 * english


#: A text stopping on a word that wants the next one.
_DANGLING = re.compile(r"\b(?:of|the|and|for|in|to|on|by|with|a|an|its|their|between|from)$")


def _dangling(text: str) -> bool:
    return _DANGLING.search(text) is not None


def _spacing(text: str) -> str:
    return text


PROFILE = Profile(
    code="en",
    furniture=layouts.FURNITURE,
    footnote_lines=layouts.FOOTNOTES,
    spacing=_spacing,
    markers=_MARKERS,
    continues=_continues,
    glue=_glue,
    terminal=lexicon.TERMINAL,
    dangling=_dangling,
    scattered_word=re.compile(r"^[A-Za-z][A-Za-z'’-]*[,;:]?$"),
    split_run_on=layouts.SPLIT_RUN_ON,
    split_run_on_hint=layouts.SPLIT_RUN_ON_HINT,
    formulas=layouts.FORMULAS,
    header=layouts.HEADER,
    fused_header=None,
    closing=layouts.CLOSING,
    item_headings=layouts.ITEM_HEADINGS,
    annex=(Rule("any", lexicon.ANNEX, "annex"),),
    labels=layouts.LABELS,
    label_twins=layouts.LABEL_TWINS,
    preamble_openers=lexicon.PREAMBLE_OPENERS,
    operative_openers=lexicon.OPERATIVE_OPENERS,
    preamble_end=lexicon.PREAMBLE_END,
    operative_end=lexicon.OPERATIVE_END,
    heading_max=80,
    foreign=_french,
    vote_note=votes.vote_note,
    flags_latin_words=False,
    taggers=(
        find_symbols,
        citations.find_citations,
        taggers.date_mentions,
        taggers.instrument_mentions,
        taggers.name_mentions,
        taggers.session_mentions,
        taggers.agenda_mentions,
        taggers.meeting_mentions,
    ),
    split_sponsors=gazetteers.split_sponsors,
    organs=lexicon.ORGANS,
)
