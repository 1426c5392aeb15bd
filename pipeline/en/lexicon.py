"""English words of UN resolutions: organs, committees, ordinal numbers, the verbs that open
paragraphs, and the words after which a number is a quantity, not a footnote marker."""

from __future__ import annotations

import re

GA, HRC, SC = "General Assembly", "Human Rights Council", "Security Council"
ECOSOC, TC = "Economic and Social Council", "Trusteeship Council"
CHR = "Commission on Human Rights"
SUB = "Sub-Commission on the Promotion and Protection of Human Rights"

ORGANS: dict[str, str] = {
    "General Assembly": GA,
    "Security Council": SC,
    "Human Rights Council": HRC,
    "Economic and Social Council": ECOSOC,
    "Trusteeship Council": TC,
    "Commission on Human Rights": CHR,
    "Sub-Commission on the Promotion and Protection of Human Rights": SUB,
    "Sub-Commission on Prevention of Discrimination and Protection of Minorities": SUB,
    "Sub-Commission": SUB,
}
ORGAN_ALTERNATION = "|".join(sorted((re.escape(o) for o in ORGANS if o != "Sub-Commission"), key=len, reverse=True))

COMMITTEES: dict[str, str] = {
    name: name
    for name in (
        "First Committee",
        "Second Committee",
        "Third Committee",
        "Fourth Committee",
        "Fifth Committee",
        "Sixth Committee",
        "Special Political Committee",
        "Special Political and Decolonization Committee",
        "Ad Hoc Political Committee",
    )
}
COMMITTEE_ALTERNATION = "|".join(sorted(COMMITTEES, key=len, reverse=True))

_UNITS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_TEENS = (
    "tenth",
    "eleventh",
    "twelfth",
    "thirteenth",
    "fourteenth",
    "fifteenth",
    "sixteenth",
    "seventeenth",
    "eighteenth",
    "nineteenth",
)
_TENS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_TENTHS = ("twentieth", "thirtieth", "fortieth", "fiftieth", "sixtieth", "seventieth", "eightieth", "ninetieth")
_HUNDREDS = ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_BELOW_HUNDRED = (
    r"(?:(?:" + "|".join(_TENS) + r")-(?:" + "|".join(_UNITS) + r")|" + "|".join((*_TENTHS, *_TEENS, *_UNITS)) + ")"
)
#: An ordinal in words up to the 999th: *sixty-ninth*, *Two hundred and seventh* (a plenary meeting of 1948).
ORDINAL = re.compile(
    r"(?:(?:"
    + "|".join(_HUNDREDS)
    + r")\s+hundred(?:th|(?:\s+and)?\s+"
    + _BELOW_HUNDRED
    + r")|"
    + _BELOW_HUNDRED
    + ")",
    re.IGNORECASE,
)
_CARDINALS = {
    "none": 0,
    "no": 0,
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
}


def ordinal_to_int(word: str) -> int | None:
    """``sixty-ninth`` -> 69, ``twenty-first`` -> 21, ``fifteenth`` -> 15, ``4385th`` -> 4385."""
    word = re.sub(r"\s+", " ", word.lower().strip())
    if m := re.fullmatch(r"(\d+)(?:st|nd|rd|th|d)", word):
        return int(m.group(1))
    if m := re.fullmatch(r"(\w+) hundred(th|(?: and)? (.+))", word):
        return _hundreds(m)
    if word in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[word]
    tens, _, unit = word.partition("-")
    if tens in _TENS and unit in _UNITS:
        return 10 * (_TENS.index(tens) + 2) + _UNITS.index(unit) + 1
    return None


_ORDINAL_WORDS = {
    **{w: i + 1 for i, w in enumerate(_UNITS)},
    **{w: i + 10 for i, w in enumerate(_TEENS)},
    **{w: 10 * (i + 2) for i, w in enumerate(_TENTHS)},
}


def _hundreds(m: re.Match[str]) -> int | None:
    """``two hundred and seventh`` -> 207, ``three hundredth`` -> 300."""
    rest = 0 if m.group(2) == "th" else ordinal_to_int(m.group(3) or "")
    if m.group(1) not in _HUNDREDS or rest is None:
        return None
    return 100 * (_HUNDREDS.index(m.group(1)) + 1) + rest


def cardinal_to_int(word: str) -> int | None:
    """``13`` -> 13, ``none`` -> 0, ``two`` -> 2."""
    word = word.lower().strip()
    return int(word) if word.isdigit() else _CARDINALS.get(word)


