"""Stage *segment*: ``CleanDocument`` -> ``SegmentedDocument``.

Language-neutral; the profile's rule tables do the reading. In order: text in another language
(the French column of an old bilingual volume) is set aside as context; on a compilation page
holding several items, the document's own item is picked and the others set aside; the masthead
is read (``pipeline.masthead``); the enacting formula opens the body, which is placed paragraph
by paragraph (``pipeline.structure``) up to the closing block (``pipeline.closing``); footnotes
learn which segments cite them; the meta is derived (``pipeline.meta``). Labels are kept as
printed, anomalies become warnings. A document without an enacting formula still gets a generic
segmentation (headings and paragraphs).
"""

from __future__ import annotations

import re
from typing import Any, cast

from pipeline.clean import find_formula
from pipeline.closing import gather
from pipeline.compilation import pick_item
from pipeline.masthead import read_masthead
from pipeline.meta import derive
from pipeline.profile import Profile, first_match, label_gate, union_gate
from pipeline.structure import Body, Seg, label_of, operative_style, place
from schemas import Meta, ProcessingWarning, VoteCounts
from schemas.stages import Block, CleanDocument, Part, Ref, SegmentedDocument

#: An English word before a Chinese character (``在线上 and 线下``): the regex engine finds the
#: word fast; the Chinese character before it is checked by ``_latin_words``.
_LATIN_BEFORE_CHINESE = re.compile(r"(and|or|of|the|in|to)\s+[\u4e00-\u9fff]")
_HAN_BEFORE = re.compile(r"[\u4e00-\u9fff]\s+$")


def segment(doc: CleanDocument, profile: Profile, *, name: str = "") -> SegmentedDocument:
    """Segment a cleaned document; pure. ``name`` (the source's name) only helps to pick the
    document's own item on a compilation page that prints several."""
    warnings: list[ProcessingWarning] = []
    segments: list[Seg] = []
    make = _maker()
    body_blocks = [b for b in doc.blocks if b.kind == "body"]
    notes = [b for b in doc.blocks if b.kind == "footnote"]
    formula = doc.blocks[doc.formula_index] if doc.formula_index is not None else None
    aside = {id(b) for b in body_blocks if profile.foreign(b.text)}
    main, context = pick_item([b for b in body_blocks if id(b) not in aside], profile, name)  # in reading order
    aside |= {id(b) for b in context}
    if formula is None or id(formula) in aside:
        at = find_formula([b.text for b in main], profile)
        formula = main[at] if at is not None else None
    at = next((i for i, b in enumerate(main) if b is formula), None)
    header, rest = (main[:at], main[at + 1 :]) if at is not None else ([], main)
    head = read_masthead([b.text for b in header], profile)
    facts = head.facts
    segments.extend(_masthead_segments(header, head, make))
    gate = label_gate(profile.labels)
    labels = [label_of(b.text, profile, gate) for b in rest]
    # the annex numbers its own paragraphs: the operative style is the resolution's before it
    annex_gate = union_gate(profile.annex).match
    annex = next(
        (i for i, b in enumerate(rest) if annex_gate(b.text) and first_match(profile.annex, b.text)), len(rest)
    )
    body = Body(profile, operative_style(labels[:annex], profile))
    body.ids.update(s["id"] for s in segments)
    body.counts["preamble"] = sum(1 for s in segments if s["kind"] == "preamble")
    if formula is not None:
        segments.append(_formula_segment(formula, facts, make, profile))
        body.ids.add("formula")
    resolution = formula is not None
    for block, label in zip(rest, labels, strict=True):
        if resolution:
            place(body, block, label, make)
        else:
            _generic(body, block, make, profile)
    segments.extend(body.segments)
    segments.extend(body.closing_segments)
    closing = gather(body.closing)
    for block in body_blocks:
        if id(block) in aside:
            segments.append(make(block, "context", f"ctx-{len(segments)}", role="aside"))
    segments.extend(_footnotes(notes, segments, make, warnings, profile))
    meta = _meta(facts, closing, segments, resolution=resolution, profile=profile, warnings=warnings)
    _check_sequences(segments, warnings)
    _latin_words(segments, profile, warnings)
    return SegmentedDocument(meta=meta, segments=cast(list[Part], segments), warnings=[*doc.warnings, *warnings])


