"""The English profile: official texts as pdftotext gives them, and OCR of the annual volumes."""

from __future__ import annotations

from pathlib import Path

import pytest

from pipeline.en.dates import find_dates
from pipeline.en.lexicon import ordinal_to_int
from pipeline.en.votes import parse_vote
from pipeline.run import process
from schemas import ProcessedDocument

GA = """A/RES/69/1

United Nations

Distr.: General
23 September 2014

General Assembly
Sixty-ninth session
Agenda item 124

Resolution adopted by the General Assembly on 19 September 2014
[without reference to a Main Committee (A/69/L.2)]

69/1.

Measures to contain and combat the recent Ebola
outbreak in West Africa

The General Assembly,
Expressing grave concern at the recent Ebola outbreak in West Africa and its
unprecedented nature and scope,
Noting the adoption by the Security Council of resolution 2176 (2014) of
15 September 2014 and resolution 2177 (2014) of 18 September 2014,

14-57589 (E)

*1457589*

Please recycle
\fA/RES/69/1

Measures to contain and combat the recent Ebola outbreak in West Africa

1.
Welcomes the intention of the Secretary-General to establish the United
Nations Mission for Ebola Emergency Response;1
2.
Requests the Secretary-General to take such measures as may be
necessary for the prompt execution of his intention;
Calls upon all Member States to provide their full support to the
3.
United Nations Mission for Ebola Emergency Response.
3rd plenary meeting
19 September 2014

_______________
1

2/2

See A/69/389-S/2014/679.
"""

SC = """S/RES/1373 (2001)

United Nations

Security Council

Distr.: General
28 September 2001

Resolution 1373 (2001)
Adopted by the Security Council at its 4385th meeting, on
28 September 2001
The Security Council,
Reaffirming its resolutions 1269 (1999) of 19 October 1999 and 1368 (2001) of
12 September 2001,
Reaffirming also its unequivocal condemnation of the terrorist attacks which
took place in New York, Washington, D.C. and Pennsylvania on 11 September 2001,
and expressing its determination to prevent all such acts,
Deeply concerned by the increase of acts of terrorism,
Acting under Chapter VII of the Charter of the United Nations,
1.

Decides that all States shall:

(a)

Prevent and suppress the financing of terrorist acts;

(b) Criminalize the wilful provision or collection of funds by their nationals
or in their territories;
(i) with the intention that the funds should be used;
(ii) in the knowledge that they are to be used;
2.

Decides to remain seized of this matter.
"""


def _doc(text: str, name: str = "t.txt") -> ProcessedDocument:
    return process(text.encode("utf-8"), name)


class TestGeneralAssembly:
    def test_masthead(self) -> None:
        """Symbol, session in words, agenda item, adoption date, draft symbol, number and wrapped title."""
        meta = _doc(GA).meta
        assert meta.language == "en"
        assert (meta.symbol, meta.body, meta.session, meta.agenda_item) == ("A/RES/69/1", "General Assembly", 69, "124")
        assert (meta.adopted_on, meta.draft_symbol, meta.committee) == ("2014-09-19", "A/69/L.2", None)
        assert meta.title == "Measures to contain and combat the recent Ebola outbreak in West Africa"
        assert (meta.meeting, meta.vote) == (3, None)

    def test_page_furniture_and_running_heads(self) -> None:
        """Job number, bar code, ``Please recycle``, the symbol and the title repeated atop page 2 are no text."""
        texts = " ".join(s.text for s in _doc(GA).segments if s.kind != "header")
        for furniture in ("14-57589", "1457589", "Please recycle", "A/RES/69/1"):
            assert furniture not in texts
        assert texts.count("Measures to contain") == 0

    def test_wrapped_lines_and_paragraph_numbers(self) -> None:
        """Recitals rejoined; numbers alone on their line and one printed after its paragraph's first line."""
        doc = _doc(GA)
        assert [s.kind for s in doc.segments if s.kind in ("preamble", "operative")] == ["preamble"] * 2 + [
            "operative"
        ] * 3
        ops = [(s.num, s.text[:20]) for s in doc.segments if s.kind == "operative"]
        assert ops == [("1", "Welcomes the intenti"), ("2", "Requests the Secreta"), ("3", "Calls upon all Membe")]
        assert any("resolution 2176 (2014) of 15 September 2014 and resolution 2177" in s.text for s in doc.segments)

    def test_footnote_number_apart_from_its_text(self) -> None:
        """Note ``1`` alone, the page number, then its text; the marker ``Response;1`` is removed."""
        doc = _doc(GA)
        assert {s.num: s.text for s in doc.segments if s.kind == "footnote"} == {"1": "See A/69/389-S/2014/679."}
        op1 = next(s for s in doc.segments if s.id == "op-1")
        assert op1.text.endswith("Response;") and [r.num for r in op1.footnote_refs] == ["1"]

    def test_entities(self) -> None:
        """Joint symbol, cited SC resolutions with their years, English dates."""
        doc = _doc(GA)
        values = {(e.type, e.value) for e in doc.entities}
        assert ("document_symbol", "A/69/389-S/2014/679") in values
        assert {("resolution", "S/RES/2176 (2014)"), ("resolution", "S/RES/2177 (2014)")} <= values
        assert ("date", "2014-09-15") in values
        assert ("document_symbol", "A/RES/69/1") not in values


