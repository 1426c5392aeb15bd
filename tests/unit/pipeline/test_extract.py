"""Stage extract: symbols, citations with their organ, dates, instruments, gazetteers."""

from __future__ import annotations

import pytest

from pipeline.clean import clean_inline
from pipeline.profile import Mention, TagContext
from pipeline.profiles import profile_for
from pipeline.run import process
from pipeline.symbols import SYMBOL, normalize_symbol
from pipeline.zh import citations
from pipeline.zh.dates import find_dates
from pipeline.zh.gazetteers import split_sponsors
from pipeline.zh.titles import find_titles
from schemas import ProcessedDocument

ZH = profile_for("zh")


def find_citations(text: str, body: str | None, seen: dict[str, str]) -> list[Mention]:
    return list(citations.find_citations(text, TagContext(body=body, symbol=None, year=None, seen=seen)))


def _values(doc: ProcessedDocument, etype: str) -> list[str | None]:
    return [e.value for e in doc.entities if e.type == etype]


def _doc(text: str) -> ProcessedDocument:
    return process(text.encode("utf-8"), "t.txt")


class TestSymbols:
    @pytest.mark.parametrize(
        ("raw", "value"),
        [
            ("A/RES/69/179", "A/RES/69/179"),
            ("A/C.3/75/L.35", "A/C.3/75/L.35"),
            ("A/HRC/RES/54/24", "A/HRC/RES/54/24"),
            ("A/HRC/34/66/Add.1", "A/HRC/34/66/Add.1"),
            ("A/75/L.35/Rev.1", "A/75/L.35/Rev.1"),
            ("CRPD/C/PRK/Q/1", "CRPD/C/PRK/Q/1"),
            ("E/C.12/PRK/CO/1", "E/C.12/PRK/CO/1"),
            ("E/CN.4/2001/2-E/CN.4/Sub.2/2000/46", "E/CN.4/2001/2-E/CN.4/Sub.2/2000/46"),
            ("S/RES/2321 (2016)", "S/RES/2321 (2016)"),
            ("S/RES/2321(2016)", "S/RES/2321 (2016)"),
            ("A/CONF.157/24(Part I)", "A/CONF.157/24 (Part I)"),
            ("A/RES/217 (III)", "A/RES/217 (III)"),
            ("A/RES/ES-11/1", "A/RES/ES-11/1"),
            ("A/RES/S-13/2", "A/RES/S-13/2"),
        ],
    )
    def test_grammar(self, raw: str, value: str) -> None:
        """Each form of the UN symbol grammar is matched whole and normalized."""
        m = SYMBOL.search(f"见{raw}。")
        assert m is not None
        assert normalize_symbol(m.group()) == value

    def test_final_dot_and_spaces_after_dots(self) -> None:
        """``A/HRC/54/61.`` loses its full stop; ``CONF. 157`` closes up through cleaning."""
        doc = _doc(
            "大会，\n\n回顾报告，¹\n\n¹ A/HRC/54/61.\n\n² A/CONF. 157/24 (Part I)和 Corr. 1，第三章。\n\n1. 决定。\n"
        )
        symbols = _values(doc, "document_symbol")
        assert "A/HRC/54/61" in symbols
        assert "A/CONF.157/24 (Part I)" in symbols
        assert "A/CONF.157/24 (Part I)/Corr.1" in symbols

    def test_no_false_positives_in_urls_and_words(self) -> None:
        """A web address or COVID-19 is no symbol."""
        assert not SYMBOL.search("www.ohchr.org/en/documents/country-reports/x 和 COVID-19")


class TestCitations:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("大会2019年12月18日第74/166号决议", ["A/RES/74/166"]),
            ("人权理事会2020年6月22日第43/25号决议", ["A/HRC/RES/43/25"]),
            (
                "安全理事会2016年11月30日第2321(2016)号、2017年8月5日第2371(2017)号和第2397(2017)号决议",
                ["S/RES/2321 (2016)", "S/RES/2371 (2017)", "S/RES/2397 (2017)"],
            ),
            ("人权理事会第34/24、40/20和46/17号决议", ["A/HRC/RES/34/24", "A/HRC/RES/40/20", "A/HRC/RES/46/17"]),
            ("人权理事会第34/24号和40/20号决议", ["A/HRC/RES/34/24", "A/HRC/RES/40/20"]),
            ("见第2200 A(XXI)号决议，附件", ["A/RES/2200 A (XXI)"]),
            ("小组委员会第五十二届会议于2000年8月18日通过了关于对话的第2000/22号决议", ["E/CN.4/Sub.2/RES/2000/22"]),
            (
                "人权理事会2007年6月18日关于理事会体制建设的第5/1号决议和关于行为守则的第5/2号决议",
                ["A/HRC/RES/5/1", "A/HRC/RES/5/2"],
            ),
            ("大会第S-13/2号决议", ["A/RES/S-13/2"]),
        ],
    )
    def test_forms(self, text: str, expected: list[str]) -> None:
        """Each citation form gives its symbols with the issuing organ."""
        assert [c.value for c in find_citations(text, "General Assembly", {})] == expected

    def test_bare_number_takes_the_organ_cited_before(self) -> None:
        """000 para 10: a bare 第 34/24 号 is the HRC resolution cited earlier."""
        seen: dict[str, str] = {}
        list(find_citations("人权理事会2017年3月24日第34/24号决议", "General Assembly", seen))
        later = list(find_citations("高级专员根据第34/24号决议提交的报告", "General Assembly", seen))
        assert [c.value for c in later] == ["A/HRC/RES/34/24"]

    def test_date_corrects_the_organ(self) -> None:
        """GA session 34 was 1979: a 34/24 dated 2017 cannot be the GA's."""
        found = list(find_citations("大会报告提到2017年3月24日第34/24号决议", "General Assembly", {}))
        assert [c.value for c in found] == ["A/HRC/RES/34/24"]

    def test_own_number_is_not_a_citation(self) -> None:
        """``69/179.`` in the title is meta, not a cited resolution."""
        doc = _doc("大会\n\n2014年12月18日大会决议\n\n69/179. 增进合作\n\n大会，\n\n1. 决定。\n")
        assert doc.meta.symbol == "A/RES/69/179"
        assert "A/RES/69/179" not in _values(doc, "resolution")


