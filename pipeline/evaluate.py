"""Evaluation of outputs against hand-checked gold annotations (pure: dicts in, report out).

Components, each scored 0..1 and averaged: header facts (``meta.*``), sponsors (F1), preamble
count, operative numbers, subparagraph and item labels, footnotes (number and text),
rejoined page-split passages, entity sets (F1 for symbols, resolutions, dates, instruments;
recall for member states and organizations), and whether every entity's offsets point at
its text. Texts compare modulo white space and Unicode compatibility forms.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

_WS = re.compile(r"\s+")
_LEADING_SUP = re.compile(r"^\s*[⁰¹²³⁴⁵⁶⁷⁸⁹]+")
META_KEYS = (
    "doc_type",
    "body",
    "session",
    "committee",
    "agenda_item",
    "title",
    "symbol",
    "adopted_on",
    "meeting",
    "vote",
    "language",
)
F1_SETS = (
    ("document_symbol", "document_symbols"),
    ("resolution", "resolutions"),
    ("date", "dates"),
    ("instrument", "instruments"),
)
RECALL_SETS = (("member_state", "member_states_mentioned"), ("organization", "organizations_must"))


def squash(text: object) -> str:
    """Comparable form: NFKC, no white space, upper case."""
    return _WS.sub("", unicodedata.normalize("NFKC", "" if text is None else str(text))).upper()


@dataclass
class Report:
    """Scores of one document: component name -> (score, note)."""

    rows: dict[str, tuple[float, str]] = field(default_factory=dict)

    @property
    def score(self) -> float:
        return sum(s for s, _ in self.rows.values()) / len(self.rows) if self.rows else 0.0


def _variants(item: Any) -> set[str]:
    return {squash(v) for v in (item if isinstance(item, list) else [item])}


def _f1(gold: list[Any], predicted: set[str], optional: list[Any]) -> tuple[float, str]:
    ignored = set().union(*(_variants(o) for o in optional)) if optional else set()
    predicted = predicted - ignored
    hits = [g for g in gold if _variants(g) & predicted]
    matched = set().union(*(_variants(g) & predicted for g in hits)) if hits else set()
    missed = [g for g in gold if not _variants(g) & predicted]
    extra = sorted(predicted - matched)
    if not gold and not predicted:
        return 1.0, ""
    precision = len(hits) / len(predicted) if predicted else 0.0
    recall = len(hits) / len(gold) if gold else 0.0
    score = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return score, (f"missed {missed} " if missed else "") + (f"extra {extra}" if extra else "")


def evaluate(gold: dict[str, Any], doc: dict[str, Any]) -> Report:  # noqa: PLR0912
    """Score one output document against its gold annotation."""
    report = Report()
    meta = doc.get("meta") or {}
    for key in META_KEYS:
        if key in gold.get("meta", {}):
            want, got = gold["meta"][key], meta.get(key)
            ok = got in (None, "") if want is None else squash(want) == squash(got)
            report.rows[f"meta.{key}"] = (float(ok), "" if ok else f"want {want!r} got {got!r}")
    if "sponsors" in gold.get("meta", {}):
        report.rows["meta.sponsors"] = _f1(
            gold["meta"]["sponsors"], {squash(s) for s in meta.get("sponsors") or []}, []
        )
    segments = doc.get("segments") or []
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for seg in segments:
        by_kind.setdefault(seg.get("kind", ""), []).append(seg)
    if "preamble_count" in gold:
        got_count = len(by_kind.get("preamble", []))
        ok = got_count == gold["preamble_count"]
        report.rows["structure.preamble_count"] = (
            float(ok),
            "" if ok else f"want {gold['preamble_count']} got {got_count}",
        )
    operatives = by_kind.get("operative", [])
    if "operative" in gold:
        want_nums = [_label(o["num"]) for o in gold["operative"]]
        got_nums = [_label(o.get("num")) for o in operatives]
        report.rows["structure.operative_nums"] = (
            float(want_nums == got_nums),
            "" if want_nums == got_nums else f"got {got_nums}",
        )
        report.rows["structure.subparagraphs"] = _labels(gold["operative"], operatives, segments)
    if gold.get("footnotes") is not None:
        got_notes = {
            str(s.get("num")): squash(_LEADING_SUP.sub("", s.get("text") or "")) for s in by_kind.get("footnote", [])
        }
        want_notes = {k: squash(v) for k, v in gold["footnotes"].items()}
        hits = sum(got_notes.get(k) == v for k, v in want_notes.items())
        bad = [k for k, v in want_notes.items() if got_notes.get(k) != v]
        report.rows["structure.footnotes"] = (
            hits / (max(len(want_notes), len(got_notes)) or 1) if want_notes or got_notes else 1.0,
            f"mismatch {bad}" if bad else "",
        )
    if gold.get("rejoined"):
        bodies = [squash(s.get("text")) for s in segments if s.get("kind") != "footnote"]
        joined = [any(squash(r) in b for b in bodies) for r in gold["rejoined"]]
        report.rows["clean.rejoined"] = (sum(joined) / len(joined), "" if all(joined) else "a passage is split")
    values: dict[str, set[str]] = {}
    for entity in doc.get("entities") or []:
        if entity.get("value") is not None:
            values.setdefault(entity.get("type", ""), set()).add(squash(entity["value"]))
    for etype, key in F1_SETS:
        if key in gold:
            report.rows[f"entities.{etype}"] = _f1(gold[key], values.get(etype, set()), gold.get(f"optional_{key}", []))
    for etype, key in RECALL_SETS:
        if key in gold:
            missed = [g for g in gold[key] if not _variants(g) & values.get(etype, set())]
            score = 1 - len(missed) / len(gold[key]) if gold[key] else 1.0
            report.rows[f"entities.{etype}(recall)"] = (score, f"missed {missed}" if missed else "")
    report.rows["entities.spans_valid"] = _spans(doc)
    return report


def _labels(
    gold_ops: list[dict[str, Any]], operatives: list[dict[str, Any]], segments: list[dict[str, Any]]
) -> tuple[float, str]:
    children: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for seg in segments:
        children.setdefault((str(seg.get("parent")), str(seg.get("kind"))), []).append(seg)
    ops = {str(o.get("num")): o for o in operatives if o.get("num") is not None}
    unnumbered = iter(o for o in operatives if o.get("num") is None)
    total = good = 0
    notes: list[str] = []
    for gold_op in gold_ops:
        op = ops.get(gold_op["num"]) if gold_op["num"] is not None else next(unnumbered, None)
        subs: list[Any] = children.get((str(op.get("id")), "subparagraph"), []) if op else []
        total += 1
        if [str(s.get("num")) for s in subs] == gold_op.get("sub", []):
            good += 1
        else:
            notes.append(f"op {gold_op['num']} subparagraphs")
        for label, want in (gold_op.get("items") or {}).items():
            total += 1
            sub = next((s for s in subs if str(s.get("num")) == label), None)
            got = [str(i.get("num")) for i in children.get((str(sub.get("id")), "item"), [])] if sub else []
            if got == want:
                good += 1
            else:
                notes.append(f"op {gold_op['num']}({label}) items")
    return (good / total if total else 1.0), "; ".join(notes)


def _label(num: Any) -> str | None:
    """An operative paragraph's label; None for an unnumbered one (in the gold and in the output)."""
    return None if num is None else str(num)


