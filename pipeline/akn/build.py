"""``ProcessedDocument`` -> Akoma Ntoso 3.0 (AKN4UN ``statement``), as an lxml tree or bytes.

Pure: the same document (and the same ``cited`` map and ``generated`` date) gives the same bytes.
The shell passes ``generated`` (the day the manifestation is written) since the core reads no
clock, and ``cited`` (symbol -> Work IRI) once a catalog knows the documents cited.
"""

from __future__ import annotations

from collections.abc import Mapping

from lxml import etree

from pipeline.akn import iri
from pipeline.akn.body import BodyWriter, Ids
from pipeline.akn.inline import Inliner, Notes, References, xml_safe
from pipeline.akn.names import DP, NSMAP, qname
from schemas import Entity, ProcessedDocument, Segment

#: ``statement@name`` per ``Meta.doc_type`` (AKN4UN: ``resolution``, ``resolutionDraft``).
STATEMENT_NAMES = {"resolution": "resolution", "draft_resolution": "resolutionDraft", "decision": "decision"}
#: Vote outcomes as TLC concepts.
VOTES = {
    "without_vote": "adoptedWithoutVote",
    "recorded_vote": "adoptedByRecordedVote",
    "unanimous": "adoptedUnanimously",
}
FORMAT = "application/akn+xml"


def build(
    doc: ProcessedDocument, *, cited: Mapping[str, str] | None = None, generated: str | None = None
) -> etree._Element:
    """The ``akomaNtoso`` element of one document."""
    meta = doc.meta
    refs = References()
    entities: dict[str, list[Entity]] = {}
    for entity in doc.entities:
        entities.setdefault(entity.segment, []).append(entity)
    footnotes: dict[str, Segment] = {}
    others: list[Segment] = []
    for segment in doc.segments:
        if segment.kind != "footnote":
            continue
        if segment.num is not None and segment.num not in footnotes:
            footnotes[segment.num] = segment
        else:
            others.append(segment)
    ids = Ids()
    eids = {num: ids.seq("note") for num in footnotes}
    notes = Notes(footnotes, eids, [(segment, ids.seq("note")) for segment in others])
    inliner = Inliner(entities, notes, refs, cited or {})
    parts = BodyWriter(doc.segments, meta, inliner, ids).write()

    root = etree.Element(qname("akomaNtoso"), nsmap=NSMAP)
    statement = etree.SubElement(root, qname("statement"), name=STATEMENT_NAMES.get(meta.doc_type or "", "document"))
    statement.set("contains", "originalVersion")
    statement.append(_meta(doc, refs, inliner, generated))
    for part in parts:
        statement.append(part)
    return root


def to_bytes(doc: ProcessedDocument, *, cited: Mapping[str, str] | None = None, generated: str | None = None) -> bytes:
    """The document as UTF-8 XML with a declaration (not indented: mixed content keeps its exact text)."""
    root = build(doc, cited=cited, generated=generated)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=False))


def work_iri(doc: ProcessedDocument) -> str:
    """The document's own Work IRI (what the catalog will key citations by)."""
    meta = doc.meta
    date = _doc_date(doc)
    draft = meta.doc_type == "draft_resolution"
    actor = iri.actor(meta.body, meta.committee, meta.symbol, draft=draft)
    return iri.work_iri("statement", actor, date.segment, iri.number(meta.symbol, doc.doc_id))


def _doc_date(doc: ProcessedDocument) -> iri.WorkDate:
    """Adoption date, else a day-precise date on a masthead line, else what the symbol says."""
    day = doc.meta.adopted_on
    if not (day and iri.is_day(day)):
        masthead = {s.id for s in doc.segments if s.kind == "header" and s.role in ("masthead_date", "date")}
        day = next(
            (
                e.value
                for e in doc.entities
                if e.segment in masthead and e.type == "date" and e.value and iri.is_day(e.value)
            ),
            None,
        )
    return iri.work_date(day, doc.meta.symbol)


