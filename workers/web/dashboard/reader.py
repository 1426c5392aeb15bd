"""The reader of a result: a document's JSON output as a segment tree with its entities marked.

``segment_tree(output)`` reads the output contract as plain JSON (the web server loads no part of
the core): segments nest under their ``parent`` (subparagraphs and items under their operative
paragraph), roots are grouped into the parts of a resolution (header, preamble, operative part,
footnotes, closing), and each segment's text is cut into runs, an entity's span being one run
tagged with its type.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: The part of the document each root segment kind belongs to, and the parts' order.
PARTS: dict[str, str] = {
    "header": "Header",
    "formula": "Preamble",
    "preamble": "Preamble",
    "operative": "Operative part",
    "heading": "Operative part",
    "paragraph": "Operative part",
    "subparagraph": "Operative part",
    "item": "Operative part",
    "footnote": "Footnotes",
    "closing": "Closing",
    "context": "Not part of the document",
}
PART_ORDER = ("Header", "Preamble", "Operative part", "Footnotes", "Closing", "Not part of the document")


@dataclass(slots=True)
class Run:
    text: str
    entity: str = ""
    value: str = ""


@dataclass(slots=True)
class Node:
    id: str
    kind: str
    num: str
    role: str
    runs: list[Run]
    children: list[Node] = field(default_factory=list)


def runs(text: str, entities: list[dict[str, Any]]) -> list[Run]:
    """``text`` cut at its entities' spans (overlapping ones after the first are left unmarked).

    >>> [(r.text, r.entity) for r in runs("see A/RES/1 now", [{"start": 4, "end": 11, "type": "resolution"}])]
    [('see ', ''), ('A/RES/1', 'resolution'), (' now', '')]
    """
    out: list[Run] = []
    at = 0
    for e in sorted(entities, key=lambda e: (int(e["start"]), -int(e["end"]))):
        start, end = int(e["start"]), int(e["end"])
        if start < at or end > len(text) or end <= start:
            continue
        if start > at:
            out.append(Run(text[at:start]))
        out.append(Run(text[start:end], str(e.get("type") or ""), str(e.get("value") or "")))
        at = end
    if at < len(text) or not out:
        out.append(Run(text[at:]))
    return out


def segment_tree(output: dict[str, Any]) -> list[tuple[str, list[Node]]]:
    """The parts of the document in order, each with its root segments (children nested)."""
    by_segment: dict[str, list[dict[str, Any]]] = {}
    for entity in output.get("entities") or []:
        by_segment.setdefault(str(entity.get("segment")), []).append(entity)
    nodes: dict[str, Node] = {}
    order: list[tuple[Node, str | None]] = []
    for seg in output.get("segments") or []:
        sid = str(seg.get("id"))
        node = Node(
            sid,
            str(seg.get("kind") or ""),
            str(seg.get("num") or ""),
            str(seg.get("role") or ""),
            runs(str(seg.get("text") or ""), by_segment.get(sid, [])),
        )
        nodes[sid] = node
        order.append((node, seg.get("parent")))
    parts: dict[str, list[Node]] = {}
    for node, parent in order:
        if parent and parent in nodes and parent != node.id:
            nodes[parent].children.append(node)
        else:
            parts.setdefault(PARTS.get(node.kind, "Operative part"), []).append(node)
    return [(name, parts[name]) for name in PART_ORDER if name in parts]


def entity_counts(output: dict[str, Any]) -> list[tuple[str, int]]:
    """Entities by type, most frequent first (the reader's legend)."""
    counts: dict[str, int] = {}
    for entity in output.get("entities") or []:
        counts[str(entity.get("type"))] = counts.get(str(entity.get("type")), 0) + 1
    return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
