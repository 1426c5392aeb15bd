"""Stage *extract*: ``SegmentedDocument`` -> entities, each with its segment and offsets.

The profile's taggers (document symbols, citations with their organ, dates, instruments,
member states and organizations from gazetteers, sessions, agenda items, meetings) each run once
over the document's text, its segments joined by newlines; offsets are mapped back to each
segment. Text set aside as context (a neighbouring item, a translation) is not searched. The
document's own symbol in its masthead is meta, not a citation.
"""

from __future__ import annotations

from itertools import accumulate
from operator import itemgetter
from typing import Any

from pipeline.profile import Mention, Profile, TagContext
from schemas.stages import SegmentedDocument

#: Entity types whose ``body`` is kept (the organ of a citation or a session).
_WITH_BODY = frozenset({"resolution", "decision", "session"})
#: Entity types that the document's own symbol in its masthead would be.
_OWN_TYPES = frozenset({"resolution", "decision", "document_symbol"})


def extract(doc: SegmentedDocument, profile: Profile) -> list[dict[str, Any]]:
    """The entities of a segmented document, in reading order, as fields of ``Entity``; pure."""
    segments = [s for s in doc.segments if s["kind"] != "context"]
    if not segments:
        return []
    text = "\n".join(seg["text"] for seg in segments)
    year = int(doc.meta.adopted_on[:4]) if doc.meta.adopted_on else None
    context = TagContext(body=doc.meta.body, symbol=doc.meta.symbol, year=year)
    found: list[Mention] = []
    for tagger in profile.taggers:
        found.extend(tagger(text, context))
    found.sort(key=itemgetter(0))  # stable: what starts at the same place stays in tagger order
    own = doc.meta.symbol
    texts = [seg["text"] for seg in segments]
    ids = [seg["id"] for seg in segments]
    in_header = [seg["kind"] == "header" for seg in segments]
    bounds = list(accumulate((len(t) + 1 for t in texts), initial=0))  # segment i: bounds[i]..bounds[i+1]-1
    entities: list[dict[str, Any]] = []
    append = entities.append
    index = 0
    seg_start, seg_end, seg_text, seg_id = 0, len(texts[0]), texts[0], ids[0]
    for start, end, etype, value, body, extra in found:
        if start > seg_end:  # mentions come in order: walk the segments
            while bounds[index + 1] <= start:
                index += 1
            seg_start, seg_text, seg_id = bounds[index], texts[index], ids[index]
            seg_end = seg_start + len(seg_text)
        if value == own and etype in _OWN_TYPES and in_header[index]:
            continue  # the document's own symbol in its masthead is meta
        local = start - seg_start
        local_end = (end if end < seg_end else seg_end) - seg_start
        if local_end <= local:
            continue
        append(
            {
                "type": etype,
                "text": seg_text[local:local_end],
                "value": value,
                "segment": seg_id,
                "start": local,
                "end": local_end,
                "body": body if etype in _WITH_BODY else None,
                "precision": extra if etype == "date" else None,
                "iso3": extra if etype == "member_state" else None,
            }
        )
    return entities
