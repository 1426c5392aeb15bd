"""UN document symbols: ``A/HRC/34/66/Add.1``, ``A/CONF.157/24 (Part I)``, joint symbols
``E/CN.4/2001/2-E/CN.4/Sub.2/2000/46``, elliptical ``A/69/488/Add.2 和 Corr.1``."""

from __future__ import annotations

import re

_COMPONENT = r"(?:E?S-\d+|(?:[A-Z]{1,6}|Sub|Add|Corr|Rev|Amend)\.\d+|[A-Z]{1,6}|\d+|Summary)"
_PARENTHETICAL = r"(?:\s?\((?:Part|Vol\.)\s?[IVX]+\)|\s?\(SUPP\)|\s?\(\d{4}\)|\s?(?:[A-Z]\s?)?\((?:E?S-)?[IVXLC]+\))"
_ONE = rf"[A-Z]{{1,6}}(?:/{_COMPONENT})+{_PARENTHETICAL}?\*?"
#: One symbol, or two joined by a hyphen; never glued to letters, digits or ``./-`` around it.
#: (The look-behind is checked after the first capital, so that the regex engine skips ahead to
#: capitals instead of trying the pattern at every character: ``[A-Z]{1,6}`` is ``[A-Z][A-Z]{0,5}``.)
SYMBOL = re.compile(
    rf"[A-Z](?<![A-Za-z0-9./\-][A-Z])[A-Z]{{0,5}}(?:/{_COMPONENT})+{_PARENTHETICAL}?\*?(?:-{_ONE})?(?![A-Za-z0-9])"
)
#: ``和 Corr.1`` after a symbol: a further document of the same root.
ELLIPTICAL = re.compile(r"\s?(?:和|及|以及|and|&)\s?((?:Add|Corr|Rev|Amend)\.\s?\d+)(?![A-Za-z0-9])")
_DOT_SPACE = re.compile(r"\.\s+(?=\d)")
_PAREN = re.compile(r"\s*\(")


def normalize_symbol(raw: str) -> str:
    """Contract form: no space after a dot, one space before a parenthetical."""
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
