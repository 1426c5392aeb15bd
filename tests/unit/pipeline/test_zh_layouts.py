"""The Chinese profile on every organ and era: yearbook volumes, old GA sessions, the first
session, web copies; votes, numerals, dates, footnote markers printed as plain digits."""

from __future__ import annotations

import pytest

from pipeline.run import process
from pipeline.zh.dates import find_dates
from pipeline.zh.numerals import cn_to_int
from pipeline.zh.votes import parse_vote
from schemas import ProcessedDocument


def _doc(text: str, name: str = "t.txt") -> ProcessedDocument:
    return process(text.encode("utf-8"), name)


def _kinds(doc: ProcessedDocument, *kinds: str) -> list[tuple[str, str | None]]:
    return [(s.kind, s.num) for s in doc.segments if s.kind in kinds]


YEARBOOK = """四十四(一九四八).一九四八年四月一日决议案
〔S/714,贰〕

  安全理事会,

  业于一九四七年十二月九日接获大会一九四七年十一月二十九日关于巴勒斯坦之决议案一八一(二),

  业已阅悉该委员会之第一2325两月工作进度报告书,及其关于安全问题之第一特别报告书,24

  爰请秘书长依照联合国宪章第二十条之规定召集大会特别届会。


第二七七次会议以九票对零通过,弃权者二(乌克兰苏维埃社会主义共和国、苏维埃社会主义共和国联邦)。


23 安全理事会正式纪录,第三年,特别补编第二号,文件S/663。

24 同上,文件S/676。

25 同上,文件S/695。
"""


class TestYearbook:
    def test_heading_gives_symbol_and_date_not_title(self) -> None:
        """``四十四(一九四八).…决议案``: own symbol, adoption date; a Security Council resolution has no title."""
        meta = _doc(YEARBOOK).meta
        assert (meta.symbol, meta.adopted_on, meta.body, meta.title) == (
            "S/RES/44 (1948)",
            "1948-04-01",
            "Security Council",
            None,
        )
        assert meta.draft_symbol == "S/714"

    def test_vote_line_with_counts_and_named_states(self) -> None:
        """``第二七七次会议以九票对零通过,弃权者二(…)``: meeting 277 digit by digit, counts, abstainers."""
        meta = _doc(YEARBOOK).meta
        assert (meta.meeting, meta.vote) == (277, "recorded_vote")
        assert meta.vote_counts is not None
        assert (meta.vote_counts.yes, meta.vote_counts.no, meta.vote_counts.abstentions) == (9, 0, 2)
        assert meta.vote_counts.abstaining == ["乌克兰苏维埃社会主义共和国", "苏维埃社会主义共和国联盟"]

    def test_plain_digit_markers_in_the_compilation_sequence(self) -> None:
        """Notes 23–25 after the adoption line; markers fused to words (``第一2325两月``, ``报告书,24``)."""
        doc = _doc(YEARBOOK)
        notes = {s.num: s.text for s in doc.segments if s.kind == "footnote"}
        assert notes == {
            "23": "安全理事会正式纪录,第三年,特别补编第二号,文件S/663。",
            "24": "同上,文件S/676。",
            "25": "同上,文件S/695。",
        }
        cited = {r.num for s in doc.segments for r in s.footnote_refs}
        assert cited == {"23", "24", "25"}
        assert all("2325" not in s.text for s in doc.segments if s.kind == "preamble")

    def test_unnumbered_operative_paragraph(self) -> None:
        """The single ``爰请…`` after the recitals is an operative paragraph with num null."""
        doc = _doc(YEARBOOK)
        assert _kinds(doc, "preamble", "operative") == [("preamble", None), ("preamble", None), ("operative", None)]

    def test_old_citations(self) -> None:
        """``决议案一八一(二)`` is A/RES/181 (II); ``决议案五十(一九四八)`` S/RES/50 (1948)."""
        doc = _doc(YEARBOOK.replace("爰请秘书长", "依照决议案五十(一九四八),爰请秘书长"))
        values = [e.value for e in doc.entities if e.type == "resolution"]
        assert values == ["A/RES/181 (II)", "S/RES/50 (1948)"]


