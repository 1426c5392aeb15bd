"""AKN4UN identifiers: actors, numbers and the FRBR IRIs of a document and of what it cites.

The pattern is AKN4UN's naming convention, ``/akn/un/{docType}/{subType}/{actor}/{date}/{number}``
(AKN4UN part 1, "Naming convention"), with the choices its guidelines leave open settled as:

- ``actor`` is the dash-joined organ, ``un-ga``, ``un-ga-c3`` for a Third Committee draft,
  ``un-hrc``, ``un-sc`` (the form of AKN4UN part 1's own examples, matching ``FRBRauthor``);
- ``number`` is the symbol with ``/`` as ``-`` and spaces as ``_`` (``A/RES/69/179`` ->
  ``A-RES-69-179``); the printed symbol goes in ``showAs`` and ``FRBRalias name="symbol"``;
- ``date`` is the adoption date (or a day-precise masthead date); when only a year is known (a
  Security Council symbol carries it) the year alone, and when nothing is known ``nd``: the
  Naming Convention needs a date segment, and a made-up day would be a false statement;
- a document without a symbol is numbered ``nn-`` + the first 12 hex digits of its content hash:
  "nn" is the Naming Convention's word for "no number", the hash keeps two such works apart.

A cited resolution gets the same IRI a processed copy of it would have, when the date of the
citation is known (the text gives it next to the number, or a catalog look-up passed in
``CitedWorks`` knows it); otherwise the dateless form ``…/{actor}/nd/{number}``, which a
resolver completes.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from dataclasses import dataclass

#: English organ names (``Meta.body``, ``Entity.body``) -> AKN4UN actor.
ACTORS: dict[str, str] = {
    "General Assembly": "un-ga",
    "Security Council": "un-sc",
    "Economic and Social Council": "un-ecosoc",
    "Human Rights Council": "un-hrc",
    "Commission on Human Rights": "un-chr",
    "Sub-Commission on the Promotion and Protection of Human Rights": "un-chr-sc",
    "Trusteeship Council": "un-tc",
}
#: Main Committees of the General Assembly -> suffix of the actor of their drafts.
COMMITTEES: dict[str, str] = {
    "First Committee": "c1",
    "Second Committee": "c2",
    "Third Committee": "c3",
    "Fourth Committee": "c4",
    "Special Political and Decolonization Committee": "c4",
    "Fifth Committee": "c5",
    "Sixth Committee": "c6",
}
#: Symbol prefixes -> actor, longest first, for citations whose organ the text does not name.
_SYMBOL_ACTORS: tuple[tuple[str, str], ...] = (
    ("E/CN.4/SUB.2/", "un-chr-sc"),
    ("E/CN.4/", "un-chr"),
    ("A/HRC/", "un-hrc"),
    ("A/C.1/", "un-ga-c1"),
    ("A/C.2/", "un-ga-c2"),
    ("A/C.3/", "un-ga-c3"),
    ("A/C.4/", "un-ga-c4"),
    ("A/C.5/", "un-ga-c5"),
    ("A/C.6/", "un-ga-c6"),
    ("A/", "un-ga"),
    ("S/", "un-sc"),
    ("E/", "un-ecosoc"),
    ("T/", "un-tc"),
)
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SYMBOL_YEAR = re.compile(r"\((\d{4})\)\s*$")
_UNSAFE = re.compile(r"[^0-9A-Za-z._~()\-]+")
#: ISO 639-2/B codes of the expression languages (AKN4UN uses ``zho`` and ``eng``).
LANGUAGES: dict[str, str] = {"zh": "zho", "en": "eng"}
#: AKN country segment for the United Nations.
COUNTRY = "un"

#: Symbol of a cited document -> its Work IRI, as a catalog knows it (item 6 of the archive issue).
CitedWorks = Mapping[str, str]


@dataclass(frozen=True, slots=True)
class WorkDate:
    """The date segment of a Work IRI and the ``FRBRdate`` that states it."""

    segment: str  #: ``2014-12-18``, ``2016`` or ``nd``
    iso: str  #: a valid ``xsd:date`` for ``FRBRdate@date``
    name: str  #: what ``iso`` is: ``adoption``, ``year`` or ``unknown``


def actor(body: str | None, committee: str | None = None, symbol: str | None = None, *, draft: bool = False) -> str:
    """The AKN4UN actor of a document: its organ, with the Main Committee for a committee draft."""
    base = ACTORS.get(body or "")
    if base is None and body:
        base = "un-" + slug(body).lower()
    if base is None and symbol:
        base = symbol_actor(symbol)
    base = base or COUNTRY
    if draft and base == "un-ga" and committee in COMMITTEES:
        return f"{base}-{COMMITTEES[committee]}"
    return base


def symbol_actor(symbol: str) -> str | None:
    """The organ a symbol's prefix names (``A/HRC/RES/43/25`` -> ``un-hrc``), or ``None``."""
    upper = symbol.upper().replace(" ", "")
    for prefix, name in _SYMBOL_ACTORS:
        if upper.startswith(prefix):
            return name
    return None


