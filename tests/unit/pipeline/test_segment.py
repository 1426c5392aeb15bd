"""Stage segment: structure, labels as printed with warnings, header facts, generic fallback."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.clean import clean
from pipeline.profiles import profile_for
from pipeline.run import process
from pipeline.segment import segment
from schemas.stages import SegmentedDocument
from tests.conftest import DOCS

ZH = profile_for("zh")


def _segment(text: str) -> SegmentedDocument:
    return segment(clean(text, ZH), ZH)


DRAFT = """第七十五届会议

第三委员会

议程项目 72(c)

促进和保护人权：特别报告员和代表的报告

阿尔巴尼亚、波斯尼亚和黑塞哥维那、荷兰王国、大不列颠及北爱尔兰联合王国和美利坚合众国：决议草案

朝鲜民主主义人民共和国人权状况

大会，

重申所有国家都有义务，

回顾以往决议，

1. 谴责侵犯人权行为；

2. 表示严重关切：

(a) 持续不断接到报告，例如：

(一) 酷刑；

(二) 强迫劳动；

(d) 侵犯儿童权利；

(b) 拒绝合作；

3. 决定继续审议这个问题。
"""


class TestResolution:
    def test_header_facts(self) -> None:
        """Session, committee, agenda item, sponsors split by gazetteer (not on 和), title."""
        meta = _segment(DRAFT).meta
        assert (meta.session, meta.committee, meta.agenda_item) == (75, "Third Committee", "72(c)")
        assert meta.doc_type == "draft_resolution"
        assert meta.body == "General Assembly"
        assert meta.title == "朝鲜民主主义人民共和国人权状况"
        assert meta.sponsors == [
            "阿尔巴尼亚",
            "波斯尼亚和黑塞哥维那",
            "荷兰王国",
            "大不列颠及北爱尔兰联合王国",
            "美利坚合众国",
        ]

    def test_structure_and_parents(self) -> None:
        """Preamble after the formula, operatives, subparagraphs under operatives, items under subparagraphs."""
        segs = _segment(DRAFT).segments
        kinds = [s["kind"] for s in segs if s["kind"] != "header"]
        assert kinds[:3] == ["formula", "preamble", "preamble"]
        by_id = {s["id"]: s for s in segs}
        assert by_id["op-2-a"]["parent"] == "op-2"
        assert by_id["op-2-a-1"]["parent"] == "op-2-a"
        assert by_id["op-2-a-1"]["num"] == "一"
        assert by_id["op-2-a-1"]["text"] == "酷刑；"

    def test_labels_kept_as_printed_and_flagged(self) -> None:
        """(a), (d), (b) stay in printed order and a warning names the anomaly."""
        doc = _segment(DRAFT)
        subs = [s["num"] for s in doc.segments if s["kind"] == "subparagraph"]
        assert subs == ["a", "d", "b"]
        assert any(w.code == "subparagraph_sequence" and "op-2" in w.message for w in doc.warnings)

    def test_roman_items_and_letter_i(self) -> None:
        """(i) after (h) is a subparagraph; (i), (ii) after (a) are items."""
        text = (
            "大会，\n\n1. 决定：\n\n(a) 甲；\n\n(i) 子一；\n\n(ii) 子二；\n\n(b) 乙；\n\n"
            + "".join(f"({c}) 项；\n\n" for c in "cdefgh")
            + "(i) 第九项。\n"
        )
        segs = _segment(text).segments
        items = [(s["kind"], s["num"], s["parent"]) for s in segs if s["num"] in ("i", "ii")]
        assert items == [("item", "i", "op-1-a"), ("item", "ii", "op-1-a"), ("subparagraph", "i", "op-1")]

    def test_closing_block(self) -> None:
        """Date, meeting and vote lines close the resolution and fill meta."""
        text = "人权理事会，\n\n1. 决定继续审议。\n\n2023 年 10 月 12 日\n\n第 48 次会议\n\n[未经表决获得通过。]\n"
        doc = _segment(text)
        assert (doc.meta.adopted_on, doc.meta.meeting, doc.meta.vote) == ("2023-10-12", 48, "without_vote")
        assert [s["role"] for s in doc.segments if s["kind"] == "closing"] == ["date", "meeting", "vote"]

    def test_recorded_vote_counts(self) -> None:
        """A recorded vote's counts are read loosely."""
        text = (
            "人权理事会，\n\n1. 决定。\n\n2023年10月12日\n\n第48次会议\n\n[以28票赞成、14票反对、5票弃权获得通过。]\n"
        )
        meta = _segment(text).meta
        assert meta.vote == "recorded_vote"
        assert meta.vote_counts is not None
        assert (meta.vote_counts.yes, meta.vote_counts.no, meta.vote_counts.abstentions) == (28, 14, 5)

    def test_footnotes_know_who_cites_them(self) -> None:
        """A footnote lists the segments whose text carried its marker."""
        text = "大会，\n\n回顾其决议，¹\n\n¹ 第 55/2 号决议。\n\n1. 决定。\n"
        segs = {s["id"]: s for s in _segment(text).segments}
        assert segs["fn-1"]["cited_by"] == ["pre-1"]
        assert segs["pre-1"]["footnote_refs"][0].num == "1"

    def test_latin_word_warning(self) -> None:
        """An English word inside Chinese text is flagged, the text kept."""
        doc = _segment("大会，\n\n认识到在线上 and 线下的挑战，\n\n1. 决定。\n")
        assert any(w.code == "latin_word" and "'and'" in w.message for w in doc.warnings)


