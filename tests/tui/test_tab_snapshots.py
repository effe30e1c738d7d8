"""SVG snapshots of the Payouts, Unmatched SKUs and Mappings tabs at 140×40, from fixed data
(``small_store`` plus the company in ``tab_books``), reached by pressing 2, 3 and 4."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.tab_pilot import SIZE, press, settle
from workbench.services.workspace import Workspace
from workbench.store.engine import Store
from workbench.store.tables import AuditRow, CommitBatchRow, OutboxRow
from workbench.tui.app import WorkbenchApp


def _on_tab(key: str) -> Any:
    async def run_before(pilot: Pilot[Any]) -> None:
        await settle(pilot)
        await press(pilot, key)

    return run_before


def test_payouts_tab(snap_compare: Any, books: Store) -> None:
    app = WorkbenchApp(Workspace(books), user="ana")
    assert snap_compare(app, terminal_size=SIZE, run_before=_on_tab("2"))


def test_unmatched_skus_tab(snap_compare: Any, books: Store) -> None:
    app = WorkbenchApp(Workspace(books), user="ana")
    assert snap_compare(app, terminal_size=SIZE, run_before=_on_tab("3"))


def test_mappings_tab(snap_compare: Any, books: Store) -> None:
    app = WorkbenchApp(Workspace(books), user="ana")
    assert snap_compare(app, terminal_size=SIZE, run_before=_on_tab("4"))


@pytest.fixture
def committed(small_store: Store, monkeypatch: pytest.MonkeyPatch) -> Store:
    """One finished batch (two posted, one failed with QBO's message) and its audit rows, at
    fixed instants shown in UTC so the picture does not depend on the machine's zone."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    at = datetime(2026, 11, 5, 14, 30, tzinfo=UTC)
    with small_store.session() as session:
        session.add(CommitBatchRow(
            id="20261105-143000-a1b2c3", reviewer="ana", started_at=at, finished_at=at,
            heartbeat_at=at, host="desk", pid=1, state="finished", posted=2, failed=1,
            total=Decimal("333.92"),
        ))  # fmt: skip
        rows = [
            ("shopify:order:1001:v1", "SalesReceipt", "posted", "201", Decimal("129.00"), None),
            ("shopify:payout:77:v1", "Deposit", "posted", "202", Decimal("204.92"), None),
            ("shopify:refund:9002:v1", "RefundReceipt", "failed", None, Decimal("45.00"),
             {"Error": [{"code": "6000", "Message": "A business validation error has occurred",
                         "Detail": "Account is inactive"}],
              "hint": "reactivate the account in QuickBooks or map another one"}),
        ]  # fmt: skip
        for i, (key, entity, state, qbo_id, amount, fault) in enumerate(rows):
            session.add(OutboxRow(
                batch_id="20261105-143000-a1b2c3", proposal_key=key, part=entity,
                request_id=f"req-{i}", entity_type=entity, state=state, body={}, amount=amount,
                qbo_id=qbo_id, sync_token="0" if qbo_id else None, fault=fault, updated_at=at,
            ))  # fmt: skip
            session.add(AuditRow(at=at, actor="ana", action="post" if qbo_id else "post_failed",
                                 subject=key))  # fmt: skip
    return small_store


def test_history_tab(snap_compare: Any, committed: Store) -> None:
    app = WorkbenchApp(Workspace(committed), user="ana")
    assert snap_compare(app, terminal_size=SIZE, run_before=_on_tab("5"))
