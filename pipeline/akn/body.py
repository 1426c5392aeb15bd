"""The four parts of an AKN4UN statement, filled from the segments in document order.

AKN fixes the order ``preface`` -> ``preamble`` -> ``mainBody`` -> ``conclusions``; a segment goes
to its kind's part unless the document has already moved past it, in which case it stays where it
stands as a ``block`` named after its kind (a masthead line after the formula, a preambular
paragraph among the operative ones). Nothing is reordered or dropped but ``context`` segments,
which are not part of the document, and footnotes, which are written at their markers.

Subparagraphs and items hang under the paragraph their ``parent`` names (``paragraph`` ->
``list``/``intro``/``point``, AKN4UN part 2); one whose parent is missing, later, or not in the
body stands on its own as a ``point``, which is what it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lxml import etree

from pipeline.akn.inline import PLAIN, Inliner, Mode, xml_safe
from pipeline.akn.names import DP, qname
from schemas import Meta, Segment

PREFACE, PREAMBLE, BODY, CONCLUSIONS = range(4)
#: The part each kind belongs to (footnotes and context are not placed here).
HOME = {
    "header": PREFACE,
    "formula": PREAMBLE,
    "preamble": PREAMBLE,
    "operative": BODY,
    "subparagraph": BODY,
    "item": BODY,
    "heading": BODY,
    "paragraph": BODY,
    "closing": CONCLUSIONS,
}
PARTS = ("preface", "preamble", "mainBody", "conclusions")
_HIER = frozenset({"operative", "subparagraph", "item"})


@dataclass
class Ids:
    """Unique ``eId``s: the Naming Convention's form, with a counter when a label repeats."""

    used: set[str] = field(default_factory=set)
    counters: dict[str, int] = field(default_factory=dict)

    def seq(self, base: str) -> str:
        """The next of a numbered series: ``preface__p_1``, ``preface__p_2``…"""
        k = self.counters.get(base, 0) + 1
        self.counters[base] = k
        return self.new(f"{base}_{k}")

    def new(self, base: str) -> str:
        """``base``, or ``base_2``, ``base_3``… if taken."""
        base = xml_safe("".join(base.split())) or "id"
        candidate = base
        k = 1
        while candidate in self.used:
            k += 1
            candidate = f"{base}_{k}"
        self.used.add(candidate)
        return candidate