class TestSecurityCouncil:
    def test_heading_and_adoption_line(self) -> None:
        """``Resolution 1373 (2001)``, the adoption line wrapped before its date; no title."""
        meta = _doc(SC).meta
        assert (meta.symbol, meta.body, meta.meeting, meta.adopted_on, meta.title) == (
            "S/RES/1373 (2001)",
            "Security Council",
            4385,
            "2001-09-28",
            None,
        )

    def test_structure(self) -> None:
        """Four recitals (one opening ``Deeply concerned``); ``(a)`` alone on its line; items ``(i)``."""
        doc = _doc(SC)
        assert len([s for s in doc.segments if s.kind == "preamble"]) == 4
        tree = [(s.kind, s.num, s.parent) for s in doc.segments if s.kind in ("operative", "subparagraph", "item")]
        assert tree == [
            ("operative", "1", None),
            ("subparagraph", "a", "op-1"),
            ("subparagraph", "b", "op-1"),
            ("item", "i", "op-1-b"),
            ("item", "ii", "op-1-b"),
            ("operative", "2", None),
        ]

    def test_citations_and_instruments(self) -> None:
        """``its resolutions 1269 (1999) of … and 1368 (2001)``; the Charter by its English title."""
        doc = _doc(SC)
        assert [e.value for e in doc.entities if e.type == "resolution"] == ["S/RES/1269 (1999)", "S/RES/1368 (2001)"]
        assert "Charter of the United Nations" in {e.value for e in doc.entities if e.type == "instrument"}

    def test_closed_meeting_and_a_date_wrapped_in_the_last_paragraph(self) -> None:
        """*at its 5547th (closed) meeting, on* / the date; a paragraph wrapped before
        ``31 December 2011.`` goes on (the line is shaped as a closing date, not one)."""
        text = (
            "S/RES/1715 (2006)\n\nResolution 1715 (2006)\n"
            "Adopted by the Security Council at its 5547th (closed) meeting, on\n9 October 2006\n"
            "The Security Council,\nRecommends to the General Assembly that Mr. Ban Ki-moon be appointed\n"
            "Secretary-General for a term of office from 1 January 2007 to\n31 December 2011.\n"
        )
        doc = _doc(text)
        assert (doc.meta.meeting, doc.meta.adopted_on) == (5547, "2006-10-09")
        assert [s.kind for s in doc.segments if s.kind in ("operative", "closing")] == ["operative"]
        assert doc.segments[-1].text.endswith("from 1 January 2007 to 31 December 2011.")


def test_adopted_by_written_procedure() -> None:
    """*Adopted by the Security Council on 1 July 2020*: no meeting (written procedure, 2020-2021)."""
    doc = _doc(
        "S/RES/2532 (2020)\n\nResolution 2532 (2020)\nAdopted by the Security Council on 1 July 2020\n"
        "The Security Council,\nRecalling its primary responsibility,\n1. Demands a cessation of hostilities.\n"
    )
    assert (doc.meta.doc_type, doc.meta.body, doc.meta.adopted_on, doc.meta.meeting) == (
        "resolution",
        "Security Council",
        "2020-07-01",
        None,
    )


def test_an_adoption_line_wrapped_before_the_word_meeting() -> None:
    """OCR: *Adopted unanùnously al the 3009th* / blank / *meeting.*, and a spelled-out plenary meeting."""
    sc = _doc(
        "The Security Council,\nRecalling its resolutions,\n1. Decides to remain seized of the matter.\n"
        "Adopted unanùnously al the 3009th\n\nmeeting.\n"
    )
    assert (sc.meta.meeting, sc.meta.vote) == (3009, "unanimous")
    ga = _doc("The General Assembly,\n1. Decides to admit Israel.\nTwo hundred and seventh plenary meeting,\n")
    assert ga.meta.meeting == 207


