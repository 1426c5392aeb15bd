"""UN document symbols: ``A/HRC/34/66/Add.1``, ``A/CONF.157/24 (Part I)``, joint symbols
``E/CN.4/2001/2-E/CN.4/Sub.2/2000/46``, elliptical ``A/69/488/Add.2 和 Corr.1`` (*and Corr.1*).

Symbols are the same in every language; only the word joining an elliptical part differs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pipeline.profile import Mention, TagContext

_COMPONENT = r"(?:E?S-\d+|(?:[A-Z]{1,6}|Sub|Add|Corr|Rev|Amend)\.\d+|[A-Z]{1,6}|\d+|Summary|Agenda)"
_PARENTHETICAL = r"(?:\s?\((?:Part|Vol\.)\s?[IVX]+\)|\s?\(SUPP\)|\s?\(\d{4}\)|\s?(?:[A-Z]\s?)?\((?:E?S-)?[IVXLC]+\))"
_ONE = rf"[A-Z]{{1,6}}(?:/{_COMPONENT})+{_PARENTHETICAL}?\*?"
#: One symbol, or two joined by a hyphen; never glued to letters, digits or ``./-`` around it.
#: (The look-behind is checked after the first capital, so that the regex engine skips ahead to
#: capitals instead of trying the pattern at every character: ``[A-Z]{1,6}`` is ``[A-Z][A-Z]{0,5}``.)
SYMBOL = re.compile(
    rf"[A-Z](?<![A-Za-z0-9./\-][A-Z])[A-Z]{{0,5}}(?:/{_COMPONENT})+{_PARENTHETICAL}?\*?(?:-{_ONE})?(?![A-Za-z0-9])"
)
#: ``和 Corr.1`` / ``and Corr.1`` after a symbol: a further document of the same root.
ELLIPTICAL = re.compile(r"\s?(?:和|及|以及|and|&)\s?((?:Add|Corr|Rev|Amend)\.\s?\d+)(?![A-Za-z0-9])")
_DOT_SPACE = re.compile(r"\.\s+(?=\d)")
_PAREN = re.compile(r"\s*\(")


def normalize_symbol(raw: str) -> str:
    """Contract form: no space after a dot, one space before a parenthetical, no reissue star."""
    return _PAREN.sub(" (", _DOT_SPACE.sub(".", raw.strip())).rstrip("*")


def is_symbol(candidate: str) -> bool:
    """A real symbol has at least two components and a digit."""
    return "/" in candidate and any(c.isdigit() for c in candidate)


def symbol_type(value: str) -> str:
    """Resolutions and decisions cited by symbol are typed as such; the rest are documents."""
    if "/RES/" in value:
        return "resolution"
    if "/DEC/" in value:
        return "decision"
    return "document_symbol"


def find_symbols(text: str, _context: TagContext) -> Iterator[Mention]:
    """Every symbol in ``text``, with the elliptical parts after it as symbols of their own."""
    for m in SYMBOL.finditer(text):
        raw = m.group()
        if not is_symbol(raw):
            continue
        value = normalize_symbol(raw)
        kind = symbol_type(value)
        yield Mention(m.start(), m.end(), kind, value, _body_of(value) if kind != "document_symbol" else None)
        extra = ELLIPTICAL.match(text, m.end())
        if extra:
            yield Mention(
                extra.start(1), extra.end(1), "document_symbol", f"{value}/{normalize_symbol(extra.group(1))}"
            )


def _body_of(value: str) -> str | None:
    if value.startswith("A/HRC/"):
        return "Human Rights Council"
    if value.startswith("S/"):
        return "Security Council"
    if value.startswith("E/"):
        return "Economic and Social Council"
    return "General Assembly" if value.startswith("A/") else None