class TestVotes:
    @pytest.mark.parametrize(
        ("text", "kind", "counts"),
        [
            ("以12票对零票、3票弃权(…)通过", "recorded_vote", (12, 0, 3)),
            ("以九票对零通过,弃权者二(…)", "recorded_vote", (9, 0, 2)),
            ("以13票赞成、1票反对(巴基斯坦)、1票弃权(约旦)通过", "recorded_vote", (13, 1, 1)),
            ("以十三票对零票通过。", "recorded_vote", (13, 0, None)),
            ("以28票赞成、14票反对和5票弃权获得通过", "recorded_vote", (28, 14, 5)),
            ("一致通过。", "unanimous", None),
            ("协商一致通过。", "without_vote", None),
            ("[未经表决获得通过。]", "without_vote", None),
        ],
    )
    def test_wordings(self, text: str, kind: str, counts: tuple[int, int | None, int | None] | None) -> None:
        """Every wording of the volumes and of modern texts gives the kind of vote and its counts."""
        vote = parse_vote(text)
        assert vote is not None
        assert vote.kind == kind
        if counts is not None:
            assert (vote.yes, vote.no, vote.abstentions) == counts

    def test_named_states_are_canonical(self) -> None:
        """States in brackets after a count: against, abstaining, not voting."""
        vote = parse_vote("以七票对三票(中国、古巴、美利坚合众国)通过,弃权者一(埃及)")
        assert vote is not None
        assert (vote.against, vote.abstaining) == (["中国", "古巴", "美利坚合众国"], ["埃及"])
        vote = parse_vote("以九票通过(澳大利亚出席但不参加投票;苏维埃社会主义共和国联邦缺席)")
        assert vote is not None
        assert vote.yes == 9 and vote.no is None
        assert vote.not_voting == ["澳大利亚", "苏维埃社会主义共和国联盟"]

    def test_note_says_adopted_without_a_vote(self) -> None:
        """``第九〇二次会议通过。1`` with note ``1 未经表决通过。``: without a vote, meeting 902."""
        doc = _doc("安全理事会,\n\n决定继续处理此案。\n\n第九〇二次会议通过。1\n\n1 未经表决,通过。\n")
        assert (doc.meta.meeting, doc.meta.vote) == (902, "without_vote")

    def test_unanimous_and_positional_meeting(self) -> None:
        """``第四十二次会议一致通过``: meeting 42 (positional numerals), unanimous."""
        doc = _doc("安全理事会,\n\n一.决定审议;\n\n二.请秘书长报告。\n\n第四十二次会议一致通过\n")
        assert (doc.meta.meeting, doc.meta.vote) == (42, "unanimous")


class TestNumeralsAndDates:
    @pytest.mark.parametrize(
        ("text", "value"), [("一九八三", 1983), ("四十二", 42), ("一百零三", 103), ("二0二五", 2025), ("廿一", 21)]
    )
    def test_numerals(self, text: str, value: int) -> None:
        """Digit by digit, positional, with an ASCII zero, with 廿."""
        assert cn_to_int(text) == value

    @pytest.mark.parametrize(
        ("text", "values"),
        [
            ("一九七三年十月二十二日", ["1973-10-22"]),
            ("2016年3月至5月", ["2016-03", "2016-05"]),
            ("一九七三年十月二十二日第338(1973)号、十月二十五日第340(1973)号", ["1973-10-22", "1973-10-25"]),
            ("四月三日的答复", []),
        ],
    )
    def test_dates(self, text: str, values: list[str]) -> None:
        """Chinese numerals, month ranges with both ends, a year carried along a list (only there)."""
        assert sorted(d.value for d in find_dates(text)) == sorted(values)

    def test_date_spans_hold_the_whole_date(self) -> None:
        """A date's text runs to its 日 (or 月): ``2019年12月18日``, ``2017年5月``."""
        text = "大会2019年12月18日第74/166号决议和2017年5月的报告"
        assert [text[d.start : d.end] for d in find_dates(text)] == ["2019年12月18日", "2017年5月"]

    def test_date_lines_above_the_number(self) -> None:
        """``一九七六年十月二十二日`` / ``第396(1976)号决议``: the date line is the adoption date."""
        doc = _doc("一九七六年十月二十二日\n第396(1976)号决议\n安全理事会\n回顾其决议,\n1.决定继续处理。\n")
        assert (doc.meta.symbol, doc.meta.adopted_on) == ("S/RES/396 (1976)", "1976-10-22")
        assert _kinds(doc, "formula", "preamble", "operative") == [
            ("formula", None),
            ("preamble", None),
            ("operative", "1"),
        ]