class TestDraft:
    HEAD = (
        "A/77/L.3\n\nUnited Nations\n\nGeneral Assembly\n\nDistr.: Limited\n4 October 2022\n\n"
        "Seventy-seventh session\nAgenda item 69 (a)\nStrengthening of the coordination of humanitarian\n"
    )

    def test_a_sponsor_list_over_several_lines(self) -> None:
        """Only the list's last line carries *: draft resolution*; the lines of names before it are its start."""
        doc = _doc(
            self.HEAD + "Algeria, Angola, Antigua and Barbuda, Argentina,\nBahamas, Bahrain, Bangladesh, South\n"
            "Africa, Sudan, Suriname, Venezuela\n(Bolivarian Republic of), Viet Nam and Yemen: draft resolution\n\n"
            "Solidarity with the people of Pakistan\nThe General Assembly,\nGuided by the Charter,\n"
            "1. Expresses its solidarity.\n"
        )
        assert doc.meta.doc_type == "draft_resolution"
        assert doc.meta.sponsors[:2] == ["Algeria", "Angola"] and len(doc.meta.sponsors) == 13
        assert "Venezuela (Bolivarian Republic of)" in doc.meta.sponsors
        assert doc.meta.title == "Solidarity with the people of Pakistan"

    def test_a_lone_unnumbered_operative_paragraph_before_a_numbered_annex(self) -> None:
        """The annex numbers its paragraphs; the resolution's only operative paragraph is not numbered."""
        doc = _doc(
            self.HEAD + "Singapore: draft resolution\n\nPlenary meetings\nThe General Assembly,\n"
            "Recalling its resolution 76/72,\nDecides to adopt the arrangements as outlined in the annex.\n\n"
            "Annex\nArrangements\n1. Four plenary meetings shall be held.\n2. The speakers shall be as follows.\n"
        )
        kinds = [(s.kind, s.num) for s in doc.segments if s.kind in ("preamble", "operative")]
        assert kinds == [("preamble", None), ("operative", None)]


def test_notes_without_a_rule_and_a_resolution_in_parts() -> None:
    """1998: ``A/RES/52/1 B``, the part letter under the title with its marker (``B1``), and notes at
    the page's foot with no rule, their numbers alone (taken before for page numbers)."""
    text = (
        "A/RES/52/1 B\n17 July 1998\n\nFifty-second session\nAgenda item 142 (a)\n\n52/1.\n\n"
        "Financing of the Logistics Base at Brindisi, Italy\nB1\n\nThe General Assembly,\n"
        "Recalling its decision 50/500 of 17 September 1996,\n"
        "Having considered the reports of the Secretary-General,2 the report of\n\n1\n\n"
        "Consequently, resolution 52/1 should read resolution 52/1 A.\n2\n\nA/52/810 and A/52/858.\n\n"
        "98-77323\n\n/...\n\nthe Office of Internal Oversight Services,\n1. Takes note of the reports;\n"
        "88th plenary meeting\n26 June 1998\n"
    )
    doc = _doc(text)
    assert (doc.meta.symbol, doc.meta.title) == ("A/RES/52/1 B", "Financing of the Logistics Base at Brindisi, Italy")
    notes = {s.num: s.text for s in doc.segments if s.kind == "footnote"}
    assert notes == {"1": "Consequently, resolution 52/1 should read resolution 52/1 A.", "2": "A/52/810 and A/52/858."}
    preamble = [s.text for s in doc.segments if s.kind == "preamble"]
    assert len(preamble) == 2 and preamble[1].endswith("the report of the Office of Internal Oversight Services,")


def test_labels_with_a_space_inside() -> None:
    """OCR of the 1960s volumes: ``( b)``, ``( c)`` are subparagraphs as ``(b)`` is."""
    doc = _doc(
        "The Security Council,\nEmphasizing the inadmissibility of war,\n2. Affirms further the necessity\n"
        "(a) For guaranteeing freedom of navigation;\n( b) For achieving a just settlement;\n"
        "( c) For guaranteeing the territorial inviolability;\n"
    )
    assert [s.num for s in doc.segments if s.kind == "subparagraph"] == ["a", "b", "c"]


def test_a_closing_date_with_a_split_day_is_no_note() -> None:
    """OCR splits 11 into ``1 I``: ``1 I December 1946.`` is a date, not note 1."""
    from pipeline.en.layouts import FOOTNOTES
    from pipeline.profile import first_match

    assert first_match(FOOTNOTES, "1 I December 1946.") is None
    assert first_match(FOOTNOTES, "1 Official Records of the General Assembly.") is not None


def test_a_page_number_after_the_next_items_heading_opens_no_notes() -> None:
    """On a compilation page the next item follows a closing; its page number is not a note."""
    text = (
        "3379 (XXX). Elimination of all forms of racial discrimination\n\nThe General Assembly,\n"
        "Recalling its resolution 1904 (XVIII),\n1. Requests the Secretary-General to report.\n"
        "2399th plenary meeting\n10 November 1975\n"
        "3380 (XXX). Status of the Convention\n\nThe General Assembly,\nRecalling its resolution 3068 (XXVIII)\n"
        "\n84\n\nGeneral Assembly--Thirtieth Session\n\nof 30 November 1973,\n1. Appeals to all States.\n"
    )
    assert not [s for s in _doc(text, "ares-3379-xxx.en.txt").segments if s.kind == "footnote"]


