"""docpipe's OAI-PMH sets: by issuing organ and by session, in two small hierarchies.

===============================  =========================================================
setSpec                          members
===============================  =========================================================
``organ``                        every document whose organ is known
``organ:general-assembly``       documents of one organ (the English name, lower case, ``-``)
``session``                      every document whose organ and session are known
``session:ga-69``                documents of one session of one organ (``ga``, ``hrc``, ``sc``…)
===============================  =========================================================

Harvesting a set includes its subsets (protocol §2.7.2: ``set=organ`` gives every document with
an organ). A header lists the leaf sets of its item. The organ is ``documents.body`` in the
catalog, the session ``documents.session``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

ORGAN: str = "organ"
SESSION: str = "session"
#: Short names of the organs in session sets (others: the organ's slug).
ABBREVIATIONS: dict[str, str] = {
    "General Assembly": "ga",
    "Security Council": "sc",
    "Economic and Social Council": "ecosoc",
    "Human Rights Council": "hrc",
    "Commission on Human Rights": "chr",
    "Trusteeship Council": "tc",
}
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_SESSION_SPEC = re.compile(r"^(?P<organ>[a-z0-9-]+?)-(?P<number>\d+)$")


def organ_slug(body: str) -> str:
    """``General Assembly`` -> ``general-assembly``."""
    return _NOT_SLUG.sub("-", body.lower()).strip("-") or "unknown"


def organ_abbreviation(body: str) -> str:
    """``General Assembly`` -> ``ga``; an organ without a short name: its slug."""
    return ABBREVIATIONS.get(body) or organ_slug(body)


def set_specs(body: str | None, session: int | None) -> list[str]:
    """The leaf sets an item with this organ and session belongs to."""
    if not body:
        return []
    specs = [f"{ORGAN}:{organ_slug(body)}"]
    if session is not None:
        specs.append(f"{SESSION}:{organ_abbreviation(body)}-{session}")
    return specs


@dataclass(frozen=True, slots=True)
class SetFilter:
    """What a set spec selects: an organ (or any), a session (or any)."""

    any_organ: bool = False
    body: str | None = None
    any_session: bool = False
    session: int | None = None
    #: The spec names no set that exists: nothing matches.
    empty: bool = False


def parse_set(spec: str, bodies: list[str]) -> SetFilter:
    """The filter for ``spec``, given the organs the catalog has (``bodies``)."""
    if spec == ORGAN:
        return SetFilter(any_organ=True)
    if spec == SESSION:
        return SetFilter(any_organ=True, any_session=True)
    kind, _, rest = spec.partition(":")
    if kind == ORGAN:
        body = next((b for b in bodies if organ_slug(b) == rest), None)
        return SetFilter(body=body) if body else SetFilter(empty=True)
    if kind == SESSION:
        match = _SESSION_SPEC.match(rest)
        if match:
            body = next((b for b in bodies if organ_abbreviation(b) == match["organ"]), None)
            if body:
                return SetFilter(body=body, session=int(match["number"]))
    return SetFilter(empty=True)


def set_name(spec: str, body: str | None = None, session: int | None = None) -> str:
    """A human-readable ``setName``."""
    if spec == ORGAN:
        return "Documents by issuing organ"
    if spec == SESSION:
        return "Documents by session of their organ"
    if session is not None:
        return f"{body}, session {session}"
    return str(body)


__all__ = [
    "ABBREVIATIONS",
    "ORGAN",
    "SESSION",
    "SetFilter",
    "organ_abbreviation",
    "organ_slug",
    "parse_set",
    "set_name",
    "set_specs",
]