class TestOtherLayouts:
    @pytest.mark.parametrize("name", sorted(p.name for p in DOCS.glob("*.txt")))
    def test_other_documents_process_cleanly(self, name: str) -> None:
        """Other UN layouts (SC, traditional, 一、 numbering, a letter) process with sensible structure."""
        doc = process((DOCS / name).read_bytes(), name)
        assert doc.segments
        for entity in doc.entities:
            seg = next(s for s in doc.segments if s.id == entity.segment)
            assert seg.text[entity.start : entity.end] == entity.text

    def test_security_council(self) -> None:
        """SC: symbol from 第 N(YYYY)号决议, adoption line with meeting, subparagraphs."""
        doc = process(Path(DOCS / "sc_2397_2017.txt").read_bytes(), "sc.txt")
        assert (doc.meta.symbol, doc.meta.body, doc.meta.adopted_on, doc.meta.meeting) == (
            "S/RES/2397 (2017)",
            "Security Council",
            "2017-12-22",
            8151,
        )
        assert [s.num for s in doc.segments if s.kind == "operative"] == ["1", "2", "3"]
        assert "S/RES/1718 (2006)" in {e.value for e in doc.entities if e.type == "resolution"}

    def test_chinese_numbered_operatives_with_ascii_punctuation(self) -> None:
        """一、二、 number the operative paragraphs when no 1. 2. exist; ASCII commas still end preambles."""
        doc = process((DOCS / "old_layout_ascii.txt").read_bytes(), "old.txt")
        assert [s.num for s in doc.segments if s.kind == "operative"] == ["一", "二", "三"]
        assert len([s for s in doc.segments if s.kind == "preamble"]) == 2
        assert doc.meta.symbol == "A/RES/50/174"

    def test_traditional_resolution(self) -> None:
        """Traditional characters are read through their simplified view."""
        doc = process((DOCS / "ga_traditional.txt").read_bytes(), "trad.txt")
        assert doc.provenance.converted_from_traditional
        assert (doc.meta.symbol, doc.meta.session, doc.meta.meeting) == ("A/RES/70/1", 70, 4)

    def test_not_a_resolution(self) -> None:
        """A letter gets a generic segmentation and doc_type other."""
        doc = process((DOCS / "letter_not_resolution.txt").read_bytes(), "letter.txt")
        assert doc.meta.doc_type == "other"
        assert {s.kind for s in doc.segments} <= {"heading", "paragraph"}


def test_pdf_text_layer_draft() -> None:
    """A PDF-style draft: symbol in the masthead, a wrapped sponsor list, a wrapped preambular
    paragraph, and page furniture (job number, page number, running head) inside the body."""
    doc = process((DOCS / "draft_pdf_text_layer.txt").read_bytes(), "draft.txt")
    assert doc.meta.symbol == "A/C.3/75/L.35"
    assert doc.meta.sponsors == [
        "阿尔巴尼亚",
        "澳大利亚",
        "奥地利",
        "比利时",
        "保加利亚",
        "加拿大",
        "波斯尼亚和黑塞哥维那",
    ]
    preamble = [s.text for s in doc.segments if s.kind == "preamble"]
    assert preamble == [
        "重申所有国家都有义务促进和保护人权和基本自由，履行根据各项国际文书承担的义务，",
        "回顾大会以往通过的所有决议，",
    ]
    assert [s.num for s in doc.segments if s.kind == "operative"] == ["1", "2"]
    assert any(w.code == "page_furniture" for w in doc.warnings)
