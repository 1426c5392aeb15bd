"""Compilation pages: several resolutions and decisions printed on one page.

The annual volumes (and OCR of their pages) print a resolution between its neighbours. Each item
opens with a heading row of the profile's ``item_headings`` (``3 (1946). Resolution of 4 April
1946``, ``Decision``, ``四十四(一九四八).一九四八年四月一日決議案``, ``決定``). When a page holds two
items or more, the document is the resolution whose number the source's name carries (a file
named ``sres-3-1946`` or ``S_RES_3_(1946)``; of two so named, the one with an enacting formula: the
other is a row of the page's contents), else the first resolution with an enacting formula;
the other items, and the text before the first heading (the end of an item begun on the page
before), are context.
"""

from __future__ import annotations

import re

from pipeline.profile import Profile, first_match
from schemas.stages import Block

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
    kept = {id(b) for b in target}
    return target, [b for b in blocks if id(b) not in kept]


def _has_formula(item: list[Block], profile: Profile) -> bool:
    return any(first_match(profile.formulas, block.text) for block in item)
