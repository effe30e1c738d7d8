"""The books' QBO emulator served over real HTTP on 127.0.0.1 (uvicorn in a thread), for
committers in other processes, or threads with their own connections, to talk to."""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass, field

from tests.qbo.qbo_support import served
from workbench.sandbox.qbo_emulator import QboEmulator


@dataclass
class Served:
    url: str
    _stack: ExitStack = field(repr=False)

    def stop(self) -> None:
        self._stack.close()


def serve_qbo(emulator: QboEmulator) -> Served:
    """Start serving; the caller stops it (tests whose servers outlive one ``with`` block)."""
    stack = ExitStack()
    url = stack.enter_context(served(emulator))
    return Served(url, stack)