def slug(text: str) -> str:
    """A symbol as an IRI segment: ``/`` -> ``-``, space -> ``_``, characters unsafe in a path dropped.

    >>> slug("S/RES/2326 (2016)")
    'S-RES-2326_(2016)'
    """
    text = text.strip().replace("/", "-").replace(" ", "_")
    return _UNSAFE.sub("", text) or "nn"


def work_date(date: str | None, symbol: str | None = None) -> WorkDate:
    """The date segment for a document adopted (or issued) on ``date`` (ISO day), if known."""
    if date and is_day(date):
        return WorkDate(date, date, "adoption")
    year = _SYMBOL_YEAR.search(symbol or "")
    if year:
        return WorkDate(year.group(1), f"{year.group(1)}-01-01", "year")
    return WorkDate("nd", "0001-01-01", "unknown")


def is_day(value: str) -> bool:
    """An ISO day that ``xsd:date`` accepts (``2019-12-18``; not ``2017-05``, not ``2019-02-30``)."""
    if not _ISO_DAY.match(value):
        return False
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def number(symbol: str | None, doc_id: str) -> str:
    """The number segment: the symbol as a slug, or ``nn-`` + a hash prefix when there is none."""
    if symbol and symbol.strip():
        return slug(symbol)
    return "nn-" + (slug(doc_id)[:12] or "0")


def work_iri(doc_type: str, actor_name: str, date_segment: str, number_segment: str) -> str:
    """``/akn/un/statement/deliberation/un-ga/2014-12-18/A-RES-69-179``; a ``doc`` has no subtype."""
    subtype = "/deliberation" if doc_type == "statement" else ""
    return f"/akn/{COUNTRY}/{doc_type}{subtype}/{actor_name}/{date_segment}/{number_segment}"


def expression_iri(work: str, language: str, date: WorkDate) -> str:
    """``{work}/zho@2014-12-18``; ``{work}/zho@`` (the original version) when the date is unknown."""
    code = LANGUAGES.get(language, language)
    return f"{work}/{code}@" + (date.segment if date.name == "adoption" else "")


def cited_iri(symbol: str, body: str | None, date: str | None, cited: CitedWorks) -> str:
    """The Work IRI a citation of ``symbol`` points at (the catalog's answer first)."""
    if symbol in cited:
        return cited[symbol]
    kind = "statement" if "/RES/" in symbol.upper() or "/DEC/" in symbol.upper() else "doc"
    name = ACTORS.get(body or "") or symbol_actor(symbol) or COUNTRY
    return work_iri(kind, name, work_date(date, symbol).segment, slug(symbol))


__all__ = [
    "ACTORS",
    "COMMITTEES",
    "COUNTRY",
    "LANGUAGES",
    "CitedWorks",
    "WorkDate",
    "actor",
    "cited_iri",
    "expression_iri",
    "is_day",
    "number",
    "slug",
    "symbol_actor",
    "work_date",
    "work_iri",
]