class TestFormulasAndStructure:
    def test_formula_without_comma_and_lead_in(self) -> None:
        """``安全理事会`` alone, ``爰议决:`` before ``一.`` ``二.`` (the lead-in is no paragraph)."""
        doc = _doc("安全理事会\n\n鉴于甲,又\n\n鉴于乙,\n\n爰议决:\n\n一.审议;\n\n二.报告。\n\n第四十二次会议一致通过\n")
        assert _kinds(doc, "preamble", "operative") == [
            ("preamble", None),
            ("preamble", None),
            ("operative", "一"),
            ("operative", "二"),
        ]

    def test_1940s_fused_formula(self) -> None:
        """Recitals before ``大会授权秘书长…``; the closing date and plenary on one line."""
        doc = _doc(
            "二 任用临时办事人员\n\n兹鉴于临时办事人员勤勉忠实之服务.\n\n"
            "大会授权秘书长继续聘用办事人员至一九四六年四月一日止.\n\n一九四六年二月一日,第二十一次全会.\n"
        )
        assert doc.meta.title == "任用临时办事人员"
        assert (doc.meta.adopted_on, doc.meta.meeting) == ("1946-02-01", 21)
        assert _kinds(doc, "preamble", "formula", "operative") == [
            ("preamble", None),
            ("formula", None),
            ("operative", None),
        ]

    def test_decides_with_subparagraphs_and_stems(self) -> None:
        """``决定:`` then (a)(b)(c) is one unnumbered paragraph; ``二.`` with items (甲)(乙)."""
        doc = _doc(
            "安全理事会,\n审议了报告,\n决定:\n(a)要求执行;\n(b)延长任务;\n(c)请秘书长报告。\n第二〇一〇次会议以十二票对零票通过。\n"
        )
        assert [(s.kind, s.num, s.parent) for s in doc.segments if s.kind in ("operative", "subparagraph")] == [
            ("operative", None, None),
            ("subparagraph", "a", "op-1"),
            ("subparagraph", "b", "op-1"),
            ("subparagraph", "c", "op-1"),
        ]
        doc = _doc(
            "安全理事会,\n\n一.促请注意;\n\n二.决议通知:\n\n(甲)各方应负责;\n\n(乙)各方应制止。\n\n第三五四次会议通过。\n"
        )
        assert [(s.kind, s.num) for s in doc.segments if s.parent == "op-2"] == [
            ("subparagraph", "甲"),
            ("subparagraph", "乙"),
        ]

    @pytest.mark.parametrize("dot", ["、", ".", "．"])
    def test_chinese_numbered_paragraphs(self, dot: str) -> None:
        """``一、`` ``一.`` ``一．`` number operative paragraphs where no ``1.`` does."""
        doc = _doc(f"大会,\n\n鉴于甲,\n\n一{dot}断定侵略;\n\n二{dot}促请撤离。\n")
        assert _kinds(doc, "operative") == [("operative", "一"), ("operative", "二")]

    def test_old_ga_heading_and_committee(self) -> None:
        """``四九八(五).title`` and ``(据第一委员会报告书所通过之决议案)``; ``大会`` alone is the formula."""
        doc = _doc(
            "四九八(五).中华人民共和国中央人民政府干涉朝鲜\n(据第一委员会报告书所通过之决议案)\n\n大会\n\n鉴于甲,\n\n一.断定;\n\n一九五一年二月一日,\n第三二七次全体会议。\n"
        )
        meta = doc.meta
        assert (meta.symbol, meta.session, meta.committee, meta.title) == (
            "A/RES/498 (V)",
            5,
            "First Committee",
            "中华人民共和国中央人民政府干涉朝鲜",
        )
        assert (meta.adopted_on, meta.meeting) == ("1951-02-01", 327)

    def test_annex_before_the_adoption_line(self) -> None:
        """An annex's articles are not operative paragraphs."""
        doc = _doc(
            "决议二六三(一九六九)\n一九六九年一月二十四日\n\n安全理事会,\n\n鉴于甲,\n\n决议增列俄文。\n\n"
            "附件\n\n第四十一条\n\n中文为正式语文。\n\n第一四六三次会议通过。1\n\n1 未经表决,通过。\n"
        )
        assert _kinds(doc, "operative") == [("operative", None)]
        assert (doc.meta.symbol, doc.meta.vote) == ("S/RES/263 (1969)", "without_vote")


