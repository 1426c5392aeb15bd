"""From the facts the masthead and the closing state to the document's ``Meta``.

Language-neutral: the profiles' rows set facts with English values (organs, committees) and
numbers; here the own symbol is rebuilt from the printed number and the organ (``69/179`` of the
GA is ``A/RES/69/179``, of the Human Rights Council ``A/HRC/RES/69/179``; ``498 (V)`` is
``A/RES/498 (V)``; ``6 (1946)`` is the Security Council's ``S/RES/6 (1946)``), the session is read
off the number where the masthead does not print it, and a Security Council resolution has no
title.
"""

from __future__ import annotations

import re
from typing import Any

from pipeline._text import roman_to_int

GA, HRC, SC, ECOSOC = "General Assembly", "Human Rights Council", "Security Council", "Economic and Social Council"
#: Organ of a symbol, by its root (longest first).
BODY_BY_SYMBOL_ROOT = (("A/HRC/", HRC), ("A/", GA), ("S/", SC), ("E/", ECOSOC))
_MODERN = re.compile(r"^(?P<session>(?:E?S-)?\d+)/(?P<n>\d+)(?P<part>\s?[A-Z](?:\s?-\s?[A-Z])?)?$")
_OLD = re.compile(r"^(?P<n>\d+)\s?(?P<part>[A-Z](?:\s?(?:and|和|-)\s?[A-Z])?)?\s?\((?P<session>(?:E?S-)?[IVXLC]+)\)$")
_YEAR = re.compile(r"^(?P<n>\d+)\s?\((?P<year>\d{4})\)$")
_TEMPLATES = {GA: "A/RES/{}", HRC: "A/HRC/RES/{}", ECOSOC: "E/RES/{}"}


def body_of_symbol(symbol: str) -> str | None:
    return next((body for root, body in BODY_BY_SYMBOL_ROOT if symbol.startswith(root)), None)


def own_symbol(number: str, body: str | None) -> tuple[str | None, str | None]:
    """The symbol and organ of a resolution printed with ``number`` (``69/179``, ``498 (V)``, ``6 (1946)``)."""
    number = number.strip()
    if _YEAR.match(number):
        m = _YEAR.match(number)
        assert m is not None
        return f"S/RES/{m.group('n')} ({m.group('year')})", SC
    if m := _OLD.match(number):
        part = f" {m.group('part').replace(' ', '')}" if m.group("part") else ""
        return f"A/RES/{m.group('n')}{part} ({m.group('session')})", GA
    if _MODERN.match(number):
        organ = body if body in _TEMPLATES else GA
        return _TEMPLATES[organ].format(number.replace(" ", "")), organ
    return None, body


def session_of(number: str) -> int | None:
    """The session a resolution number carries: ``69/179`` -> 69, ``498 (V)`` -> 5."""
    if m := _MODERN.match(number.strip()):
        session = m.group("session")
        return int(session) if session.isdigit() else None
    if m := _OLD.match(number.strip()):
        return roman_to_int(m.group("session")) if m.group("session").isalpha() else None
    return None


def derive(facts: dict[str, Any], closing: dict[str, Any]) -> dict[str, Any]:
    """Meta fields from masthead facts and closing facts (plain values; validated later)."""
    body = facts.get("body")
    symbol = facts.get("symbol")
    number = facts.get("number")
    if symbol is None and number:
        symbol, body = own_symbol(number, body)
    if symbol is not None and body is None:
        body = body_of_symbol(symbol)
    session = facts.get("session")
    if session is None and number and body in (GA, HRC):
        session = session_of(number)
    doc_type = facts.get("doc_type")
    title = facts.get("title")
    if body == SC:
        title = None  # a Security Council resolution has no title
    adopted_on = closing.get("date") or facts.get("adopted_on")
    return {
        "doc_type": doc_type,
        "body": body,
        "session": session if body != SC else None,
        "committee": facts.get("committee"),
        "agenda_item": facts.get("agenda_item"),
        "agenda_title": facts.get("agenda_title"),
        "title": title,
        "symbol": symbol,
        "draft_symbol": facts.get("draft_symbol"),
        "report_symbol": facts.get("report_symbol"),
        "adopted_on": adopted_on if doc_type != "draft_resolution" else None,
        "meeting": closing.get("meeting") or facts.get("meeting"),
        "sponsors": facts.get("sponsors") or [],
    }