def _masthead_segments(header: list[Block], head: Any, make: Any) -> list[Seg]:
    """Header segments with their roles; recitals standing before the formula are preambular."""
    out: list[Seg] = []
    for index, line in enumerate(head.lines, start=1):
        first = header[line.blocks[0]]
        block = _joined(first, [header[i] for i in line.blocks[1:] if i != line.blocks[0]], line.text)
        if line.role == "recital":
            out.append(make(block, "preamble", f"pre-0-{index}"))
        else:
            out.append(make(block, "header", f"hdr-{index}", role=line.role or "text"))
    _renumber_recitals(out)
    return out


def _formula_segment(formula: Block, facts: dict[str, Any], make: Any, profile: Profile) -> Seg:
    """The enacting formula; the organ it names is the document's body where the masthead names none."""
    found = first_match(profile.formulas, formula.text)
    if found is not None and facts.get("body") is None:
        facts["body"] = found[0].sets(found[1]).get("body")
    seg: Seg = make(formula, "formula", "formula")
    return seg


def _maker() -> Any:
    """Builds segment dicts; a segment whose text is a tail of its block shifts the markers."""

    def make(
        block: Block,
        kind: str,
        seg_id: str,
        *,
        num: str | None = None,
        parent: str | None = None,
        text: str | None = None,
        role: str | None = None,
    ) -> Seg:
        body = block.text if text is None else text
        shift = len(block.text) - len(body) if text is not None and block.text.endswith(body) else 0
        refs = [r for r in block.footnote_refs if r.offset >= shift] if shift else list(block.footnote_refs)
        if shift:
            refs = [Ref(r.num, r.offset - shift) for r in refs]
        refs = [r for r in refs if r.offset <= len(body)]
        return {
            "id": seg_id,
            "kind": kind,
            "num": num,
            "parent": parent,
            "text": body,
            "role": role,
            "spans": block.spans,
            "footnote_refs": refs,
            "cited_by": [],
        }

    return make


def _joined(first: Block, others: list[Block], text: str) -> Block:
    if not others:
        if text == first.text:
            return first
        return Block(kind="body", text=text, spans=first.spans, footnote_refs=[])
    spans = [s for b in (first, *others) for s in b.spans]
    return Block(kind="body", text=text, spans=spans, footnote_refs=list(first.footnote_refs))


def _renumber_recitals(segments: list[Seg]) -> None:
    n = 0
    for seg in segments:
        if seg["kind"] == "preamble":
            n += 1
            seg["id"] = f"pre-{n}"


def _generic(body: Body, block: Block, make: Any, profile: Profile) -> None:
    """A document that is not a resolution: headings and paragraphs."""
    if len(block.text) <= profile.heading_max and block.text[-1:] not in profile.terminal:
        body.segments.append(make(block, "heading", body.next_id(f"h-{body.count('heading')}")))
    else:
        body.segments.append(make(block, "paragraph", body.next_id(f"p-{body.count('paragraph')}")))


def _footnotes(
    notes: list[Block], segments: list[Seg], make: Any, warnings: list[ProcessingWarning], profile: Profile
) -> list[Seg]:
    """Footnote segments, each with the segments citing it; a note that only text set aside as
    context cites (a neighbouring item's note), or in the other language of a bilingual volume,
    is context too."""
    citing: dict[str, list[str]] = {}
    aside: set[str] = set()
    for seg in segments:
        for ref in seg["footnote_refs"]:
            if seg["kind"] == "context":
                aside.add(ref.num)
            else:
                citing.setdefault(ref.num, []).append(seg["id"])
    out: list[Seg] = []
    ids = {s["id"] for s in segments}
    defined = set()
    for block in notes:
        num = block.num or ""
        if (num in aside and num not in citing) or profile.foreign(block.text):
            out.append(make(block, "context", f"ctx-fn-{num}-{len(out)}", num=num, role="note"))
            continue
        seg_id = f"fn-{num}"
        n = 2
        while seg_id in ids:
            seg_id, n = f"fn-{num}~{n}", n + 1
        ids.add(seg_id)
        seg = make(block, "footnote", seg_id, num=num)
        defined.add(num)
        seg["cited_by"] = citing.get(num, [])
        if not seg["cited_by"]:
            warnings.append(
                ProcessingWarning(
                    code="footnote_unreferenced", message=f"footnote {num} is not referenced", segment=seg_id
                )
            )
        out.append(seg)
    for num, segs in citing.items():
        if num not in defined:
            warnings.append(
                ProcessingWarning(
                    code="footnote_missing", message=f"footnote {num} is referenced but not defined", segment=segs[0]
                )
            )
    return out


