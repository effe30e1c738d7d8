"""Stopping half-way: a cancelled import keeps the chunks it committed and running it again
finishes the job; a failed write is raised, not swallowed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from tests.csv_import.csv_files import ORDERS_HEADER, first_row, row, write
from workbench.services.csv_import import import_orders
from workbench.services.progress import Progress, SyncCancelled
from workbench.store import shopify_repo
from workbench.store.engine import Store, open_store
from workbench.store.tables import OrderRow


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path / 'pipe.db'}")
    yield opened
    opened.close()


def _count(store: Store) -> int:
    with store.session() as session:
        return int(session.scalar(select(func.count()).select_from(OrderRow)) or 0)


def test_a_cancelled_import_keeps_its_chunks_and_can_be_finished(
    store: Store, tmp_path: Path
) -> None:
    rows = [row(ORDERS_HEADER, first_row(f"#{n}", str(n))) for n in range(1, 21)]
    path = write(tmp_path / "o.csv", ORDERS_HEADER, rows)

    def cancel_after_two(progress: Progress) -> None:
        if progress.done >= 4 and progress.done < progress.total:  # type: ignore[operator]
            raise SyncCancelled

    with pytest.raises(SyncCancelled):
        import_orders(store, path, chunk=2, progress=cancel_after_two)
    assert 0 < _count(store) < 20
    report = import_orders(store, path, chunk=2)
    assert _count(store) == 20 and report.new + report.unchanged == 20


def test_a_database_failure_surfaces(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_: object, **__: object) -> None:
        raise RuntimeError("database went away")

    monkeypatch.setattr(shopify_repo, "save_orders", broken)
    rows = [row(ORDERS_HEADER, first_row(f"#{n}", str(n))) for n in range(1, 6)]
    with pytest.raises(RuntimeError, match="database went away"):
        import_orders(store, write(tmp_path / "o.csv", ORDERS_HEADER, rows), chunk=1)
