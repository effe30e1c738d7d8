"""Injected failures for exactly-once tests: 500, 503, and "applied, then the response is lost".

Draws come from a seeded RNG so a failing run can be replayed; ``force`` queues outcomes for the
next requests so a test can place a failure exactly. A lost response is delivered as a transport
error, never as an HTTP status: the write is applied (and its ``requestid`` answer stored), then
the app starts the response and raises :class:`ResponseLost`. In process (``httpx.ASGITransport``)
that exception reaches the caller, and it *is* an ``httpx.RemoteProtocolError``; over real HTTP
uvicorn closes the connection mid-response, which httpx reports as ``RemoteProtocolError`` too.
"""

from __future__ import annotations

import random
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Literal

import httpx

Outcome = Literal["500", "503", "lost"]


class ResponseLost(httpx.RemoteProtocolError):
    """The emulator applied the request and then dropped the connection."""


@dataclass
class FaultPlan:
    """Probabilities per request; zero by default (no injection)."""

    seed: int = 0
    p_500: float = 0.0
    p_503: float = 0.0
    p_lost: float = 0.0
    writes_only: bool = True
    injected: Counter[str] = field(default_factory=Counter)
    _forced: deque[Outcome] = field(default_factory=deque)
    _rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        total = self.p_500 + self.p_503 + self.p_lost
        if min(self.p_500, self.p_503, self.p_lost) < 0 or total > 1:
            raise ValueError("fault probabilities must be >= 0 and sum to at most 1")
        self._rng = random.Random(self.seed)

    def force(self, *outcomes: Outcome) -> None:
        """Queue outcomes for the next eligible requests, before any random draw."""
        self._forced.extend(outcomes)

    def draw(self, *, is_write: bool) -> Outcome | None:
        if self.writes_only and not is_write:
            return None
        outcome: Outcome | None
        if self._forced:
            outcome = self._forced.popleft()
        else:
            roll = self._rng.random()
            if roll < self.p_500:
                outcome = "500"
            elif roll < self.p_500 + self.p_503:
                outcome = "503"
            elif roll < self.p_500 + self.p_503 + self.p_lost:
                outcome = "lost"
            else:
                outcome = None
        if outcome is not None:
            self.injected[outcome] += 1
        return outcome