def _meta(
    facts: dict[str, Any],
    closing: Any,
    segments: list[Seg],
    *,
    resolution: bool,
    profile: Profile,
    warnings: list[ProcessingWarning],
) -> Meta:
    vote = closing.vote
    notes = {s["num"]: s["text"] for s in segments if s["kind"] == "footnote"}
    for seg in segments:  # a note cited by the adoption line may say how it was adopted
        if seg["kind"] == "closing":
            for ref in seg["footnote_refs"]:
                said = profile.vote_note(notes.get(ref.num, ""))
                if said is not None:
                    vote = said.merged_into(vote)
    fields = derive(facts, {"date": closing.date, "meeting": closing.meeting})
    if fields["doc_type"] is None:
        kinds = {s["kind"] for s in segments}
        if resolution and ("operative" in kinds or closing.roles):
            fields["doc_type"] = "resolution"
        elif not kinds & {"operative", "preamble"}:
            fields["doc_type"] = "other"
    if facts.get("adopted_on") and closing.date and facts["adopted_on"] != closing.date:
        warnings.append(
            ProcessingWarning(
                code="adoption_date_differs", message=f"header says {facts['adopted_on']}, closing says {closing.date}"
            )
        )
    sponsors, unknown = profile.split_sponsors(facts["sponsors_text"]) if facts.get("sponsors_text") else ([], [])
    for piece in unknown:
        warnings.append(ProcessingWarning(code="unknown_sponsor", message=f"sponsor not in gazetteer: {piece}"))
    fields["sponsors"] = sponsors
    counts = vote.counts() if vote is not None else None
    return Meta.model_construct(
        **fields,
        vote=vote.kind if vote is not None else None,
        vote_counts=VoteCounts.model_construct(**counts) if counts else None,
        language=profile.code,  # type: ignore[arg-type]  # a profile's code is a language of the contract
    )


def _check_sequences(segments: list[Seg], warnings: list[ProcessingWarning]) -> None:
    """Warn where printed labels skip or run out of order (they are kept as printed)."""
    last_op = 0
    children: dict[str | None, list[Seg]] = {}
    for seg in segments:
        kind, num = seg["kind"], seg["num"]
        if kind == "operative" and num and num.isdigit():
            if int(num) != last_op + 1:
                warnings.append(
                    ProcessingWarning(
                        code="operative_sequence",
                        message=f"operative {num} follows operative {last_op}",
                        segment=seg["id"],
                    )
                )
            last_op = int(num)
        elif kind == "subparagraph":
            children.setdefault(seg["parent"], []).append(seg)
    for parent, kids in children.items():
        got = [k["num"] for k in kids]
        if all(g and len(g) == 1 and g.isascii() and g.isalpha() for g in got):
            expected = [chr(97 + i) for i in range(len(got))]
            if got != expected:
                warnings.append(
                    ProcessingWarning(
                        code="subparagraph_sequence",
                        message=f"subparagraph labels out of sequence in {parent}: {', '.join(str(g) for g in got)}",
                        segment=parent,
                    )
                )


def _latin_words(segments: list[Seg], profile: Profile, warnings: list[ProcessingWarning]) -> None:
    if not profile.flags_latin_words:
        return
    text = "\n".join(s["text"] for s in segments if s["kind"] != "footnote")
    for m in _LATIN_BEFORE_CHINESE.finditer(text):
        before = text[max(m.start() - 4, 0) : m.start()]
        if not _HAN_BEFORE.search(before):
            continue
        context = before.lstrip() + m.group()
        warnings.append(
            ProcessingWarning(
                code="latin_word", message=f"English word '{m.group(1)}' inside Chinese text: …{context}…"
            )
        )
