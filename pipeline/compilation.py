"""Compilation pages: several resolutions and decisions printed on one page.

The annual volumes (and OCR of their pages) print a resolution between its neighbours. Each item
opens with a heading row of the profile's ``item_headings`` (``3 (1946). Resolution of 4 April
1946``, ``Decision``, ``四十四(一九四八).一九四八年四月一日決議案``, ``決定``). When a page holds two
items or more, the document is the resolution whose number the source's name carries (a file
named ``sres-3-1946`` or ``S_RES_3_(1946)``; of two so named, the one with an enacting formula: the
other is a row of the page's contents), else the first resolution with an enacting formula;
the other items, and the text before the first heading (the end of an item begun on the page
before), are context, except the item's own end printed above its heading when OCR read a page's
columns out of order (its adoption line, and the paragraphs that go on with its numbering).
"""

from __future__ import annotations

import re

from pipeline._text import last_char
from pipeline.profile import Profile, first_match
from schemas.stages import Block, Ref

_NUMBERS = re.compile(r"\d+")


def pick_item(blocks: list[Block], profile: Profile, name: str) -> tuple[list[Block], list[Block]]:
    """The blocks of the document's own item, and the blocks of the other items."""
    heads: list[tuple[int, str, int | None]] = []  # (block index, role, number)
    for i, block in enumerate(blocks):
        found = first_match(profile.item_headings, block.text)
        if found is None:
            continue
        head = (i, found[0].role, found[0].sets(found[1]).get("number"))
        if heads and head[1:] == heads[-1][1:] and head[2] is not None:
            continue  # the same heading again, in the other language of a bilingual volume
        heads.append(head)
    if len(heads) == 1 and heads[0][1] == "resolution" and heads[0][0] > 0:
        # one item, its end printed above its heading: the rest above is the page's other text
        item = blocks[heads[0][0] :]
        moved = _end_printed_above(blocks[: heads[0][0]], item, profile)
        if len(moved) > 1:
            kept = {id(b) for b in item + moved}
            return _after_last_paragraph(item, moved, profile), [b for b in blocks if id(b) not in kept]
    if len(heads) < 2 or not any(h[1] == "resolution" for h in heads):
        return blocks, []
    bounds = [h[0] for h in heads] + [len(blocks)]
    items = [(head, blocks[start:end]) for head, start, end in zip(heads, bounds, bounds[1:], strict=False)]
    wanted = {int(n) for n in _NUMBERS.findall(name)}
    named = [item for head, item in items if head[1] == "resolution" and head[2] in wanted]
    # the named item that has an enacting formula (a contents row names it too, and has none)
    target = next((item for item in named if _has_formula(item, profile)), named[0] if named else None)
    if target is None:
        target = next(
            (item for head, item in items if head[1] == "resolution" and _has_formula(item, profile)),
            items[0][1],
        )
    at = next(i for i, (_, item) in enumerate(items) if item is target)
    target = _section_above(blocks, heads[at][0], profile) + target
    if all(head[1] != "resolution" for head, _ in items[:at]):  # the page's first resolution
        lead = blocks[: heads[at][0]]
        target = _after_last_paragraph(target, _end_printed_above(lead, target, profile), profile)
    kept = {id(b) for b in target}
    return target, [b for b in blocks if id(b) not in kept]


def _section_above(blocks: list[Block], heading: int, profile: Profile) -> list[Block]:
    """The heading of the volume's section the item stands in (the nearest above it, its wrapped
    line joined: ``RESOLUTIONS ADOPTED ON THE REPORTS OF THE SPECIAL`` / ``POLITICAL COMMITTEE``),
    whose facts (the committee) are the item's; none when no section row with facts stands above."""
    for i in range(heading - 1, -1, -1):
        found = first_match(profile.header, blocks[i].text)
        if found is None or found[0].role != "section":
            continue
        if found[0].sets(found[1]):
            return [blocks[i]]
        if i + 1 < heading:
            joined = _join(blocks[i : i + 2], profile)
            again = first_match(profile.header, joined.text)
            if again is not None and again[0].role == "section" and again[0].sets(again[1]):
                return [joined]
        return []
    return []


def _end_printed_above(lead: list[Block], target: list[Block], profile: Profile) -> list[Block]:
    """The end of the item printed above its heading (a page whose columns OCR read out of order):
    when the item has no adoption line of its own and the text before its heading has one, the
    numbered paragraphs there that go on with the item's numbering, and that adoption line, each
    joined from its lines (text before a heading is read line by line, as a masthead)."""
    if any(_adoption(block, profile) for block in target):
        return []
    adoption = next((i for i in range(len(lead) - 1, -1, -1) if _adoption(lead[i], profile)), None)
    if adoption is None:
        return []
    following = max((n for block in target if (n := _number(block, profile)) is not None), default=0) + 1
    paragraphs: list[list[Block]] = []
    open_ = False
    for block in lead[:adoption]:
        number = _number(block, profile)
        if number == following:
            paragraphs.append([block])
            following += 1
        elif number is None and open_:
            paragraphs[-1].append(block)
        else:
            open_ = False
            continue
        open_ = last_char(block.text) not in profile.operative_end  # the paragraph goes on
    closing = [lead[adoption]]
    for block in lead[adoption + 1 :]:
        if last_char(closing[-1].text) in ".。":  # the adoption line ends as a sentence
            break
        closing.append(block)
    return [_join(lines, profile) for lines in (*paragraphs, closing)]


def _join(lines: list[Block], profile: Profile) -> Block:
    first, *rest = lines
    text, refs, spans = first.text, list(first.footnote_refs), list(first.spans)
    for line in rest:
        joined = profile.glue(text, line.text)
        shift = len(joined) - len(line.text)
        refs += [Ref(ref.num, ref.offset + shift) for ref in line.footnote_refs]
        text, spans = joined, spans + line.spans
    return first._replace(text=text, spans=spans, footnote_refs=refs) if rest else first


def _after_last_paragraph(item: list[Block], end: list[Block], profile: Profile) -> list[Block]:
    """``item`` with ``end`` put after its last numbered paragraph (and the lines that go on with it)."""
    if not end:
        return item
    at = max((i for i, block in enumerate(item) if _number(block, profile) is not None), default=len(item) - 1) + 1
    while at < len(item) and item[at].text[:1].islower():
        at += 1
    return [*item[:at], *end, *item[at:]]


def _adoption(block: Block, profile: Profile) -> bool:
    found = first_match(profile.closing, block.text)
    return found is not None and found[0].role == "adoption"


def _number(block: Block, profile: Profile) -> int | None:
    """The operative paragraph number a block opens with, if any."""
    for style in profile.labels:
        if style.operative and (m := style.pattern.match(block.text)):
            return style.ordinal(m.group("n"))
    return None


def _has_formula(item: list[Block], profile: Profile) -> bool:
    return any(first_match(profile.formulas, block.text) for block in item)
