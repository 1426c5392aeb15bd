"""Properties that hold for any text: the stages never raise, and offsets point at their text."""

from __future__ import annotations

import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeline.clean import clean
from pipeline.errors import PermanentError
from pipeline.extract import extract
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
        " ",
        "\u3000",
        "\r\n",
    ]
)
TEXTS = st.lists(st.one_of(FRAGMENTS, st.text(max_size=8)), max_size=60).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXTS)
def test_stages_never_raise_and_spans_hold(text: str) -> None:
    """clean -> segment -> extract accept any text; every entity's offsets slice its own text."""
    doc = segment(clean(text))
    texts = {s.id: s.text for s in doc.segments}
    assert len(texts) == len(doc.segments), "segment ids are unique"
    for entity in extract(doc):
        assert texts[entity.segment][entity.start : entity.end] == entity.text


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_process_raises_only_permanent_errors(data: bytes) -> None:
    """Arbitrary bytes give a document or a PermanentError, never anything else."""
    with contextlib.suppress(PermanentError):
        process(data, "random.txt")


@settings(max_examples=200, deadline=None)
@given(TEXTS)
def test_footnote_refs_stay_inside_their_segment(text: str) -> None:
    """A removed marker's recorded offset lies within the segment text."""
    for seg in segment(clean(text)).segments:
        for ref in seg.footnote_refs:
            assert 0 <= ref.offset <= len(seg.text)