class TestWebCopies:
    def test_ascii_punctuation_pipes_and_list_dashes(self) -> None:
        """``- `` list markup, ASCII ``, ; :`` and trailing table pipes of web copies."""
        doc = _doc(
            "安全理事会,\n- 回顾其以往决议,\n- 1. 决定延长任务期限;\n- 2. 决定继续处理此案。\n"
            "第4044次会议一致通过。 |\n"
        )
        assert _kinds(doc, "preamble", "operative") == [("preamble", None), ("operative", "1"), ("operative", "2")]
        assert (doc.meta.meeting, doc.meta.vote) == (4044, "unanimous")

    def test_run_on_resolution(self) -> None:
        """A whole resolution on one line: paragraphs come back from numbering and punctuation."""
        doc = _doc("安全理事会,回顾其决议,1.决定延长任务;2.请秘书长报告。\n")
        assert _kinds(doc, "formula", "preamble", "operative") == [
            ("formula", None),
            ("preamble", None),
            ("operative", "1"),
            ("operative", "2"),
        ]

    def test_slash_markers_of_web_pages(self) -> None:
        """``报告1/`` with ``1/ 见…``: a footnote and its marker."""
        doc = _doc("大会,\n\n回顾报告1/,\n\n1. 决定。\n\n1/ 见A/75/53。\n")
        assert {s.num: s.text for s in doc.segments if s.kind == "footnote"} == {"1": "见A/75/53。"}
        assert [r.num for s in doc.segments if s.kind == "preamble" for r in s.footnote_refs] == ["1"]


class TestScript:
    def test_traditional_text_comes_back_as_printed(self) -> None:
        """Processing reads simplified characters; segments, title and entity texts are given back
        in the traditional characters printed, values stay canonical."""
        doc = _doc(
            "四十四(一九四八).一九四八年四月一日決議案\n\n安全理事會,\n\n業已閱悉報告書,\n\n爰請秘書長召集大會特別屆會。\n\n第二七七次會議一致通過。\n"
        )
        assert doc.provenance.converted_from_traditional
        assert [s.text for s in doc.segments if s.kind == "operative"] == ["爰請秘書長召集大會特別屆會。"]
        assert doc.meta.symbol == "S/RES/44 (1948)"
        for entity in doc.entities:
            seg = next(s for s in doc.segments if s.id == entity.segment)
            assert seg.text[entity.start : entity.end] == entity.text
        assert {e.value for e in doc.entities if e.type == "organization"} >= {"安全理事会"}


class TestModernSecurityCouncil:
    def test_closed_meeting_and_a_date_range_wrapped_after_its_zhi(self) -> None:
        """``第5547次(非公开)会议``; a paragraph wrapped after ``至`` goes on to its date."""
        doc = _doc(
            "第1715(2006)号决议\n\n2006年10月9日安全理事会第5547次(非公开)会议通过\n\n安全理事会，\n\n"
            "建议大会任命潘基文先生为秘书长，任期自2007年1月1日至\n2011年12月31日止。\n"
        )
        assert (doc.meta.symbol, doc.meta.meeting, doc.meta.adopted_on) == ("S/RES/1715 (2006)", 5547, "2006-10-09")
        assert [s.text for s in doc.segments if s.kind == "operative"] == [
            "建议大会任命潘基文先生为秘书长，任期自2007年1月1日至2011年12月31日止。"
        ]


class TestLinesCutInsideAPhrase:
    """A text layer wraps a Chinese line anywhere, also just before a word that opens paragraphs."""

    def test_a_wrapped_list_of_citations_is_no_item_heading(self) -> None:
        doc = _doc(
            "第2326(2016)号决议\n安全理事会2016年12月15日第7838次会议通过\n安全理事会,\n"
            "回顾以往第1996(2011)、2046(2012)、2057(2012)、\n2109(2013)、2132(2013)和2304(2016)号决议,\n"
            "根据《联合国宪章》第七章采取行动,\n1. 决定延长特派团的任务;\n2. 决定继续积极处理此案。\n"
        )
        assert [s.kind for s in doc.segments if s.kind in ("preamble", "operative", "context")] == [
            "preamble",
            "preamble",
            "operative",
            "operative",
        ]
        assert "S/RES/2109 (2013)" in {e.value for e in doc.entities}

    def test_a_line_cut_after_a_number_or_a_word_wanting_the_next(self) -> None:
        doc = _doc(
            "安全理事会,\n对该地区目前的紧张状态表示\n关切,\n决定:\n"
            "(a)请秘书长提出关于执行第338(1973)号\n决议所采取措施的报告。\n"
        )
        preamble = [s.text for s in doc.segments if s.kind == "preamble"]
        assert preamble == ["对该地区目前的紧张状态表示关切,"]
        assert [s.text for s in doc.segments if s.kind == "subparagraph"] == [
            "请秘书长提出关于执行第338(1973)号决议所采取措施的报告。"
        ]
