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
    segments = [s for s in doc.segments if s.kind != "context"]
    if not segments:
        return []
    text = "\n".join(seg.text for seg in segments)
    year = int(doc.meta.adopted_on[:4]) if doc.meta.adopted_on else None
    context = TagContext(body=doc.meta.body, symbol=doc.meta.symbol, year=year)
    found: list[Mention] = []
    for tagger in profile.taggers:
        found.extend(tagger(text, context))
    found.sort(key=itemgetter(0))  # stable: what starts at the same place stays in tagger order
    header = {seg.id for seg in segments if seg.kind == "header"}
    own = doc.meta.symbol
    texts = [seg.text for seg in segments]
    starts = list(accumulate((len(t) + 1 for t in texts[:-1]), initial=0))
    entities: list[dict[str, Any]] = []
    index, last = 0, len(starts) - 1
    for start, end, etype, value, body, extra in found:
        while index < last and starts[index + 1] <= start:  # mentions come in order: walk the segments
            index += 1
        seg_start, seg_text, seg_id = starts[index], texts[index], segments[index].id
        if value == own and etype in _OWN_TYPES and seg_id in header:
            continue  # the document's own symbol in its masthead is meta
        local, local_end = start - seg_start, min(end - seg_start, len(seg_text))
        if local_end <= local:
            continue
        entities.append(
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
