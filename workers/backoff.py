"""The one backoff rule of the shell: exponential, capped, with jitter.

Task retries, the filer subscriber, the MinIO listener and the intake's restart loops all wait
``delay(attempt)`` seconds: ``first * 2**attempt``, never more than ``cap``, times a jitter factor
in ``[1 - jitter, 1]`` so that workers retrying after one outage do not hit the store in lockstep.

>>> Backoff(first=1, cap=60, jitter=0).delay(3), Backoff(first=1, cap=60, jitter=0).delay(30)
(8.0, 60.0)
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Backoff:
    """``first`` seconds for the first retry, doubling up to ``cap``; ``jitter`` is the share removed at random."""

    first: float = 1.0
    cap: float = 60.0
    jitter: float = 0.5

    def delay(self, attempt: int) -> float:
        """Seconds to wait before retry number ``attempt + 1`` (``attempt`` counts from 0)."""
        base = min(self.cap, self.first * 2.0 ** min(attempt, 62))
        return base * (1.0 - self.jitter * random.random())

    def total(self, attempts: int) -> float:
        """The longest time ``attempts`` retries can spread over (no jitter): what an outage may last."""
        return sum(min(self.cap, self.first * 2.0 ** min(n, 62)) for n in range(attempts))