def _meta(doc: ProcessedDocument, refs: References, inliner: Inliner, generated: str | None) -> etree._Element:
    meta = doc.meta
    date = _doc_date(doc)
    actor = iri.actor(meta.body, meta.committee, meta.symbol, draft=meta.doc_type == "draft_resolution")
    work = work_iri(doc)
    expression = iri.expression_iri(work, meta.language, date)
    committee = meta.committee if actor.endswith(tuple(iri.COMMITTEES.values())) else None
    author = refs.organization(actor, committee or meta.body or actor)
    author_role = refs.role("author", "author")
    docpipe = refs.organization("docpipe", "docpipe")
    number = iri.number(meta.symbol, doc.doc_id)

    element = etree.Element(qname("meta"))
    identification = etree.SubElement(element, qname("identification"), source=docpipe)
    frbr = etree.SubElement(identification, qname("FRBRWork"))
    _value(frbr, "FRBRthis", f"{work}/!main")
    _value(frbr, "FRBRuri", work)
    if meta.symbol:
        etree.SubElement(frbr, qname("FRBRalias"), name="symbol", value=xml_safe(meta.symbol))
    etree.SubElement(frbr, qname("FRBRdate"), date=date.iso, name=date.name)
    etree.SubElement(frbr, qname("FRBRauthor"), href=author).set("as", author_role)
    _value(frbr, "FRBRcountry", iri.COUNTRY)
    _value(frbr, "FRBRsubtype", "deliberation")
    number_el = _value(frbr, "FRBRnumber", number)
    number_el.set("showAs", xml_safe(meta.symbol or number))
    _value(frbr, "FRBRname", STATEMENT_NAMES.get(meta.doc_type or "", "document"))

    expr = etree.SubElement(identification, qname("FRBRExpression"))
    _value(expr, "FRBRthis", f"{expression}/!main")
    _value(expr, "FRBRuri", expression)
    etree.SubElement(expr, qname("FRBRdate"), date=date.iso, name=date.name)
    etree.SubElement(expr, qname("FRBRauthor"), href=author).set("as", author_role)
    etree.SubElement(expr, qname("FRBRlanguage"), language=iri.LANGUAGES.get(meta.language, meta.language))

    manif = etree.SubElement(identification, qname("FRBRManifestation"))
    _value(manif, "FRBRthis", f"{expression}/!main.xml")
    _value(manif, "FRBRuri", f"{expression}.akn")
    made = generated if generated and iri.is_day(generated) else date.iso
    etree.SubElement(manif, qname("FRBRdate"), date=made, name="generation" if made == generated else date.name)
    etree.SubElement(manif, qname("FRBRauthor"), href=docpipe).set("as", refs.role("editor", "editor"))
    _value(manif, "FRBRformat", FORMAT)

    _workflow(element, doc, refs, author, docpipe)
    _analysis(element, doc, refs, docpipe)
    _references(element, refs, docpipe)
    _notes(element, doc, inliner, docpipe)
    _proprietary(element, doc, docpipe)
    return element


def _value(parent: etree._Element, tag: str, value: str) -> etree._Element:
    return etree.SubElement(parent, qname(tag), value=xml_safe(value))


def _workflow(element: etree._Element, doc: ProcessedDocument, refs: References, author: str, docpipe: str) -> None:
    """Adoption as a workflow step (AKN4UN conclusions: date, meeting, vote)."""
    meta = doc.meta
    if not (meta.adopted_on and iri.is_day(meta.adopted_on)):
        return
    workflow = etree.SubElement(element, qname("workflow"), source=docpipe)
    step = etree.SubElement(workflow, qname("step"), date=meta.adopted_on, by=author)
    if meta.vote:
        step.set("outcome", refs.concept(VOTES[meta.vote], meta.vote.replace("_", " ")))
    if meta.meeting is not None:
        step.set("refersTo", refs.concept(f"meeting-{meta.meeting}", f"meeting {meta.meeting}"))


def _analysis(element: etree._Element, doc: ProcessedDocument, refs: References, docpipe: str) -> None:
    """A recorded vote's counts as ``parliamentary/voting/count``."""
    counts = doc.meta.vote_counts
    if counts is None:
        return
    analysis = etree.SubElement(element, qname("analysis"), source=docpipe)
    voting = etree.SubElement(etree.SubElement(analysis, qname("parliamentary")), qname("voting"), eId="voting_1")
    voting.set("outcome", refs.concept(VOTES["recorded_vote"], "recorded vote"))
    for name, value in (("yes", counts.yes), ("no", counts.no), ("abstentions", counts.abstentions)):
        if value is not None:
            etree.SubElement(voting, qname("count"), eId=f"voting_1__count_{name}", value=str(value)).set(
                "refersTo", refs.concept(f"vote-{name}", name)
            )


def _references(element: etree._Element, refs: References, docpipe: str) -> None:
    references = etree.SubElement(element, qname("references"), source=docpipe)
    groups = (
        ("TLCOrganization", refs.organizations),
        ("TLCLocation", refs.locations),
        ("TLCConcept", refs.concepts),
        ("TLCRole", refs.roles),
    )
    for tag, entries in groups:
        for eid, (href, show_as) in sorted(entries.items()):
            etree.SubElement(references, qname(tag), eId=eid, href=href, showAs=xml_safe(show_as))


def _notes(element: etree._Element, doc: ProcessedDocument, inliner: Inliner, docpipe: str) -> None:
    """Footnotes no marker in the document points at (or a second note of one number): kept, in ``meta/notes``."""
    pending = inliner.notes
    unplaced = [(seg, pending.eids[num]) for num, seg in pending.segments.items() if num not in pending.placed]
    unplaced += pending.others
    if not unplaced:
        return
    notes = etree.SubElement(element, qname("notes"), source=docpipe)
    for segment, eid in unplaced:
        note = etree.SubElement(notes, qname("note"), eId=eid)
        if segment.num is not None:
            note.set("marker", xml_safe(segment.num))
        inliner.note_body(note, segment)


def _proprietary(element: etree._Element, doc: ProcessedDocument, docpipe: str) -> None:
    """Where the XML came from: the original's hash and name, the pipeline version, the doc id."""
    proprietary = etree.SubElement(element, qname("proprietary"), source=docpipe)
    prov = doc.provenance
    source = etree.SubElement(proprietary, f"{{{DP}}}source")
    source.set("docId", xml_safe(doc.doc_id))
    source.set("name", xml_safe(prov.source_name))
    source.set("sha256", xml_safe(prov.sha256))
    source.set("pipelineVersion", xml_safe(prov.pipeline_version))
    source.set("schemaVersion", xml_safe(doc.schema_version))


__all__ = ["STATEMENT_NAMES", "build", "to_bytes", "work_iri"]
