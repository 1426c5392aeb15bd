"""Stage clean: each trap listed in the gold README, plus traceability to the original."""

from __future__ import annotations

from pipeline.clean import clean as clean_text
from pipeline.clean import clean_inline as clean_line
from pipeline.profiles import profile_for
from schemas import FootnoteRef
from schemas.stages import Block, CleanDocument

ZH = profile_for("zh")


def clean(text: str) -> CleanDocument:
    return clean_text(text, ZH)


def clean_inline(text: str) -> tuple[str, list[FootnoteRef], bool]:
    return clean_line(text, ZH)


RESOLUTION = """大会，

回顾其以往决议，¹ 并意识到必要性，

¹ 见 A/HRC/25/63。

1. 再次赞赏调查委员会认定该国境内犯有危害人

² [A/HRC/43/58](#)。

类罪行，并**欢迎**其报告；

2. 强调必须按照 2017 年 8 月 5 日第 [2371\\(2017\\)](#)号、2017

³ 同上。

年9月11日第2375(2017)号决议；

(d) 同时不得把贩运行为受害人视为罪

犯，确保支持；
"""


def _bodies(text: str) -> list[Block]:
    return [b for b in clean(text).blocks if b.kind == "body"]


class TestInline:
    def test_markdown_residue(self) -> None:
        """Links, escaped brackets, bold and list dashes are unwrapped."""
        assert clean_inline("[A/HRC/43/58](#)。")[0] == "A/HRC/43/58。"
        assert clean_inline("第 [2321\\(2016\\)](#)号")[0] == "第2321(2016)号"
        text, _, bold = clean_inline("1. **谴责**朝鲜")
        assert text == "1.谴责朝鲜"
        assert bold
        assert clean_inline("- (一) 酷刑")[0] == "(一)酷刑"

    def test_spacing_between_chinese_and_digits(self) -> None:
        """Spaces between Chinese and digits go; Latin words keep theirs."""
        assert clean_inline("大会 2019 年 12 月 18 日第 74/166 号决议")[0] == "大会2019年12月18日第74/166号决议"
        assert clean_inline("冠状病毒病(COVID-19 疫情)")[0] == "冠状病毒病(COVID-19 疫情)"
        assert clean_inline("Distr.: General")[0] == "Distr.: General"

    def test_thin_space_number_is_joined(self) -> None:
        """A space-grouped number is one number: 1 040 万."""
        assert clean_inline("有 1 040 万人")[0] == "有1040万人"
        assert clean_inline("有 1\u2009040 万人")[0] == "有1040万人"

    def test_symbol_dots_closed_up(self) -> None:
        """``Add. 2`` and ``CONF. 157`` become ``Add.2`` and ``CONF.157``."""
        assert clean_inline("(A/69/488/Add. 2 和 Corr. 1)")[0] == "(A/69/488/Add.2 和 Corr.1)"
        assert clean_inline("A/CONF. 157/24(Part I)")[0] == "A/CONF.157/24(Part I)"

    def test_chinese_punctuation_and_superscripts_survive(self) -> None:
        """No NFKC: ，。；： stay full-width; footnote markers are recorded, not turned into digits."""
        text, refs, _ = clean_inline("报告² 所载建议，决议¹³；")
        assert text == "报告所载建议，决议；"
        assert [(r.num, r.offset) for r in refs] == [("2", 2), ("13", 9)]
        assert "2" not in text

    def test_full_width_letters_and_brackets_fold(self) -> None:
        """Full-width letters, digits and brackets become ASCII."""
        assert clean_inline("（Ａ／７５／５３）")[0] == "(A/75/53)"


class TestBlocks:
    def test_footnotes_detached_with_numbers(self) -> None:
        """Footnote lines become footnote blocks numbered as printed, residue removed."""
        notes = {b.num: b.text for b in clean(RESOLUTION).blocks if b.kind == "footnote"}
        assert notes == {"1": "见 A/HRC/25/63。", "2": "A/HRC/43/58。", "3": "同上。"}

    def test_paragraph_split_inside_a_word_is_rejoined(self) -> None:
        """``危害人`` / footnote block / ``类罪行`` comes back as one paragraph."""
        assert any("危害人类罪行，并欢迎其报告；" in b.text for b in _bodies(RESOLUTION))

    def test_date_split_by_footnote_block_is_rejoined(self) -> None:
        """``2017`` / footnote / ``年9月11日`` is one paragraph with the whole date."""
        assert any("2017年9月11日第2375(2017)号决议" in b.text for b in _bodies(RESOLUTION))

    def test_split_without_footnote_is_rejoined(self) -> None:
        """A subparagraph that does not end in ；。： continues in the next block."""
        assert any(b.text == "(d)同时不得把贩运行为受害人视为罪犯，确保支持；" for b in _bodies(RESOLUTION))

    def test_complete_paragraphs_are_not_joined(self) -> None:
        """A preambular paragraph ending in ， is complete; header lines never join."""
        bodies = [b.text for b in _bodies("第七十五届会议\n\n第三委员会\n\n" + RESOLUTION)]
        assert bodies[:3] == ["第七十五届会议", "第三委员会", "大会，"]
        assert bodies[3] == "回顾其以往决议，并意识到必要性，"

    def test_fused_header_line_is_split(self) -> None:
        """``28 January 2015第六十九届会议`` is two masthead lines, each with its role."""
        from pipeline.segment import segment

        doc = segment(clean("大会\n\n28 January 2015第六十九届会议\n\n大会，\n"), ZH)
        headers = [(s["text"], s["role"]) for s in doc.segments if s["kind"] == "header"]
        assert headers == [("大会", "body"), ("28 January 2015", "masthead_date"), ("第六十九届会议", "session")]

    def test_page_furniture_is_dropped(self) -> None:
        """Job numbers and page numbers are not text, and do not break a paragraph."""
        text = "大会，\n\n回顾其决议，又回顾\n\n14-67937 (C)\n\n3/17\n\n其他决议，\n"
        assert [b.text for b in _bodies(text)] == ["大会，", "回顾其决议，又回顾其他决议，"]

    def test_spans_trace_to_the_original(self) -> None:
        """Each block's spans cover the original characters it came from."""
        for block in clean(RESOLUTION).blocks:
            original = "".join(RESOLUTION[s:e] for s, e in block.spans)
            for char in block.text:
                if not char.isspace():
                    assert char in original
        merged = next(b for b in _bodies(RESOLUTION) if "类罪行" in b.text)
        assert len(merged.spans) == 2
        assert RESOLUTION[merged.spans[1][0] : merged.spans[1][1]].startswith("类罪行")

    def test_crlf_and_mixed_newlines(self) -> None:
        """Windows line ends split lines like Unix ones."""
        assert [b.text for b in _bodies("大会，\r\n\r\n回顾其决议，\r\n")] == ["大会，", "回顾其决议，"]


def test_private_use_placeholder_in_the_input_is_harmless() -> None:
    """U+E000 (the internal marker placeholder) in the input does not confuse footnote markers."""
    blocks = clean("大会，\n\n回顾\ue000决议，¹\n\n¹ 注。\n").blocks
    body = next(b for b in blocks if b.kind == "body" and "决议" in b.text)
    assert body.text == "回顾\ufffd决议，"
    assert [r.num for r in body.footnote_refs] == ["1"]
    assert clean_inline("甲\ue000乙²")[0] == "甲\ufffd乙"