def test_the_symbol_at_a_page_head_without_its_form_feed() -> None:
    """A copy that lost its form feeds: the symbol printed again at a page's head is furniture."""
    text = (
        "S/RES/1540 (2004)\n\nResolution 1540 (2004)\nAdopted by the Security Council at its 4956th meeting,"
        " on 28 April 2004\nThe Security Council,\nAffirming that proliferation of nuclear weapons and their\n"
        "S/RES/1540 (2004)\nmeans of delivery constitutes a threat,\n1. Decides that all States shall refrain.\n"
    )
    doc = _doc(text)
    assert [s.text for s in doc.segments if s.kind == "preamble"] == [
        "Affirming that proliferation of nuclear weapons and their means of delivery constitutes a threat,"
    ]
    assert not [e for e in doc.entities if e.value == "S/RES/1540 (2004)"]


def test_the_committee_of_the_volume_section_an_item_stands_in() -> None:
    """``RESOLUTIONS ADOPTED ON THE REPORTS OF THE SPECIAL`` / ``POLITICAL COMMITTEE`` above a page's
    items is the committee of the item; a yearbook date OCR misread (``I August 194-7``) still reads."""
    text = (
        "RESOLUTIONS ADOPTED ON THE REPORTS OF THE SPECIAL\nPOLITICAL COMMITTEE\n\n"
        "1760 (XVII). Another item\n\nThe General Assembly,\n1. Decides to continue.\n"
        "1190th plenary meeting,\n5 November 1962.\n\n"
        "1761 (XVII). The policies of apartheid\n\nThe General Assembly,\nRecalling its resolutions,\n"
        "1. Deplores the failure.\n1165th plenary meeting,\n6 November 1962.\n"
    )
    doc = _doc(text, "ares-1761-xvii.en.txt")
    assert (doc.meta.symbol, doc.meta.committee) == ("A/RES/1761 (XVII)", "Special Political Committee")
    sc = _doc("Z7 (1947). Reaolution of I August 194-7\n\nThe Security Council,\n1. Calls upon the parties.\n")
    assert sc.meta.adopted_on == "1947-08-01"


def test_a_word_divided_at_a_page_foot_and_the_volume_running_head() -> None:
    """``the manifesta-`` / page number / ``General Assembly--Thirtieth Seeeion`` / ``tions of``: one word,
    the running head furniture; a hyphen a compound keeps stays (``Secretary-`` / ``General``)."""
    doc = _doc(
        "The General Assembly,\nRecalling its expression of alarm at the manifesta-\n\n84\n\n"
        "General Assembly--Thirtieth Seeeion\n\ntions of racial discrimination,\n"
        "1. Requests the Secretary-\nGeneral to report.\n"
    )
    texts = [s.text for s in doc.segments if s.kind in ("preamble", "operative")]
    assert texts == [
        "Recalling its expression of alarm at the manifestations of racial discrimination,",
        "Requests the Secretary-General to report.",
    ]


def test_page_numbers_alone_stay_page_numbers() -> None:
    """Numbers alone that do not run 1, 2, … before short texts at a page's foot are not notes."""
    text = (
        "The General Assembly,\nRecalling its resolution 50/1,\n1. Decides to continue;\n\n61\n\n"
        "Resolutions on this question were also adopted in 1977.\n62\nSee Official Records.\n\n15\n\n"
        "2. Requests the Secretary-General to report.\n"
    )
    assert not [s for s in _doc(text).segments if s.kind == "footnote"]


def test_the_end_of_an_item_printed_above_its_heading() -> None:
    """A 1979 page read out of column order: paragraphs 5-7 and the adoption line stand above the
    heading; the Council's decision between them is the page's other text."""
    text = (
        "5. Requests the Commission to submit its report to\nthe Security Council by 1 July 1979;\n"
        "6. Requests the Secretary-General to provide the\nCommission with the necessary facilities;\n\n"
        "At its 2134th meeting, on 22 March 1979, the Council decided to invite the representative\n"
        "of Saudi Arabia to participate.\n\n"
        "Adopted at the 2134th meeting b_v 12 votes to none,\nwith 3 abstentions (Norway,\n"
        "United States of America).\n\nResolution 446 (1979)\nof 22 March 1979\n\nThe Security Council,\n"
        "Stressing the urgent need to achieve a just and lasting peace,\n"
        "1. Determines that the policy of Israel has no legal validity;\n"
        "2. Strongly deplores the failure of Israel to abide by General Assembly resolutions 2253 (ES-V) and 2254"
        " (ES-V) of 4 and 14 July 1967, 32/5 of 28 October 1977 and 33/113 of 18 December 1978;\n"
        "3. Calls once more upon Israel;\n4. Establishes a commission;\n"
    )
    doc = _doc(text, "sres-446-1979.en.txt")
    assert [s.num for s in doc.segments if s.kind == "operative"] == ["1", "2", "3", "4", "5", "6"]
    operative = {s.num: s.text for s in doc.segments if s.kind == "operative"}
    assert operative["6"] == "Requests the Secretary-General to provide the Commission with the necessary facilities;"
    assert (doc.meta.symbol, doc.meta.meeting, doc.meta.vote) == ("S/RES/446 (1979)", 2134, "recorded_vote")
    assert doc.meta.vote_counts is not None
    assert doc.meta.vote_counts.abstaining == ["Norway", "United States of America"]
    assert any(s.kind == "context" and s.text.startswith("At its 2134th meeting") for s in doc.segments)
    assert {"A/RES/32/5", "A/RES/33/113", "A/RES/2254 (ES-V)"} <= {e.value for e in doc.entities}