@dataclass
class BodyWriter:
    """Writes the parts of one statement; ``parts[i]`` is ``None`` until something goes there."""

    segments: Sequence[Segment]
    meta: Meta
    inliner: Inliner
    ids: Ids
    parts: list[etree._Element | None] = field(default_factory=lambda: [None, None, None, None])
    _container: etree._Element | None = None

    def write(self) -> list[etree._Element]:
        """The non-empty parts in AKN order, ``mainBody`` always (the schema requires it)."""
        placed = _placements(self.segments)
        children = _children(placed)
        attached = {id(child) for kids in children.values() for child in kids}
        for segment, part in placed:
            if part is None or id(segment) in attached:
                continue
            self._write(segment, part, children)
        body = self._part(BODY)
        if not len(body):
            etree.SubElement(body, qname("p"), eId=self.ids.seq("mainBody__p"))
        return [part for part in self.parts if part is not None]

    def _part(self, part: int) -> etree._Element:
        element = self.parts[part]
        if element is None:
            element = self.parts[part] = etree.Element(qname(PARTS[part]))
        return element

    def _write(self, segment: Segment, part: int, children: dict[int, list[Segment]]) -> None:
        parent = self._part(part)
        kind = segment.kind
        if part == PREAMBLE and kind == "preamble":
            self._container = self._container if self._container is not None else self._new_container(parent)
            self._p(self._container, segment, self.ids.seq("preamble__p"))
            return
        self._container = None
        if part == PREFACE and kind == "header":
            self._header(parent, segment)
        elif part == PREAMBLE and kind == "formula":
            formula = etree.SubElement(parent, qname("formula"), name="enactingFormula", eId=self.ids.seq("formula"))
            self._p(formula, segment, None)
        elif part == BODY and kind in _HIER:
            tag, short = ("paragraph", "para") if kind == "operative" else ("point", "point")
            self._hier(parent, segment, tag=tag, short=short, prefix="", children=children)
        elif part == BODY and kind == "heading":
            self._heading(parent, segment)
        elif part == BODY and kind == "paragraph":
            self._p(parent, segment, self.ids.seq("mainBody__p"))
        elif part == CONCLUSIONS and kind == "closing":
            self._closing(parent, segment)
        else:
            block = etree.SubElement(parent, qname("block"), name=kind, eId=self.ids.seq(f"{PARTS[part]}__block"))
            self._mark(block, segment)
            self.inliner.fill(block, segment)

    def _new_container(self, parent: etree._Element) -> etree._Element:
        eid = self.ids.seq("preamble__container")
        return etree.SubElement(parent, qname("container"), name="preamble", eId=eid)

    def _p(self, parent: etree._Element, segment: Segment, eid: str | None, mode: Mode = PLAIN) -> etree._Element:
        p = etree.SubElement(parent, qname("p"))
        if eid:
            p.set("eId", eid)
        self._mark(p, segment)
        self.inliner.fill(p, segment, mode=mode)
        return p

    @staticmethod
    def _mark(element: etree._Element, segment: Segment) -> None:
        element.set(f"{{{DP}}}segment", xml_safe(segment.id))

    def _header(self, parent: etree._Element, segment: Segment) -> None:
        """A masthead line; its role picks the AKN4UN preface element that wraps it."""
        p = etree.SubElement(parent, qname("p"), eId=self.ids.seq("preface__p"))
        self._mark(p, segment)
        role = segment.role or ""
        wrapper: etree._Element | None = None
        mode = PLAIN
        if role == "session":
            wrapper = etree.SubElement(p, qname("session"))
            if self.meta.session is not None:
                wrapper.set("value", str(self.meta.session))
            mode = Mode(skip=frozenset({"session"}))
        elif role == "committee":
            wrapper = etree.SubElement(p, qname("docCommittee"))
            if self.meta.committee:
                wrapper.set("value", xml_safe(self.meta.committee))
            mode = Mode(skip=frozenset({"organization"}))
        elif role == "agenda_item":
            wrapper = etree.SubElement(p, qname("inline"), name="agendaItem")
            mode = Mode(skip=frozenset({"agenda_item"}))
        elif role == "title":
            wrapper = etree.SubElement(p, qname("docTitle"))
        elif role == "symbol":
            wrapper = etree.SubElement(p, qname("docNumber"))
            mode = Mode(skip=frozenset({"document_symbol"}))
        elif role == "sponsors":
            mode = Mode(proponents=True)
        elif role in ("masthead_date", "adoption", "date"):
            mode = Mode(doc_date=True)
        self.inliner.fill(wrapper if wrapper is not None else p, segment, mode=mode)

    def _closing(self, parent: etree._Element, segment: Segment) -> None:
        """An adoption line: the date as ``docDate``, the meeting and vote as named inlines."""
        p = etree.SubElement(parent, qname("p"), eId=self.ids.seq("conclusions__p"))
        self._mark(p, segment)
        if segment.role in ("meeting", "vote"):
            wrapper = etree.SubElement(p, qname("inline"), name=segment.role)
            self.inliner.fill(wrapper, segment, mode=Mode(skip=frozenset({"meeting"})))
        else:
            self.inliner.fill(p, segment, mode=Mode(doc_date=True))

    def _heading(self, parent: etree._Element, segment: Segment) -> None:
        eid = self.ids.new(f"hcontainer_{segment.num}") if segment.num else self.ids.seq("hcontainer")
        container = etree.SubElement(parent, qname("hcontainer"), name="heading", eId=eid)
        if segment.num:
            num = etree.SubElement(container, qname("num"))
            num.text = xml_safe(segment.num)
        heading = etree.SubElement(container, qname("heading"))
        self._mark(heading, segment)
        self.inliner.fill(heading, segment)

    def _hier(
        self,
        parent: etree._Element,
        segment: Segment,
        *,
        tag: str,
        short: str,
        prefix: str,
        children: dict[int, list[Segment]],
    ) -> None:
        """``paragraph``/``point`` with ``num``; its own text in ``content``, or in the ``intro`` of its list."""
        eid = self.ids.new(f"{prefix}{short}_{segment.num}") if segment.num else self.ids.seq(f"{prefix}{short}")
        element = etree.SubElement(parent, qname(tag), eId=eid)
        if segment.num is not None:
            num = etree.SubElement(element, qname("num"))
            num.text = xml_safe(label(segment))
        kids = children.get(id(segment), [])
        if not kids:
            self._p(etree.SubElement(element, qname("content")), segment, None)
            return
        list_eid = self.ids.seq(f"{eid}__list")
        listing = etree.SubElement(element, qname("list"), eId=list_eid)
        self._p(etree.SubElement(listing, qname("intro")), segment, None)
        for kid in kids:
            self._hier(listing, kid, tag="point", short="point", prefix=f"{list_eid}__", children=children)


def label(segment: Segment) -> str:
    """The label as AKN4UN prints it: ``1.``, ``(a)``, ``(一)``."""
    num = segment.num or ""
    return f"{num}." if segment.kind == "operative" else f"({num})"


def _placements(segments: Sequence[Segment]) -> list[tuple[Segment, int | None]]:
    """Each segment with its part: its kind's, or the furthest reached so far (``None``: not placed)."""
    reached = PREFACE
    placed: list[tuple[Segment, int | None]] = []
    for segment in segments:
        home = HOME.get(segment.kind)
        if home is None:
            placed.append((segment, None))
            continue
        reached = max(reached, home)
        placed.append((segment, reached))
    return placed


def _children(placed: Sequence[tuple[Segment, int | None]]) -> dict[int, list[Segment]]:
    """Subparagraphs and items under an earlier paragraph/subparagraph/item of the body."""
    by_id: dict[str, Segment] = {}
    children: dict[int, list[Segment]] = {}
    for segment, part in placed:
        if part != BODY:
            continue
        parent = by_id.get(segment.parent) if segment.parent else None
        if segment.kind in ("subparagraph", "item") and parent is not None:
            children.setdefault(id(parent), []).append(segment)
        if segment.kind in _HIER:
            by_id.setdefault(segment.id, segment)
    return children


__all__ = ["HOME", "PARTS", "BodyWriter", "Ids", "label"]
