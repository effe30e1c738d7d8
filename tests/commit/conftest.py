"""The sandbox books most commit tests start from."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.commit.books import Books, make_books


@pytest.fixture
def books(tmp_path: Path) -> Iterator[Books]:
    found = make_books(f"sqlite:///{tmp_path / 'books.db'}")
    yield found
    found.close()