def test_ocr_of_a_1976_volume() -> None:
    """``17,e Semrity Cou11dl,``, participles with OCR noise (``Hal'ing``), ``meeti111``."""
    doc = _doc(
        "17,e Semrity Cou11dl,\nRecalling its resolution 384 (1975),\n"
        "Hai·ing considered the report of the Secretary-General,\nHal'ing heard the statements of Portugal,\n"
        "1. Calls upon all States to respect the territorial integrity of East Timor;\n"
        "Adopted at the 1914th meeti111 by 12 votes to none, with 2 abstentions (Japan, United States of America).\n"
    )
    assert doc.meta.body == "Security Council"
    assert len([s for s in doc.segments if s.kind == "preamble"]) == 3
    assert (doc.meta.meeting, doc.meta.vote) == (1914, "recorded_vote")


def test_a_heading_whose_year_ocr_split() -> None:
    """``Resolution 396 ( I 97 6)`` and an adoption line *at the* Nth meeting before the formula."""
    doc = _doc(
        "Resolution 396 ( I 97 6)\nof 22 October 1976\n\nAdopted at the 1964th meeting by 13 votes to none.\n\n"
        "The Security Council,\nRecalling its resolutions 338 (1973),\n1. Decides to renew the mandate.\n"
    )
    assert (doc.meta.symbol, doc.meta.adopted_on, doc.meta.meeting) == ("S/RES/396 (1976)", "1976-10-22", 1964)


class TestYearbook:
    PAGE = """Decision

At its 27th meeting, on 27 March 1946, the Council adopted a proposal.

3 (1946). Resolution of 4 April 1946

The Security Council,
Taking note of the statements by the Iranian representative,
Resolves that the Council defer further proceedings on the Iranian appeal,
Provided, however, that the Secretary-General shall immediately report.
Adopted at the 30th meeting
by 9 votes ( Australia, present
and not voting; Union of
Soviet Socialist Republics,
absent).

5 (1946). Resolution of 8 May 1946

The Security Council,
Resolves to defer further proceedings.
Adopted at the 40th meeting.
"""

    def test_own_item_among_its_neighbours(self) -> None:
        """The page's neighbours are context; the name picks resolution 3; its vote wraps over lines."""
        doc = process(self.PAGE.encode(), "sres-3-1946.en.txt")
        meta = doc.meta
        assert (meta.symbol, meta.adopted_on, meta.meeting, meta.vote) == (
            "S/RES/3 (1946)",
            "1946-04-04",
            30,
            "recorded_vote",
        )
        assert meta.vote_counts is not None and meta.vote_counts.yes == 9
        assert [s.num for s in doc.segments if s.kind == "operative"] == [None, None]
        assert all("40th meeting" not in s.text for s in doc.segments if s.kind != "context")

    def test_without_the_name_the_first_resolution(self) -> None:
        """With a name that says nothing, the first resolution with a formula is the document."""
        assert process(self.PAGE.encode(), "page.txt").meta.symbol == "S/RES/3 (1946)"


