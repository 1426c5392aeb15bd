"""Compilation pages: several resolutions and decisions printed on one page.

The annual volumes (and OCR of their pages) print a resolution between its neighbours. Each item
opens with a heading row of the profile (``3 (1946). Resolution of 4 April 1946``, ``Decision``,
``四十四(一九四八).一九四八年四月一日決議案``); the document is the item whose number the source's
name carries, else the first resolution with an enacting formula; the others are context.
"""

from __future__ import annotations

from pipeline.profile import Profile
from schemas.stages import Block


def pick_item(blocks: list[Block], formula: Block | None, profile: Profile, name: str) -> tuple[list[Block], list[Block]]:
    """The blocks of the document's own item, and the blocks of the other items."""
    return blocks, []
