"""The closing block: adoption date, meeting and vote, from the profile's closing rules.

A closing row sets any of ``date`` (ISO), ``meeting`` (int), ``vote`` (``unanimous``,
``without_vote``, ``recorded_vote``) and ``vote_counts`` (a ``Vote`` read by the profile's vote
grammar). An adoption line can carry them all (``第3150次会议以12票对零票、3票弃权通过``, *Adopted by
the Security Council at its 4500th meeting, on 12 March 2002, unanimously*); a note cited by the
adoption line can say how it was adopted (``未经表决通过``, *adopted without vote*) or who did not take
part (``三个成员国(…)没有参加表决``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from pipeline.profile import Rule, first_match


@dataclass(slots=True)
class Vote:
    """A vote as far as a line states it; counts are None where not printed."""

    kind: str  # "recorded_vote" | "unanimous" | "without_vote"
    yes: int | None = None
    no: int | None = None
    abstentions: int | None = None
    against: list[str] = field(default_factory=list)
    abstaining: list[str] = field(default_factory=list)
    not_voting: list[str] = field(default_factory=list)

    def merged_into(self, other: Vote | None) -> Vote:
        """What a note says (``self``) added to what the adoption line said (``other``)."""
        if other is None:
            return self
        if self.kind == "without_vote" and other.yes is None:
            return self
        other.not_voting = other.not_voting or self.not_voting
        return other

    def counts(self) -> dict[str, Any] | None:
        """The ``VoteCounts`` fields, when a count was printed."""
        if self.yes is None:
            return None
        return {
            "yes": self.yes,
            "no": self.no,
            "abstentions": self.abstentions,
            "against": self.against,
            "abstaining": self.abstaining,
            "not_voting": self.not_voting,
        }


@dataclass(slots=True)
class ClosingFacts:
    """What the closing block says."""

    date: str | None = None
    meeting: int | None = None
    vote: Vote | None = None
    roles: list[str] = field(default_factory=list)


def closing_role(text: str, rules: tuple[Rule, ...]) -> tuple[str, dict[str, Any]] | None:
    """The role of a closing line and what it sets, or None when it is not one."""
    found = first_match(rules, text)
    if found is None:
        return None
    rule, m = found
    return rule.role, dict(rule.sets(m))


def gather(lines: list[tuple[str, dict[str, Any]]]) -> ClosingFacts:
    """The facts of the closing lines, in order (a later date wins: the real adoption date)."""
    facts = ClosingFacts()
    for role, sets in lines:
        facts.roles.append(role)
        if sets.get("date"):
            facts.date = sets["date"]
        if sets.get("meeting") is not None:
            facts.meeting = facts.meeting or sets["meeting"]
        vote = sets.get("vote")
        if isinstance(vote, Vote) and (facts.vote is None or facts.vote.yes is None):
            facts.vote = vote
    return facts
