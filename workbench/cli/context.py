"""The settings and the opened store every command works on, closed however it ends."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from workbench.config import Settings, load_settings
from workbench.store.engine import Store, open_store


@contextmanager
def opened_store() -> Iterator[tuple[Settings, Store]]:
    settings = load_settings()
    store = open_store(settings.database_url)
    try:
        yield settings, store
    finally:
        store.close()
