"""Paragraph comparison of two versions: on the two Third Committee drafts and on a made revision."""

from __future__ import annotations

import collections
from pathlib import Path

import pytest

from pipeline.compare import compare, edits, paragraphs
from pipeline.run import process
from schemas import ProcessedDocument

SEEDS = Path(__file__).resolve().parents[3] / "seeds"


def _seed(prefix: str) -> ProcessedDocument:
    (path,) = SEEDS.glob(f"{prefix}_*.txt")
    return process(path.read_bytes(), path.name)


@pytest.fixture(scope="module", name="drafts")
def _drafts() -> tuple[ProcessedDocument, ProcessedDocument]:
    return _seed("000"), _seed("001")


def _revise(doc: ProcessedDocument) -> ProcessedDocument:
    """Drop op-3, insert a paragraph before op-6, reword op-5, renumber as an editor would."""
    out = []
    number = 0
    for original in doc.segments:
        seg = original
        if seg.id == "op-3" or seg.parent == "op-3":
            continue
        if seg.id == "op-6":
            number += 1
            out.append(
                seg.model_copy(
                    update={
                        "id": "op-new",
                        "num": str(number),
                        "text": "决定设立一个全新的工作组，负责审查本决议的执行情况。",
                    }
                )
            )
        if seg.kind == "operative":
            number += 1
            seg = seg.model_copy(update={"num": str(number)})
        if seg.id == "op-5":
            seg = seg.model_copy(update={"text": seg.text.replace("极其深切关注", "深切关注")})
        out.append(seg)
    return doc.model_copy(update={"segments": out, "doc_id": "revised"})


class TestCompare:
    def test_same_text_is_unchanged(self, drafts: tuple[ProcessedDocument, ProcessedDocument]) -> None:
        """A version compared with itself: every paragraph unchanged."""
        result = compare(drafts[0], drafts[0])
        assert {c.kind for c in result.changes} == {"unchanged"}
        assert len(result.changes) == len(paragraphs(drafts[0]))

    def test_made_revision(self, drafts: tuple[ProcessedDocument, ProcessedDocument]) -> None:
        """Exactly one removed, one added, one changed paragraph, though every later number moved."""
        old = drafts[0]
        result = compare(old, _revise(old))
        assert [c.old.segment for c in result.changes if c.kind == "removed"] == ["op-3"]
        assert [c.new.segment for c in result.changes if c.kind == "added"] == ["op-new"]
        (changed,) = [c for c in result.changes if c.kind == "changed"]
        assert changed.old.segment == changed.new.segment == "op-5"
        assert changed.old.label == "5" and changed.new.label == "4"
        assert next(e for e in changed.edits if e.op != "equal").old == "极其"
        moved = next(c for c in result.changes if c.old and c.old.segment == "op-20")
        assert moved.kind == "unchanged" and moved.new.label == "20"

    def test_two_committee_drafts(self, drafts: tuple[ProcessedDocument, ProcessedDocument]) -> None:
        """75th- vs 79th-session drafts: each paragraph once; kept, reworded and new paragraphs found."""
        old, new = drafts
        result = compare(old, new)
        olds = collections.Counter(c.old.segment for c in result.changes if c.old)
        news = collections.Counter(c.new.segment for c in result.changes if c.new)
        assert olds == collections.Counter(p.segment for p in paragraphs(old))
        assert news == collections.Counter(p.segment for p in paragraphs(new))
        by_old = {c.old.segment: c for c in result.changes if c.old}
        # both drafts open the preamble with "深为关切…有罪不罚文化…" word for word (third paragraph)
        assert by_old["pre-3"].kind == "unchanged"
        # "促进和保护人权" became "尊重、保护和实现人权" in the first preambular paragraph
        first = by_old["pre-1"]
        assert first.kind == "changed" and first.new.segment == "pre-1"
        assert any("尊重" in e.new for e in first.edits)
        assert result.count("added") > 0 and result.count("changed") > 0
        pairs = [(c.old.segment, c.new.segment) for c in result.changes if c.old and c.new]
        old_order = [p.segment for p in paragraphs(old)]
        new_order = [p.segment for p in paragraphs(new)]
        assert [old_order.index(a) for a, _ in pairs] == sorted(old_order.index(a) for a, _ in pairs)
        assert [new_order.index(b) for _, b in pairs] == sorted(new_order.index(b) for _, b in pairs)

    def test_edits_rebuild_both_texts(self) -> None:
        """The edits of a changed paragraph spell out the old text and the new text exactly."""
        old, new = "Decides to remain seized of the matter;", "Decides to remain actively seized of the question;"
        diff = edits(old, new)
        assert "".join(e.old for e in diff) == old and "".join(e.new for e in diff) == new
        assert [e.new.strip() for e in diff if e.op != "equal"] == ["actively", "question"]