@dataclass
class Summary:
    """Scores of many documents: overall (the mean of every component of every document, as the
    reference scorer counts), per language, per document, and the weakest components."""

    overall: float
    by_language: dict[str, float]
    documents: dict[str, float]
    weakest: list[tuple[str, float]]


def summarize(reports: dict[str, tuple[str, Report]]) -> Summary:
    """``reports``: document name -> (language, report)."""
    rows: list[float] = []
    per_language: dict[str, list[float]] = {}
    per_component: dict[str, list[float]] = {}
    for language, report in reports.values():
        for component, (score, _note) in report.rows.items():
            rows.append(score)
            per_language.setdefault(language, []).append(score)
            per_component.setdefault(component, []).append(score)
    weakest = sorted(((c, sum(v) / len(v)) for c, v in per_component.items()), key=lambda cv: cv[1])[:5]
    return Summary(
        overall=sum(rows) / len(rows) if rows else 0.0,
        by_language={lang: sum(v) / len(v) for lang, v in sorted(per_language.items())},
        documents={name: report.score for name, (_lang, report) in sorted(reports.items())},
        weakest=weakest,
    )


def _spans(doc: dict[str, Any]) -> tuple[float, str]:
    texts = {s.get("id"): s.get("text", "") for s in doc.get("segments") or []}
    entities = doc.get("entities") or []
    bad = 0
    for e in entities:
        text = texts.get(e.get("segment"))
        start, end = e.get("start"), e.get("end")
        if text is None or not isinstance(start, int) or not isinstance(end, int) or text[start:end] != e.get("text"):
            bad += 1
    if not entities:
        return 0.0, "no entities"
    return 1 - bad / len(entities), f"{bad} of {len(entities)} entities do not point at their text" if bad else ""