class TestDates:
    @pytest.mark.parametrize(
        ("raw", "values"),
        [
            ("2019 年 12 月 18 日", ["2019-12-18"]),
            ("2023年10月12日", ["2023-10-12"]),
            ("2001 年 8 月 31 日至 9 月 8 日", ["2001-08-31", "2001-09-08"]),
            ("2009 年 4 月 20 日至 24 日", ["2009-04-20", "2009-04-24"]),
            ("2023年9月11日至10月13日", ["2023-09-11", "2023-10-13"]),
            ("2017 年 5 月访问", ["2017-05"]),
            ("28 January 2015第六十九届会议", ["2015-01-28"]),
            ("二〇一四年十二月十八日", ["2014-12-18"]),
            ("2017-2021 年期间", []),
            ("2014 年", []),
            ("2019年2月30日", []),
        ],
    )
    def test_forms(self, raw: str, values: list[str]) -> None:
        """Days, months, ranges (both ends), English and Chinese numerals; bare years are not dates."""
        text = clean_inline(raw, ZH)[0]
        assert [d.value for d in find_dates(text)] == values

    def test_range_ends_point_at_their_text(self) -> None:
        """Each end of a range has its own span."""
        text = "2001年8月31日至9月8日"
        assert [text[d.start : d.end] for d in find_dates(text)] == ["2001年8月31日", "9月8日"]


class TestTitles:
    def test_instruments_laws_and_publications(self) -> None:
        """Treaties are instruments; 《条约汇编》 and Official Records are publications; 《…法》 a law."""
        text = "《儿童权利公约》、《条约汇编》、《大会正式记录，第七十五届会议，补编第53号》、《青年教育保障法》"
        kinds = [(t.text, t.kind) for t in find_titles(text)]
        assert kinds == [
            ("儿童权利公约", "instrument"),
            ("条约汇编", "publication"),
            ("大会正式记录，第七十五届会议，补编第53号", "publication"),
            ("青年教育保障法", "law"),
        ]

    def test_generic_title_refers_back(self) -> None:
        """《宪章》 is the Charter named before; an unnamed 《议定书》 stays unresolved."""
        found = list(find_titles("《联合国宪章》……《宪章》……《难民地位公约》及其《议定书》"))
        assert [t.value for t in found] == ["联合国宪章", "联合国宪章", "难民地位公约", None]

    def test_alias_in_brackets(self) -> None:
        """(《纳尔逊·曼德拉规则》) names the rules just before it."""
        found = list(find_titles("《联合国囚犯待遇最低限度标准规则》(《纳尔逊·曼德拉规则》)"))
        assert [t.value for t in found] == ["联合国囚犯待遇最低限度标准规则"] * 2


class TestGazetteers:
    def test_misspelling_and_aliases(self) -> None:
        """朝鲜民主主义共和国 (a misspelling) has the canonical value; 朝鲜半岛 is no state."""
        doc = _doc("大会，\n\n注意到朝鲜民主主义共和国和日本，以及朝鲜半岛的局势，\n\n1. 决定。\n")
        assert _values(doc, "member_state") == ["朝鲜民主主义人民共和国", "日本"]

    def test_sponsors_split_by_gazetteer(self) -> None:
        """Names containing 和 or 及 are not split; unknown names are kept and flagged."""
        names, unknown = split_sponsors("波斯尼亚和黑塞哥维那、大不列颠及北爱尔兰联合王国、荷兰和乌托邦")
        assert names == ["波斯尼亚和黑塞哥维那", "大不列颠及北爱尔兰联合王国", "荷兰", "乌托邦"]
        assert unknown == ["乌托邦"]

    def test_organizations(self) -> None:
        """UN bodies are found with their canonical names, longest first."""
        doc = _doc("大会，\n\n注意到联合国儿童基金会、安理会和联合国人权事务高级专员办事处的工作，\n\n1. 决定。\n")
        assert {"联合国儿童基金会", "安全理事会", "联合国人权事务高级专员办事处"} <= set(_values(doc, "organization"))
