"""Staying inside QBO's per-company limits, and deciding when a failed call may be retried.

Limits (reference §13): 10 requests a second and 500 a minute per realm, batch calls included,
plus 40 batch calls a minute. QBO counts them in sliding windows, so a classic bucket that
refills continuously at 10/s would allow 20 requests in one second (a full bucket plus a
second's refill) and draw 429s. Our buckets therefore hand each token back exactly one window
(plus a small margin) after it was spent: the client never sends more than QBO allows in any
window, yet a burst may use the whole allowance.

Retry rules: a 429 was refused before any work was done, so it is always retried after the
wait (60 s, or what the response says). A 5xx, timeout or dropped connection may hide an
applied write, so only calls that are safe to repeat are retried: reads and queries, and writes
protected by their ``requestid`` (QBO answers a repeat with the stored original).
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

PER_SECOND = 10
PER_MINUTE = 500
BATCH_PER_MINUTE = 40
THROTTLE_WAIT = 60.0
MAX_THROTTLE_RETRIES = 5
MAX_SERVER_RETRIES = 3


class TokenBucket:
    """``capacity`` tokens; a spent token returns ``period`` (+ margin) seconds after use."""

    def __init__(self, capacity: int, period: float, *, margin: float = 0.05) -> None:
        if capacity < 1 or period <= 0:
            raise ValueError("a bucket needs at least one token and a positive period")
        self.capacity = capacity
        self.period = period * (1 + margin)
        self._spent: deque[float] = deque()

    def wait_time(self, now: float) -> float:
        """Seconds until a token is free (0 if one is free now)."""
        while self._spent and self._spent[0] + self.period <= now:
            self._spent.popleft()
        if len(self._spent) < self.capacity:
            return 0.0
        return self._spent[0] + self.period - now

    def spend(self, now: float) -> None:
        self._spent.append(now)


class RealmLimiter:
    """The three buckets of one company; ``acquire`` sleeps until every one has a token."""

    def __init__(
        self,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        per_second: int = PER_SECOND,
        per_minute: int = PER_MINUTE,
        batch_per_minute: int = BATCH_PER_MINUTE,
    ) -> None:
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self.second = TokenBucket(per_second, 1.0)
        self.minute = TokenBucket(per_minute, 60.0)
        self.batch = TokenBucket(batch_per_minute, 60.0)
        self.waited = 0.0

    def acquire(self, *, batch: bool = False) -> None:
        buckets = [self.second, self.minute] + ([self.batch] if batch else [])
        while True:
            with self._lock:
                now = self._clock()
                wait = max(b.wait_time(now) for b in buckets)
                if wait <= 0:
                    for bucket in buckets:
                        bucket.spend(now)
                    return
            self.waited += wait
            self._sleep(wait)


@dataclass(frozen=True)
class RetryPolicy:
    """Back-off with full jitter; the random source is injectable so tests are repeatable."""

    base: float = 1.0
    cap: float = 30.0
    server_retries: int = MAX_SERVER_RETRIES
    throttle_retries: int = MAX_THROTTLE_RETRIES
    rng: random.Random | None = None

    def backoff(self, attempt: int) -> float:
        """Seconds before retry ``attempt`` (0-based) of a 5xx or transport failure."""
        ceiling = min(self.cap, self.base * 2.0**attempt)
        draw = (self.rng or random).random()
        return ceiling / 2 + draw * ceiling / 2


def throttle_wait(retry_after: str | None) -> float:
    """How long to wait after a 429: ``Retry-After`` seconds when given, else 60 s."""
    if retry_after:
        try:
            seconds = float(retry_after.strip())
        except ValueError:
            return THROTTLE_WAIT
        if 0 <= seconds <= 3600:
            return seconds
    return THROTTLE_WAIT
