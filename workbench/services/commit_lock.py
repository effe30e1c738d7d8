"""Who may commit at the same time.

PostgreSQL: any number of committers; entries are claimed row by row (SKIP LOCKED), so nothing
global is needed. SQLite has no row locks, so one commit at a time per database file: an OS
lock on a file beside the database. The OS drops it when the process dies (even by kill -9),
so a crashed commit never blocks the next one, and the next one knows the crashed one is gone.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from sqlalchemy.engine import make_url

from workbench.errors import WorkbenchError
from workbench.store.engine import Store

_MEMORY_LOCKS: dict[str, threading.Lock] = {}


class CommitInProgress(WorkbenchError):
    """Another commit holds the SQLite database."""


BUSY = (
    "another commit is running on this database ({where}); wait for it to finish, or use "
    "PostgreSQL (WORKBENCH_DB) for several people committing at once"
)


def _try_lock(handle: IO[bytes]) -> bool:
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import msvcrt

        try:
            msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True


@contextmanager
def commit_lock(store: Store) -> Iterator[bool]:
    """Hold the right to commit; yields True when this process is the only committer (SQLite),
    False when others may be committing too (PostgreSQL)."""
    if store.backend != "sqlite":
        yield False
        return
    database = make_url(store.url).database
    if not database or database == ":memory:":
        lock = _MEMORY_LOCKS.setdefault(store.url, threading.Lock())
        if not lock.acquire(blocking=False):
            raise CommitInProgress(BUSY.format(where="this process"))
        try:
            yield True
        finally:
            lock.release()
        return
    path = Path(database).with_name(Path(database).name + ".commit-lock")
    with path.open("a+b") as handle:
        if not _try_lock(handle):
            raise CommitInProgress(BUSY.format(where=str(path)))
        # The lock goes with the file handle: closing it (or dying) releases it.
        yield True
