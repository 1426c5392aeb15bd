"""Properties that hold for any text: the stages never raise, and offsets point at their text."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from pipeline.clean import clean
from pipeline.errors import PermanentError
from pipeline.extract import extract
from pipeline.profiles import LANGUAGES, profile_for
from pipeline.run import process
from pipeline.segment import segment

#: Pieces that steer generated text into the interesting paths (labels, footnotes, citations).
FRAGMENTS = st.sampled_from(
    [
        "大会，",
        "人权理事会，",
        "\n\n",
        "\n",
        "1. ",
        "2.",
        "(a) ",
        "(一)",
        "(i)",
        "一、",
        "¹ ",
        "²³",
        "第 74/166 号决议",
        "第2321(2016)号、",
        "和",
        "2019 年 12 月 18 日",
        "至 9 月 8 日",
        "《儿童权利公约》",
        "《宪章》",
        "(《",
        "》)",
        "A/HRC/34/66/Add. 1",
        "和 Corr.1",
        "**",
        "[x](#)",
        "\\(",
        "朝鲜民主主义共和国",
        "第七十五届会议",
        "议程项目 72(c)",
        "：决议草案",
        "、",
        "，",
        "；",
        "。",
        "[未经表决获得通过。]",
        "第 48 次会议",
        "28 January 2015",
        "The General Assembly,",
        "Recalling its resolution 1373 (2001) of 28 September 2001,",
        "Decides ",
        "3rd plenary meeting",
        "Adopted by the Security Council at its 4500th meeting, on",
        "_____",
        "\f",
        "1\n",
        " 2 ",
        "Nations, 3",
        "* ",
        "第二七七次会议以九票对零通过,弃权者二(乌克兰、苏联)。",
        "一九四八年四月一日",
        "四十四(一九四八).一九四八年四月一日决议案",
        "〔S/714〕",
        "决议案五十(一九四八)",
        "(甲)",
        "决定:",
        " |",
        "- ",
        " ",
        "\u3000",
        "\r\n",
    ]
)
TEXTS = st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=60).map("".join)


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_stages_never_raise_and_spans_hold(language: str, text: str) -> None:
    """clean -> segment -> extract accept any text in any profile; every entity's offsets slice its
    own text; segment ids are unique."""
    profile = profile_for(language)
    doc = segment(clean(text, profile), profile)
    texts = {s["id"]: s["text"] for s in doc.segments}
    assert len(texts) == len(doc.segments), "segment ids are unique"
    for entity in extract(doc, profile):
        assert texts[entity["segment"]][entity["start"] : entity["end"]] == entity["text"]


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_process_raises_only_permanent_errors(data: bytes) -> None:
    """Arbitrary bytes give a document or a PermanentError, never anything else."""
    with contextlib.suppress(PermanentError):
        process(data, "random.txt")


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=200, deadline=None)
@given(text=TEXTS)
def test_footnote_refs_stay_inside_their_segment(language: str, text: str) -> None:
    """A removed marker's recorded offset lies within the segment text."""
    profile = profile_for(language)
    for seg in segment(clean(text, profile), profile).segments:
        for ref in seg["footnote_refs"]:
            assert 0 <= ref.offset <= len(seg["text"])


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=TEXTS)
def test_whole_documents_validate(text: str) -> None:
    """Any text that reads makes a valid published document (the output is validated once)."""
    with contextlib.suppress(PermanentError):
        doc = process(text.encode("utf-8"), "t.txt")
        assert doc.meta.language in LANGUAGES


#: What run-on paragraphs are made of: punctuation, spaces, numbers, labels, capitals.
RUN_ONS = st.lists(
    st.sampled_from(
        [
            "，",
            ",",
            "；",
            ";",
            "。",
            "：",
            ":",
            ".",
            " ",
            "\u3000",
            "1",
            "12",
            "2.",
            "．",
            "、",
            "第",
            "三",
            "次全体会议",
            "(",
            "（",
            "a",
            "一",
            ")",
            "）",
            "Decides",
            "Requests",
            "x",
            "字",
        ]
    ),
    max_size=12,
).map("".join)


@pytest.mark.parametrize("language", LANGUAGES)
@settings(max_examples=500, deadline=None)
@given(text=RUN_ONS)
@example(text="; 1. Decides")
@example(text="。 2．")
@example(text="；第三次全体会议")
def test_run_on_hint_matches_wherever_the_split_does(language: str, text: str) -> None:
    """The cheap hint searched first never hides a run-on paragraph the full pattern would split."""
    profile = profile_for(language)
    assert profile.split_run_on is not None and profile.split_run_on_hint is not None
    if profile.split_run_on.search(text):
        assert profile.split_run_on_hint.search(text)