class TestGrammar:
    @pytest.mark.parametrize(
        ("text", "kind", "counts"),
        [
            ("Adopted unanimously at the 42nd meeting.", "unanimous", None),
            ("by 13 votes to none, with 2 abstentions (Nicaragua and Zimbabwe)", "recorded_vote", (13, 0, 2)),
            ("by 12 votes to none, with 3 abstentions", "recorded_vote", (12, 0, 3)),
            ("[Adopted without a vote.]", "without_vote", None),
            ("Adopted unaninwusly at the", "unanimous", None),  # OCR
            ("Adopted unanùnously al the 3009th", "unanimous", None),
        ],
    )
    def test_votes(self, text: str, kind: str, counts: tuple[int, int, int] | None) -> None:
        vote = parse_vote(text)
        assert vote is not None and vote.kind == kind
        if counts is not None:
            assert (vote.yes, vote.no, vote.abstentions) == counts

    @pytest.mark.parametrize(
        ("text", "values"),
        [
            ("from 6 to 8 September 2000", ["2000-09-06", "2000-09-08"]),
            ("on 3 and 4 March 2022", ["2022-03-03", "2022-03-04"]),
            ("from 27 June to 1 July 2022", ["2022-06-27", "2022-07-01"]),
            ("5–16 June 1972", ["1972-06-05", "1972-06-16"]),
            ("its declaration of October 1970", ["1970-10"]),
            ("in 2030", []),
            ("the address of April 2nd 2020", ["2020-04-02"]),
            (
                "letters dated 5 and 22 July, 6 and 21 August and 20 September 1991",
                ["1991-07-05", "1991-07-22", "1991-08-06", "1991-08-21", "1991-09-20"],
            ),
            ("on 29 August and 4 and 20 September 1991", ["1991-08-29", "1991-09-04", "1991-09-20"]),
            ("from 27 December to 3 January 2022", ["2021-12-27", "2022-01-03"]),
        ],
    )
    def test_dates(self, text: str, values: list[str]) -> None:
        assert [d.value for d in find_dates(text)] == values

    @pytest.mark.parametrize(
        ("word", "value"),
        [
            ("Sixty-ninth", 69),
            ("twenty-first", 21),
            ("fifteenth", 15),
            ("4385th", 4385),
            ("Two hundred and seventh", 207),
            ("one hundred first", 101),
            ("three hundredth", 300),
        ],
    )
    def test_ordinals(self, word: str, value: int) -> None:
        assert ordinal_to_int(word) == value

    @pytest.mark.parametrize(
        ("sentence", "values"),
        [
            ("Recalling its resolutions 34/24, 40/20 and 46/17,", ["A/RES/34/24", "A/RES/40/20", "A/RES/46/17"]),
            ("Recalling General Assembly resolution 2200 A (XXI),", ["A/RES/2200 A (XXI)"]),
            ("Recalling Human Rights Council resolution 43/25 of 22 June 2020,", ["A/HRC/RES/43/25"]),
            ("Recalling Economic and Social Council resolution 1980/67 of 25 July 1980,", ["E/RES/1980/67"]),
            (
                "Recalling its resolutions 68/262 of 27 March 2014, entitled “Territorial integrity of Ukraine”,"
                " ES-11/1 of 2 March 2022, entitled “Aggression against Ukraine”, and ES-11/2 of 24 March 2022,",
                ["A/RES/68/262", "A/RES/ES-11/1", "A/RES/ES-11/2"],
            ),
            ("Recalling resolutions 2253 (ES-V) and 2254 (ES-V),", ["A/RES/2253 (ES-V)", "A/RES/2254 (ES-V)"]),
        ],
    )
    def test_citations(self, sentence: str, values: list[str]) -> None:
        """The organ of a cited resolution comes from the words before it (GA document)."""
        doc = _doc(f"The General Assembly,\n{sentence}\n1. Decides to continue.\n")
        assert [e.value for e in doc.entities if e.type == "resolution"] == values

    def test_a_session_number_is_never_a_council_resolution(self) -> None:
        """In a Security Council text, *the resolution 74/270* is the General Assembly's."""
        doc = _doc("The Security Council,\nHaving considered the resolution 74/270,\n1. Decides to remain seized.\n")
        assert [e.value for e in doc.entities if e.type == "resolution"] == ["A/RES/74/270"]

    def test_a_name_with_a_fused_note_marker(self) -> None:
        """A text layer's plain-digit marker glued to a name does not hide it; digits inside a name stay."""
        doc = _doc(
            "The General Assembly,\nNoting the report of the Office of Internal Oversight Services4 and of the"
            " Commission on the Limits of the Continental Shelf,\n1. Decides.\n"
        )
        names = [e.value for e in doc.entities if e.type == "organization"]
        assert "Office of Internal Oversight Services" in names
        assert "Commission on the Limits of the Continental Shelf" in names

    def test_member_states_with_iso3_and_word_boundaries(self) -> None:
        """States by their UN short names with ISO-3; no state inside another word or name."""
        doc = _doc(
            "The General Assembly,\nNoting that women in Oman, the Netherlands and Papua New Guinea,\n1. Decides.\n"
        )
        states = [(e.value, e.iso3) for e in doc.entities if e.type == "member_state"]
        assert [v for v, _ in states] == ["Oman", "Netherlands", "Papua New Guinea"]


def test_french_column_is_set_aside() -> None:
    """A paragraph of the French column of a bilingual volume is context, not preamble."""
    doc = _doc(
        "The Security Council,\nTaking note of the statements by the representative of Iran,\n"
        "Prenant acte des declarations du representant de l'Iran aux termes desquelles le Conseil est saisi,\n"
        "Resolves to defer the proceedings.\n"
    )
    assert len([s for s in doc.segments if s.kind == "preamble"]) == 1
    assert any(s.kind == "context" and s.text.startswith("Prenant") for s in doc.segments)


@pytest.mark.parametrize(
    "french",
    [
        "Le C onseil de sccuritc,",  # the formula as OCR reads it
        "A ffirmc en outre la necessite",
        "Prie le Secretaire general de presenter aussitot",
        "Demande instamment que des mesures soient prises",
        "sur le 3ge parallele;",  # a tail OCR cut from its paragraph
        "Adoptee d la 173\" .reance'.",
        "Documents officiels du Conseil de securite, seiziime annee,",
    ],
)
def test_french_of_the_old_volumes_as_ocr_reads_it(french: str) -> None:
    """The French column's lines, accentless and OCR-noisy, short or long, are told apart."""
    from pipeline.en import PROFILE

    assert PROFILE.foreign(french)