_ADVERBS = (
    r"(?:(?:Also|Further|Furthermore|Again|Once again|Strongly|Solemnly|Firmly|Deeply|Gravely|Seriously|Profoundly|"
    r"Greatly|Fully|Keenly|Urgently|Equally|Likewise|Finally|Moreover|Hereby|Most|Particularly|Especially)\s+)?"
)
#: Verbs that open an operative paragraph and never a preambular one.
OPERATIVE_OPENERS = re.compile(
    r"^(?:and\s+)?"
    + _ADVERBS
    + r"(?i:Decides|Resolves|Requests|Calls upon|Calls on|Urges|Demands|Authorizes|Appoints|Approves|Endorses|Declares|"
    r"Proclaims|Invites|Recommends|Encourages|Condemns|Deplores|Appeals|Instructs|Designates|Elects|Admits|Adopts|"
    r"Takes note|Expresses|Emphasizes|Stresses|Underlines|Underscores|Reiterates|Reaffirms|Welcomes|Commends|"
    r"Notes|Acknowledges|Affirms|Confirms|Supports|Agrees|Considers|Determines|Insists|Exhorts|Directs|Requires|"
    r"Renews|Extends|Establishes|Concludes|Regrets|Censures|Salutes|Thanks|Pays tribute|Provided)\b"
)
#: Words that open a preambular paragraph: participles and adjectives of the recitals.
PREAMBLE_OPENERS = re.compile(
    r"^(?:and\s+)?"
    + _ADVERBS
    + r"(?i:[a-z]+ing\b|Aware|Mindful|Conscious|Convinced|Concerned|Alarmed|Determined|Desirous|Cognizant|"
    r"Gravely|Seriously|Profoundly|Greatly|Fully|Keenly|Acting|Bearing in mind|Having|Guided|Inspired|Encouraged|"
    r"Disturbed|Appalled|Outraged|Shocked|Dismayed|Saddened|Emphasizing|Whereas|Considering|Recognizing|Noting|"
    r"Recalling|Reaffirming|Taking|Welcoming|Expressing|Underlining|Stressing|Believing|Deploring|Condemning|"
    r"Affirming|Acknowledging|Regretting|Observing|Viewing|Committed|Reiterating)\b"
)
ANNEX = re.compile(r"^(?:Annex|ANNEX|Appendix)(?:\s+[IVX\d]+)?$")
PREAMBLE_END = frozenset(",")
OPERATIVE_END = frozenset(";.:")
TERMINAL = PREAMBLE_END | OPERATIVE_END | frozenset("!?")
#: Words after which a number is a quantity, a reference or part of a list, not a footnote marker.
COUNT_NOUNS = frozenset(
    [
        "paragraph",
        "paragraphs",
        "para",
        "paras",
        "resolution",
        "resolutions",
        "decision",
        "decisions",
        "article",
        "articles",
        "chapter",
        "chapters",
        "item",
        "items",
        "rule",
        "rules",
        "annex",
        "annexes",
        "section",
        "sections",
        "part",
        "parts",
        "page",
        "pages",
        "no",
        "nos",
        "number",
        "numbers",
        "principle",
        "principles",
        "goal",
        "goals",
        "target",
        "targets",
        "phase",
        "point",
        "points",
        "volume",
        "vol",
        "protocol",
        "recommendation",
        "recommendations",
        "grade",
        "level",
        "figure",
        "table",
        "category",
        "step",
        "option",
        "year",
        "years",
        "day",
        "days",
        "month",
        "months",
        "week",
        "weeks",
        "hour",
        "hours",
        "session",
        "sessions",
        "meeting",
        "meetings",
        "group",
        "groups",
        "class",
        "list",
        "and",
        "or",
        "to",
        "of",
        "than",
        "from",
        "between",
        "with",
        "the",
        "a",
        "an",
        "by",
        "in",
        "at",
        "on",
        "for",
        "under",
        "over",
        "about",
        "some",
        "all",
        "any",
        "every",
        "per",
        "cent",
        "percent",
        "million",
        "billion",
        "thousand",
        "hundred",
        "plus",
        "minus",
        "version",
        "no.",
        "approximately",
        "nearly",
        "least",
        "most",
        "around",
        "up",
        "down",
        "within",
        "add",
        "rev",
        "corr",
        "amend",
        "suppl",
        "art",
        "arts",
        "sect",
        "chap",
        "pp",
        "p",
    ]
)
