"""Words a text layer scattered: put back into their line.

pdftotext sometimes cannot place the words of a justified line: it keeps the line's first words,
then sets the others one per paragraph after the next line, or after the page's foot (``Having
considered`` / ``Confederation, 2`` / ``the`` / ``application`` / ``for`` …). Such a run — two or
more lines that are one word each, every one after a blank line, some in lower case — belongs
between the last two body lines before it; it is moved there, so that the paragraph reads whole.
What a word is comes from the profile (``Profile.scattered_word``); a language without such runs
has none.
"""

from __future__ import annotations

import re

from pipeline.lines import Line

#: Fewest words that make a run (one word alone on its line is a heading or a page number).
_MIN_RUN = 2


def regather(lines: list[Line], word: re.Pattern[str] | None) -> list[Line]:
    """``lines`` with each run of scattered words moved before the last body line above it."""
    if word is None:
        return lines
    out = list(lines)
    i = 0
    while i < len(out):
        run = _run_at(out, i, word)
        if len(run) < _MIN_RUN or not any(line.text.islower() for line in run):
            i += max(len(run), 1)
            continue
        target = _last_body_before(out, i)
        if target is None:
            i += len(run)
            continue
        del out[i : i + len(run)]
        for line in run:
            line.blank_before = False
        out[target:target] = run
        i += len(run)
    return out


def _run_at(lines: list[Line], start: int, word: re.Pattern[str]) -> list[Line]:
    run: list[Line] = []
    for line in lines[start:]:
        if line.kind != "body" or not line.blank_before or line.refs or not word.match(line.text):
            break
        run.append(line)
    return run


def _last_body_before(lines: list[Line], end: int) -> int | None:
    """Index of the last body line before ``end`` (notes, furniture and separators passed over),
    if a body line stands before that one too (the run goes between them)."""
    bodies = [i for i in range(end - 1, -1, -1) if lines[i].kind == "body"][:2]
    return bodies[0] if len(bodies) == 2 else None
