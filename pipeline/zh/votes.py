"""How a Chinese adoption line says a resolution was adopted.

``一致通过`` is unanimous; ``协商一致`` and ``未经表决`` are without a vote; counts make a recorded
vote, in every wording the volumes use: ``以12票对零票、3票弃权``, ``以九票对零通过,弃权者二(…)``,
``以七票对三票(中国、古巴、美利坚合众国)通过,弃权者一(埃及)``, ``以13票赞成、1票反对(巴基斯坦)、1票弃权(约旦)``,
``以九票通过(澳大利亚出席但不参加投票;苏维埃社会主义共和国联邦缺席)``. States named in brackets after
a count are kept with it (canonical names).
"""

from __future__ import annotations

import re

from pipeline.closing import Vote
from pipeline.zh.gazetteers import state_names
from pipeline.zh.numerals import NUMERAL, cn_to_int

_N = rf"(?P<n>\d+|[{NUMERAL}]+)"
_NAMES = r"(?:\s*[(（](?P<names>[^)）]*)[)）])?"
_YES = re.compile(rf"以\s*{_N}\s*票(?:赞成)?{_NAMES}")
_NO = (re.compile(rf"对\s*{_N}\s*票?{_NAMES}"), re.compile(rf"{_N}\s*票反对{_NAMES}"))
_ABSTAIN = (re.compile(rf"{_N}\s*票弃权{_NAMES}"), re.compile(rf"弃权(?:者|国)?\s*{_N}\s*(?:票|国|人|个)?{_NAMES}"))
_UNANIMOUS = re.compile(r"(?<!协商)一致通过|全体一致")
_WITHOUT = re.compile(r"协商一致|未经表决|未举行表决|未付表决|不经表决|无异议")
_NOT_VOTING = re.compile(
    r"出席但?不参加(?:投票|表决)|缺席|未参加(?:投票|表决)|没有参加(?:投票|表决)|不参加(?:投票|表决)"
)
_NOTE_NOT_VOTING = re.compile(r"[(（](?P<names>[^)）]+)[)）][^，,。]*?(?:没有|未)参加(?:投票|表决)")


def parse_vote(text: str) -> Vote | None:
    """The vote an adoption line (the part after the meeting number) states, or None."""
    if _WITHOUT.search(text):
        return Vote("without_vote")
    if _UNANIMOUS.search(text):
        return Vote("unanimous")
    yes = _YES.search(text)
    if yes is None:
        return None
    vote = Vote("recorded_vote", yes=cn_to_int(yes.group("n")))
    for pattern in _NO:
        if m := pattern.search(text, yes.end()):
            vote.no = cn_to_int(m.group("n"))
            vote.against = _names(m.group("names"))
            break
    for pattern in _ABSTAIN:
        if m := pattern.search(text, yes.end()):
            vote.abstentions = cn_to_int(m.group("n"))
            vote.abstaining = _names(m.group("names"))
            break
    tail = text[yes.end() :]
    bracket = re.search(r"[(（]([^)）]*)[)）]", tail)
    if yes.group("names") and _NOT_VOTING.search(yes.group("names")):
        vote.not_voting = _names(yes.group("names"))
    elif bracket and _NOT_VOTING.search(bracket.group(1)) and vote.no is None:
        vote.not_voting = _names(bracket.group(1))
    return vote


def vote_note(text: str) -> Vote | None:
    """What a note cited by the adoption line says: not put to the vote, or who did not vote."""
    if _WITHOUT.search(text):
        return Vote("without_vote")
    if m := _NOTE_NOT_VOTING.search(text):
        return Vote("", not_voting=_names(m.group("names")))
    return None


def _names(text: str | None) -> list[str]:
    return state_names(text) if text else []
