"""Inline markup of one segment's text: entities as AKN inlines, footnote markers as notes.

The text of every element is exactly the segment's text (``xml_safe`` aside): markup only wraps
ranges of it, and a footnote's own text lives inside its ``authorialNote``, so a reader (or a test)
that drops ``authorialNote`` subtrees gets the JSON ``text`` back character for character.

Entities may overlap or straddle a footnote marker in any valid ``ProcessedDocument``: overlapping
ones are resolved first-longest-wins (the rest stay in the JSON), and a marker inside an entity is
placed inside the entity's element, which AKN's inline content model allows.
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from lxml import etree

from pipeline.akn.iri import ACTORS, CitedWorks, cited_iri, is_day, slug
from pipeline.akn.names import DP, qname
from pipeline.en.lexicon import ORGANS as ORGANS_EN
from pipeline.zh._data.member_states import STATES
from pipeline.zh.lexicon import ORGANS as ORGANS_ZH
from schemas import Entity, FootnoteRef, Segment

#: Characters XML 1.0 cannot carry (C0 controls but tab/newline/return, surrogates, U+FFFE/F).
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ISO3 = re.compile(r"^[A-Z]{3}$")
_CITATIONS = frozenset({"resolution", "decision", "document_symbol"})


def xml_safe(text: str) -> str:
    """``text`` with the characters XML 1.0 cannot hold replaced by U+FFFD (none survive cleaning)."""
    return _XML_ILLEGAL.sub("\ufffd", text)


@dataclass
class References:
    """The TLC entries the inlines point at, collected while the body is written."""

    organizations: dict[str, tuple[str, str]] = field(default_factory=dict)  #: eId -> (href, showAs)
    locations: dict[str, tuple[str, str]] = field(default_factory=dict)
    concepts: dict[str, tuple[str, str]] = field(default_factory=dict)
    roles: dict[str, tuple[str, str]] = field(default_factory=dict)

    def organ(self, name: str) -> str:
        """Register an organization by name: a UN organ under its actor id (``大会`` -> ``#un-ga``)."""
        english = name if name in ACTORS else ORGANS_ZH.get(name) or ORGANS_EN.get(name)
        eid = ACTORS[english] if english in ACTORS else "org-" + _digest(name)
        return self.organization(eid, name)

    def organization(self, eid: str, show_as: str) -> str:
        """Register an organization and return its ``refersTo``."""
        self.organizations.setdefault(eid, (f"/ontology/organization/{eid}", show_as))
        return "#" + eid

    def state(self, iso3: str | None, name: str) -> str:
        """Register a state and return its ``refersTo``: its ISO 3166-1 alpha-3 code when the entity
        has one (AKN4UN has no state ids), else its UNTERM English name, else a digest of the name."""
        if iso3 and _ISO3.match(iso3):
            eid, href = iso3, f"/ontology/location/iso3166-1/{iso3}"
        else:
            english = _english_state_names().get(name)
            eid = "state-" + (slug(english) if english else _digest(name))
            href = f"/ontology/location/{eid}"
        self.locations.setdefault(eid, (href, name))
        return "#" + eid

    def concept(self, eid: str, show_as: str) -> str:
        """Register a concept (vote outcomes) and return its ``refersTo``."""
        self.concepts.setdefault(eid, (f"/ontology/concept/{eid}", show_as))
        return "#" + eid

    def role(self, eid: str, show_as: str) -> str:
        """Register a role (author, sponsor) and return its reference."""
        self.roles.setdefault(eid, (f"/ontology/role/{eid}", show_as))
        return "#" + eid


@dataclass
class Notes:
    """Footnotes by number, and which have been written out as ``authorialNote`` so far."""

    segments: dict[str, Segment]  #: the first footnote of each number: the one its markers mean
    eids: dict[str, str]
    others: list[tuple[Segment, str]] = field(default_factory=list)  #: unnumbered or repeated, with eIds
    placed: set[str] = field(default_factory=set)


@dataclass(frozen=True, slots=True)
class Mode:
    """How a line's entities are marked where the line has a role (preface, conclusions)."""

    skip: frozenset[str] = frozenset()  #: entity types left unmarked (the line's wrapper already says it)
    proponents: bool = False  #: member states are sponsors: ``docProponent``
    doc_date: bool = False  #: a day is the document's date: ``docDate``


PLAIN = Mode()


@dataclass
class Inliner:
    """Writes a segment's text into an element, with entity inlines and notes at their markers."""

    entities: dict[str, list[Entity]]
    notes: Notes
    refs: References
    cited: CitedWorks

    def fill(self, parent: etree._Element, segment: Segment, *, in_note: bool = False, mode: Mode = PLAIN) -> None:
        """Append ``segment.text`` with its markup to ``parent`` (which may already hold children)."""
        text = segment.text
        marked = [e for e in self.entities.get(segment.id, []) if e.type not in mode.skip]
        chosen = _non_overlapping(marked, len(text))
        markers = sorted(segment.footnote_refs, key=lambda ref: ref.offset)
        pos = 0
        for entity in chosen:
            self._plain(parent, text, pos, entity.start, markers, in_note=in_note)
            element = self._entity_element(parent, entity, segment, mode)
            inside = [m for m in markers if entity.start < _at(m, text) < entity.end]
            self._plain(element, text, entity.start, entity.end, inside, in_note=in_note, strict=True)
            pos = entity.end
        self._plain(parent, text, pos, len(text), markers, in_note=in_note)

    def _plain(
        self,
        parent: etree._Element,
        text: str,
        lo: int,
        hi: int,
        markers: Sequence[FootnoteRef],
        *,
        in_note: bool,
        strict: bool = False,
    ) -> None:
        """Text ``[lo, hi)`` with the markers that stand in it (at ``lo`` and ``hi`` too, unless strict)."""
        pos = lo
        for marker in markers:
            at = _at(marker, text)
            if at < lo or at > hi or (strict and at in (lo, hi)):
                continue
            _append_text(parent, xml_safe(text[pos:at]))
            self._marker(parent, marker.num, in_note)
            pos = at
        _append_text(parent, xml_safe(text[pos:hi]))

    def _marker(self, parent: etree._Element, num: str, in_note: bool) -> None:
        """The note itself at its first marker, a ``noteRef`` at later ones and inside notes."""
        eid = self.notes.eids.get(num)
        if eid is None:
            element = etree.SubElement(parent, qname("marker"), name="footnoteMarker")
            element.set(f"{{{DP}}}num", xml_safe(num))
            return
        if in_note or num in self.notes.placed:
            etree.SubElement(parent, qname("noteRef"), marker=xml_safe(num), placement="bottom", href="#" + eid)
            return
        self.notes.placed.add(num)
        note = etree.SubElement(parent, qname("authorialNote"), marker=xml_safe(num), placement="bottom", eId=eid)
        self.note_body(note, self.notes.segments[num])

    def note_body(self, note: etree._Element, segment: Segment) -> None:
        """A footnote's text as the ``p`` of an ``authorialNote`` or ``note``."""
        p = etree.SubElement(note, qname("p"))
        p.set(f"{{{DP}}}segment", segment.id)
        self.fill(p, segment, in_note=True)

    def _entity_element(self, parent: etree._Element, entity: Entity, segment: Segment, mode: Mode) -> etree._Element:
        """The AKN inline for one entity: ``ref``, ``date``, ``organization``, ``location``, …"""
        value = entity.value
        kind = entity.type
        if kind == "member_state" and mode.proponents:
            refers = self.refs.state(entity.iso3, value or entity.text)
            element = etree.SubElement(parent, qname("docProponent"), refersTo=refers)
            element.set("as", self.refs.role("sponsor", "sponsor"))
        elif kind == "date" and value and is_day(value) and mode.doc_date:
            element = etree.SubElement(parent, qname("docDate"), date=value)
        elif kind in _CITATIONS and value:
            day = _citation_date(entity, self.entities.get(segment.id, []), segment)
            element = etree.SubElement(
                parent, qname("ref"), href=xml_safe(cited_iri(value, entity.body, day, self.cited))
            )
        elif kind == "date" and value and is_day(value):
            element = etree.SubElement(parent, qname("date"), date=value)
        elif kind == "member_state":
            refers = self.refs.state(entity.iso3, value or entity.text)
            element = etree.SubElement(parent, qname("location"), refersTo=refers)
        elif kind == "organization":
            name = value or entity.text
            refers = self.refs.organ(name)
            element = etree.SubElement(parent, qname("organization"), refersTo=refers)
        elif kind == "session" and value:
            element = etree.SubElement(parent, qname("session"), value=xml_safe(value))
        else:
            element = etree.SubElement(parent, qname("inline"), name=_camel(kind))
            if value:
                element.set(f"{{{DP}}}value", xml_safe(value))
        return element


def _citation_date(entity: Entity, others: Iterable[Entity], segment: Segment) -> str | None:
    """The day a citation gives next to the cited number: "2019年12月18日第74/166号", "74/166 of 18 December 2019"."""
    text = segment.text
    for other in others:
        if other.type != "date" or not other.value or not is_day(other.value):
            continue
        if 0 <= other.end <= entity.start and text[other.end : entity.start].strip() in ("", "第"):
            return other.value
        if entity.end <= other.start <= len(text) and text[entity.end : other.start].strip() in ("", "of"):
            return other.value
    return None


def _non_overlapping(entities: Iterable[Entity], length: int) -> list[Entity]:
    """Entities with in-range offsets, earliest then longest first, none overlapping another."""
    valid = sorted((e for e in entities if 0 <= e.start < e.end <= length), key=lambda e: (e.start, -e.end))
    chosen: list[Entity] = []
    end = 0
    for entity in valid:
        if entity.start >= end:
            chosen.append(entity)
            end = entity.end
    return chosen


def _at(marker: FootnoteRef, text: str) -> int:
    """A marker's offset, clamped into the text."""
    return min(max(marker.offset, 0), len(text))


def _append_text(parent: etree._Element, text: str) -> None:
    """Mixed content: text goes after the last child (its tail), or into the element itself."""
    if not text:
        return
    if len(parent):
        last = parent[-1]
        last.tail = (last.tail or "") + text
    else:
        parent.text = (parent.text or "") + text


@functools.cache
def _english_state_names() -> dict[str, str]:
    """Canonical Chinese (and English) state name -> UNTERM English name."""
    names = {english: english for english, *_ in STATES}
    names.update({chinese: english for english, chinese, *_ in STATES})  # (english_key, canonical_zh, ...)
    return {key: re.sub(r"\s*\(the\)$", "", english) for key, english in names.items()}


def _digest(text: str) -> str:
    """A short stable id for a name that has no code of its own."""
    return hashlib.sha1(text.encode("utf-8"), usedforsecurity=False).hexdigest()[:10]


def _camel(kind: str) -> str:
    """``agenda_item`` -> ``agendaItem`` (AKN names are camel case)."""
    head, *rest = kind.split("_")
    return head + "".join(part.title() for part in rest)


__all__ = ["PLAIN", "Inliner", "Mode", "Notes", "References", "xml_safe"]