@pytest.mark.parametrize(
    "english",
    [
        "Recalling the visit of Mr. de Mello to La Paz,",
        "Requests the Secretary-General to report on the situation in Côte d'Ivoire;",
        "Decides to remain seized of the matter.",
        "Le Duc Tho and Henry Kissinger",
    ],
)
def test_english_with_a_french_name_is_english(english: str) -> None:
    from pipeline.en import PROFILE

    assert not PROFILE.foreign(english)


def test_a_french_note_never_replaces_the_english_one() -> None:
    doc = _doc(
        "The Security Council,\nNoting the report,3\n1. Urges the parties to cease fire.\n__________\n"
        "3 Official Records of the Security Council, Sixteenth Year.\n"
        "3 Documents officiels du Conseil de securite, seiziime annee.\n"
    )
    notes = [s.text for s in doc.segments if s.kind == "footnote"]
    assert notes == ["Official Records of the Security Council, Sixteenth Year."]


class TestTextLayerArtefacts:
    def test_words_scattered_from_a_justified_line_go_back(self) -> None:
        """pdftotext sets the words of a line one per paragraph after the next line: they go back."""
        doc = _doc(
            "The General Assembly,\nHaving received the recommendation of the Security Council,\n"
            "Having considered\nConfederation,\n\nthe\n\napplication\n\nfor\n\nmembership\n\nof\n\nthe\n\nSwiss\n\n"
            "Decides to admit the Swiss Confederation to membership in the United\nNations.\n"
        )
        preamble = [s.text for s in doc.segments if s.kind == "preamble"]
        assert preamble[-1] == "Having considered the application for membership of the Swiss Confederation,"

    def test_words_scattered_below_the_page_foot_go_back(self) -> None:
        """The same after the notes and the job number of the page."""
        doc = _doc(
            "The General Assembly,\nRecalling the 2030 Agenda for Sustainable Development, 1 and the Paris\n"
            "Agreement, 2\nReaffirming the principles of humanity, neutrality,\n"
            "independence for the provision of humanitarian assistance,\n\n__________________\n\n"
            "Resolution 70/1.\nSee FCCC/CP/2015/10/Add.1, decision 1/CP.21, annex.\n1\n2\n\n22-23391 (E)\n\n"
            "*2223391*\n\nimpartiality\n\nand\n\f\n1. Decides to remain seized of the matter.\n"
        )
        assert (
            "Reaffirming the principles of humanity, neutrality, impartiality and independence for the "
            "provision of humanitarian assistance,"
        ) in [s.text for s in doc.segments]

    def test_a_running_title_over_several_lines_is_furniture(self) -> None:
        """After a page break the title comes again, wrapped elsewhere; its lines ending in a comma too."""
        title = (
            "Solidarity with and support for the Government and people of\nPakistan and strengthening of "
            "emergency relief, rehabilitation,\nreconstruction and prevention in the wake of the recent\n"
            "devastating floods\n"
        )
        again = (
            "A/RES/77/1\n\nSolidarity with and support for the Government and people of\nPakistan and "
            "strengthening of emergency relief, rehabilitation,\nreconstruction and prevention in the wake of "
            "the recent devastating\nfloods\n\n"
        )
        doc = _doc(
            "A/RES/77/1\n\n77/1.\n\n"
            + title
            + "The General Assembly,\nNoting the destruction,\n\f"
            + again
            + "Underlining the need to address the impacts,\n1. Decides to remain seized of the matter.\n"
        )
        assert [s.text for s in doc.segments if s.kind == "preamble"] == [
            "Noting the destruction,",
            "Underlining the need to address the impacts,",
        ]

    def test_a_speck_alone_on_its_line_does_not_cut_a_paragraph(self) -> None:
        doc = _doc("The General Assembly,\n1. Decides that steps shall be taken, without\n\n*\n\nany distinction.\n")
        assert [s.text for s in doc.segments if s.kind == "operative"] == [
            "Decides that steps shall be taken, without any distinction."
        ]

    def test_a_space_before_a_slash_inside_a_symbol(self) -> None:
        doc = _doc("The General Assembly,\n1. Takes note of document A/77/277-S/2022 /606.\n")
        assert "A/77/277-S/2022/606" in {e.value for e in doc.entities if e.type == "document_symbol"}

    def test_markers_and_note_numbers_printed_with_a_slash(self) -> None:
        """The 1990s style: ``Rights 1/ and``, ``Development, 2/``; notes ``1/`` alone on a line."""
        doc = _doc(
            "The General Assembly,\nEmphasizing the need to observe the Universal Declaration of Human\n"
            "Rights 1/ and the Declaration on the Right to Development, 2/\n"
            "Reaffirming that the right to development is a universal and inalienable right,\n\n"
            "______________\n1/\n\nResolution 217 A (III).\n\n2/\n\nResolution 41/128, annex.\n\n/...\n\f"
            "1. Decides to remain seized of the matter.\n"
        )
        preamble = [s for s in doc.segments if s.kind == "preamble"]
        assert [s.text[:20] for s in preamble] == ["Emphasizing the need", "Reaffirming that the"]
        assert [r.num for r in preamble[0].footnote_refs] == ["1", "2"]
        assert preamble[0].text.endswith("the Right to Development,")
        assert [(s.num, s.text) for s in doc.segments if s.kind == "footnote"] == [
            ("1", "Resolution 217 A (III)."),
            ("2", "Resolution 41/128, annex."),
        ]

    def test_ocr_reads_the_first_paragraph_number_as_a_roman_one(self) -> None:
        """``I. Expresses …`` before ``2.``: the first operative paragraph, not a section."""
        doc = _doc(
            "The General Assembly,\nDeeply distressed by the loss of lives,\nI. Expresses its solidarity;\n"
            "2. Requests the Secretary-General to report.\n"
        )
        assert [(s.kind, s.num) for s in doc.segments if s.kind in ("operative", "heading")] == [
            ("operative", "1"),
            ("operative", "2"),
        ]

    def test_the_named_item_after_a_paragraph_left_open(self) -> None:
        """On a compilation page the item the file is named after starts after a paragraph the
        page break left open: its heading is not swallowed, and heading and date set the meta."""
        page = (
            "Resolution 661 (1990)\n\nof 6 August 1990\n\nThe Security Council,\nReaffirming its resolution 660 "
            "(1990),\n1. Determines that Iraq has failed to comply;\n2. Decides that all States shall prevent:\n"
            "(a) The sale of any commodities to any person in Iraq, and any activities by their\n\n"
            "Resolution 660 (1990)\nof 2 August 1990\n\nThe Security Council,\nAlarmed by the invasion of Kuwait,\n"
            "1. Condemns the Iraqi invasion of Kuwait;\n2. Decides to meet again as necessary.\n"
            "Adopted at the 2932nd meeting\nby 14 votes to none. One member\n(Yemen) did not participate in the\n"
            "vote.\n"
        )
        doc = process(page.encode(), "sres-660-1990.en.txt")
        assert (doc.meta.symbol, doc.meta.adopted_on, doc.meta.meeting) == ("S/RES/660 (1990)", "1990-08-02", 2932)
        assert [s.text for s in doc.segments if s.kind == "preamble"] == ["Alarmed by the invasion of Kuwait,"]
        assert "Yemen" in {e.value for e in doc.entities if e.type == "member_state"}

    def test_notes_end_at_the_page_foot_when_the_form_feed_is_lost(self) -> None:
        """A text layer copied without its page breaks (held-out A/RES/60/7): the notes stop at
        the job number, and a number printed after its note's text does not take the next page."""
        path = Path(__file__).parents[2] / "fixtures" / "heldout" / "en" / "ares-60-7.en.txt"
        doc = process(path.read_bytes(), path.name)
        assert "\f" not in path.read_text("utf-8")
        assert any(s.text.startswith("Honouring the courage") for s in doc.segments if s.kind == "preamble")
        assert [s.num for s in doc.segments if s.kind == "operative"] == ["1", "2", "3", "4", "5", "6"]
        assert [(s.num, s.text) for s in doc.segments if s.kind == "footnote"] == [
            ("1", "Resolution 217 A (III)."),
            ("2", "See resolution 2200 A (XXI), annex."),
            ("3", "Resolution 260 A (III), annex."),
        ]

    def test_a_number_printed_after_a_first_line_ending_with_a_comma(self) -> None:
        doc = _doc(
            "The General Assembly,\nRecalling its resolutions,\n4.\nCommends those States;\n"
            "Condemns without reserve all manifestations of religious intolerance,\n5.\n"
            "incitement, harassment or violence, wherever they occur;\n"
        )
        assert [(s.num, s.text) for s in doc.segments if s.kind == "operative"] == [
            ("4", "Commends those States;"),
            (
                "5",
                "Condemns without reserve all manifestations of religious intolerance, incitement, harassment "
                "or violence, wherever they occur;",
            ),
        ]

    def test_stray_lines_between_paragraphs(self) -> None:
        """A bar code with a suffix, a note anchor ``2F``, the page's symbol head printed with a
        space in the masthead: none of them glues two paragraphs."""
        doc = _doc(
            "A/RES/ES-11/ 4\n\nThe General Assembly,\nRecalling its resolution ES-11/1,\n\n*2008831*31*\n\n"
            "2F\n\nReaffirming its commitment,\n\f\nA/RES/ES-11/4\n\nNoting the report,\n"
            "1. Decides to remain seized of the matter.\n"
        )
        assert [s.text for s in doc.segments if s.kind == "preamble"] == [
            "Recalling its resolution ES-11/1,",
            "Reaffirming its commitment,",
            "Noting the report,",
        ]
        assert doc.meta.symbol == "A/RES/ES-11/4"
