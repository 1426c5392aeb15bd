"""Cited resolutions and decisions: which organ issued a cited number, and its symbol.

Language-neutral; each profile finds the citations (``pipeline/zh/citations.py``,
``pipeline/en/citations.py``) and asks here for the organ and the symbol. A number carries its
organ where it can: ``2321 (2016)`` (a year) is the Security Council, ``2200 A (XXI)`` (a roman
session) and ``S-13/2``, ``ES-11/1`` the General Assembly, ``2000/22`` (year/number) the Commission on
Human Rights or its Sub-Commission or ECOSOC. A session/number (``34/24``) takes the organ named
just before it, else the organ it had when cited earlier in the document, else the organ named
earlier in the sentence, else the document's own, never the Security Council (which numbers N (YYYY));
a date checks the guess (GA session N runs from September 1945+N; the Human Rights Council holds
three sessions a year since 2006).
"""

from __future__ import annotations

GA, HRC, SC = "General Assembly", "Human Rights Council", "Security Council"
ECOSOC, CHR = "Economic and Social Council", "Commission on Human Rights"
SUB = "Sub-Commission on the Promotion and Protection of Human Rights"
_TEMPLATES = {
    HRC: "A/HRC/{nature}/{num}",
    CHR: "E/CN.4/{nature}/{num}",
    SUB: "E/CN.4/Sub.2/{nature}/{num}",
    ECOSOC: "E/{nature}/{num}",
    GA: "A/{nature}/{num}",
    SC: "S/{nature}/{num}",
}
#: The organs whose resolutions are numbered session/number or year/number.
_NUMBERED_BY_YEAR = (SUB, CHR, ECOSOC)


def organ_for(
    num: str, *, near: str | None, far: str | None, seen: dict[str, str], doc_body: str | None, year: int | None
) -> str:
    """The organ that issued resolution ``num`` (normalized: ``74/166``, ``2321 (2016)``, ``181 (II)``)."""
    if "(" in num:
        inner = num[num.index("(") + 1 : -1]
        return SC if inner.isdigit() else GA
    if num.startswith(("S-", "ES-")):
        return GA
    session_text, _, _ = num.partition("/")
    if len(session_text) == 4 and session_text.isdigit():  # 2000/22: Commission, Sub-Commission, ECOSOC
        organ = near or far
        return organ if organ in _NUMBERED_BY_YEAR else (ECOSOC if doc_body == ECOSOC else CHR)
    if "/" not in num:
        return near if near in (SC, GA) else SC
    # the Security Council never numbers by session: its own ``its`` or a Council document's default
    # does not make 74/270 one of its resolutions
    guess = next((o for o in (near, seen.get(num), far, doc_body) if o and o != SC), GA)
    return checked(guess, int(session_text), year)


def checked(guess: str, session: int, year: int | None) -> str:
    """Correct a GA/HRC guess that the session number or the date rules out."""
    hrc_possible = session <= 70 and (year is None or abs(2006 + (session - 1) // 3 - year) <= 1)
    ga_possible = year is None or 0 <= year - 1945 - session <= 1
    if guess == HRC and not hrc_possible and ga_possible:
        return GA
    if guess == GA and not ga_possible and hrc_possible:
        return HRC
    return guess


def symbol_for(num: str, body: str, kind: str) -> str:
    """Symbol of a cited resolution or decision: ``S/RES/2321 (2016)``, ``A/RES/2200 A (XXI)``."""
    nature = "RES" if kind == "resolution" else "DEC"
    if "(" in num:  # 2321(2016) -> 2321 (2016); 2200 A(XXI) -> 2200 A (XXI)
        head, _, tail = num.partition("(")
        num = f"{head.strip()} ({tail}"
    return _TEMPLATES.get(body, _TEMPLATES[GA]).format(nature=nature, num=num)
