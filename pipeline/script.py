"""Giving a document back in the characters it was printed in.

A text in traditional characters is processed through a simplified view of the same length
(``Profile.processing_script``); its segments are then mapped back: each character of a segment's
text is found again, in order, in the part of the simplified view its spans cover, and the
character printed there is taken. Characters cleaning added or changed (a glue space, a folded
bracket) stay as they are. Offsets do not move, so entities keep pointing at their text.
"""

from __future__ import annotations

from typing import Any

#: How far ahead the next character of a segment is looked for in its source.
_WINDOW = 64


def restore(segments: list[dict[str, Any]], original: str, view: str) -> None:
    """Put each segment's text (in place) back into the characters of ``original``."""
    for seg in segments:
        seg["text"] = restored_text(seg["text"], seg["spans"], original, view)


def restored_text(text: str, spans: list[tuple[int, int]], original: str, view: str) -> str:
    """``text`` (built from ``view[spans]``) in the characters of ``original[spans]``."""
    source_view = "".join(view[a:b] for a, b in spans)
    source = "".join(original[a:b] for a, b in spans)
    if source_view == source:
        return text
    out = []
    position = 0
    for char in text:
        found = source_view.find(char, position, position + _WINDOW)
        if found < 0:
            out.append(char)
            continue
        out.append(source[found])
        position = found + 1
    return "".join(out)
