"""Per-realm request throttling as QBO documents it (reference §13).

Sliding windows over an injected monotonic clock, so tests move time instead of sleeping and
time-scaled benchmarks can shrink a "minute". A refused request is not counted: a client that
backs off must get through once the window has slid.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

PER_SECOND = 10
PER_MINUTE = 500
BATCH_PER_MINUTE = 40


@dataclass(frozen=True)
class Window:
    limit: int
    seconds: float


class SlidingWindow:
    """Timestamps of accepted requests within the last ``seconds``."""

    def __init__(self, window: Window) -> None:
        self.window = window
        self.stamps: deque[float] = deque()

    def _trim(self, now: float) -> None:
        horizon = now - self.window.seconds
        while self.stamps and self.stamps[0] <= horizon:
            self.stamps.popleft()

    def full(self, now: float) -> bool:
        self._trim(now)
        return len(self.stamps) >= self.window.limit

    def add(self, now: float) -> None:
        self.stamps.append(now)


class RateLimiter:
    """10/s and 500/min for every API call of a realm, plus 40/min for batch calls.

    ``time_scale`` divides the window lengths (60 → a "minute" lasts one second).
    A batch call counts once towards the request windows (the reference does not say whether
    each item counts; UNVERIFIED).
    """

    def __init__(
        self, clock: Callable[[], float], *, time_scale: float = 1.0, enabled: bool = True
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.clock = clock
        self.enabled = enabled
        self.second = Window(PER_SECOND, 1.0 / time_scale)
        self.minute = Window(PER_MINUTE, 60.0 / time_scale)
        self.batch_minute = Window(BATCH_PER_MINUTE, 60.0 / time_scale)
        self._windows: dict[tuple[str, str], SlidingWindow] = {}
        self.throttled = 0

    def _get(self, realm_id: str, name: str, window: Window) -> SlidingWindow:
        key = (realm_id, name)
        found = self._windows.get(key)
        if found is None:
            found = self._windows[key] = SlidingWindow(window)
        return found

    def admit(self, realm_id: str, *, batch: bool = False) -> bool:
        """Record the request and return True, or return False (429) without recording it."""
        if not self.enabled:
            return True
        now = self.clock()
        windows = [
            self._get(realm_id, "second", self.second),
            self._get(realm_id, "minute", self.minute),
        ]
        if batch:
            windows.append(self._get(realm_id, "batch", self.batch_minute))
        if any(w.full(now) for w in windows):
            self.throttled += 1
            return False
        for w in windows:
            w.add(now)
        return True
