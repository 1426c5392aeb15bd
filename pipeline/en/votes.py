"""How an English adoption line says a resolution was adopted.

*unanimously* is unanimous (also as OCR prints it: *wianimvusly*); *without a vote*, *without
vote* and *by consensus* are without a vote; counts make a recorded vote: *by 13 votes to none,
with 2 abstentions (Nicaragua and Zimbabwe)*, *by 10 votes to 1 (USSR)*, *by 9 votes (Australia,
present and not voting; Union of Soviet Socialist Republics, absent)*. States named in brackets
after a count are kept with it (canonical names).
"""

from __future__ import annotations

import re

from pipeline.closing import Vote
from pipeline.en.gazetteers import state_names
from pipeline.en.lexicon import cardinal_to_int

_COUNT = r"(?P<n>\d+|none|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen)"
_NAMES = r"(?:\s*\((?P<names>[^)]*)\))?"
_YES = re.compile(rf"\b(?:by|b_v|hy)\s+{_COUNT}\s+votes?(?:\s+in\s+favour)?{_NAMES}", re.IGNORECASE)
_NO = re.compile(rf"\bto\s+{_COUNT}(?:\s+against)?{_NAMES}", re.IGNORECASE)
_ABSTAIN = re.compile(rf"\b{_COUNT}\s+abstentions?{_NAMES}", re.IGNORECASE)
_UNANIMOUS = re.compile(r"\b\w{0,4}nim\w{0,4}sly\b|\bunanim|\bu\w?an\w{2,5}sly\b", re.IGNORECASE)
_WITHOUT = re.compile(r"without (?:a )?vote|by consensus|no vote was taken|not put to the vote", re.IGNORECASE)
_NOT_VOTING = re.compile(r"not voting|absent|did not participate|not participating", re.IGNORECASE)


def parse_vote(text: str) -> Vote | None:
    """The vote an adoption line states, or None."""
    if _WITHOUT.search(text):
        return Vote("without_vote")
    yes = _YES.search(text)
    if yes is None:
        return Vote("unanimous") if _UNANIMOUS.search(text) else None
    vote = Vote("recorded_vote", yes=cardinal_to_int(yes.group("n")))
    if m := _NO.search(text, yes.end()):
        vote.no = cardinal_to_int(m.group("n"))
        vote.against = _names(m.group("names"))
    if m := _ABSTAIN.search(text, yes.end()):
        vote.abstentions = cardinal_to_int(m.group("n"))
        vote.abstaining = _names(m.group("names"))
    if yes.group("names") and _NOT_VOTING.search(yes.group("names")):
        vote.not_voting = _names(yes.group("names"))
    return vote


def vote_note(text: str) -> Vote | None:
    """What a note cited by the adoption line says of the vote."""
    if _WITHOUT.search(text):
        return Vote("without_vote")
    if _NOT_VOTING.search(text):
        names = _names(text)
        return Vote("", not_voting=names) if names else None
    return None


def _names(text: str | None) -> list[str]:
    return state_names(text) if text else []
