"""Progress reports from long work, shaped so that a newer one simply replaces the older."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Progress:
    stage: str
    done: int
    total: int | None = None
    started: float = field(default_factory=time.monotonic)

    @property
    def rate(self) -> float:
        elapsed = time.monotonic() - self.started
        return self.done / elapsed if elapsed > 0 else 0.0

    @property
    def eta_seconds(self) -> float | None:
        if self.total is None or self.rate <= 0:
            return None
        return max(self.total - self.done, 0) / self.rate

    def describe(self) -> str:
        count = f"{self.done:,}" + (f" of {self.total:,}" if self.total is not None else "")
        text = f"{self.stage}: {count}"
        if self.rate:
            text += f" ({self.rate:,.0f}/s"
            eta = self.eta_seconds
            text += f", ~{eta:,.0f} s left)" if eta is not None else ")"
        return text


ProgressCallback = Callable[[Progress], None]


class SyncCancelled(Exception):
    """Raised from a progress callback to stop long work between two safe points."""


def ignore_progress(_: Progress) -> None:
    return None
