"""Batch: up to 30 independent items, per-item results by bId, a failing item does not stop
the others, and a lost batch answer is recovered by resending the same requestid."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import parse_qs

import pytest

from tests.qbo.qbo_support import Env, make_env
from tests.sandbox.qbo_emulator_support import sales_line
from workbench.qbo.batch import BatchItem
from workbench.qbo.client import QboClient
from workbench.qbo.entities import UnsupportedOperation
from workbench.qbo.querylang import Select


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    environment = make_env(tmp_path)
    yield environment
    environment.close()


@pytest.fixture
def client(env: Env) -> QboClient:
    return env.client()


def receipt(note: str) -> dict[str, object]:
    return {
        "CustomerRef": {"value": "1"},
        "PrivateNote": note,
        "Line": [sales_line("10", 1, Decimal("19.99"), Decimal("19.99"))],
    }


def test_batch_with_a_failing_item(env: Env, client: QboClient) -> None:
    existing = client.create("SalesReceipt", receipt("to void"))
    stale = client.create("Customer", {"DisplayName": "Stale Sam"})
    client.update("Customer", {"Id": stale["Id"], "SyncToken": "0", "Notes": "moved on"})
    results = client.batch(
        [
            BatchItem.create("b1", "SalesReceipt", receipt("shopify:order:1:v1")),
            BatchItem.update("b2", "Customer", {"Id": stale["Id"], "SyncToken": "0", "Notes": "x"}),
            BatchItem.create("b3", "SalesReceipt", receipt("shopify:order:3:v1")),
            BatchItem.delete("b4", "Deposit", "999999", "0"),
            BatchItem.void("b5", "SalesReceipt", existing["Id"], "0"),
            BatchItem.select("b6", Select("Customer").where("DisplayName", "=", "O'Brien & Sons")),
        ]
    )
    assert set(results) == {"b1", "b2", "b3", "b4", "b5", "b6"}
    assert [b for b, r in sorted(results.items()) if not r.ok] == ["b2", "b4"]
    assert results["b2"].fault is not None and results["b2"].fault.code == "5010"
    assert results["b4"].fault is not None and results["b4"].fault.code == "610"
    assert "sync qbo" in results["b2"].fault.hint
    created = [results[b].obj for b in ("b1", "b3")]
    assert all(obj is not None and obj["TotalAmt"] == Decimal("19.99") for obj in created)
    receipts = env.emulator.entities(env.company.realm_id, "SalesReceipt")
    notes = {o.get("PrivateNote") for o in receipts}
    assert {"shopify:order:1:v1", "shopify:order:3:v1"} <= notes
    voided = results["b5"].obj
    assert voided is not None and voided["TotalAmt"] == 0
    page = results["b6"].page
    assert page is not None and [row["DisplayName"] for row in page.rows] == ["O'Brien & Sons"]
    batch_request = env.transport.api_requests()[-1]
    assert batch_request.url.path.endswith("/batch")
    assert len(parse_qs(batch_request.url.query.decode())["requestid"][0]) == 36


def test_a_lost_batch_answer_is_replayed_not_reapplied(env: Env, client: QboClient) -> None:
    env.emulator.fault_plan.force("lost")
    items = [BatchItem.create(f"b{i}", "SalesReceipt", receipt(f"n{i}")) for i in range(3)]
    results = client.batch(items, request_id="batch-0001")
    assert all(r.ok for r in results.values())
    assert env.emulator.applied_count(request_id="batch-0001") == 3  # once per item, not twice
    assert len(env.emulator.entities(env.company.realm_id, "SalesReceipt")) == 3
    sent = [parse_qs(r.url.query.decode())["requestid"] for r in env.transport.api_requests()]
    assert sent == [["batch-0001"], ["batch-0001"]]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (lambda: [BatchItem.select(f"b{i}", "select * from Item") for i in range(31)], "1 to 30"),
        (lambda: [], "1 to 30"),
        (lambda: [BatchItem.select("b1", "select * from Item")] * 2, "unique"),
        (lambda: [BatchItem.select("b-way-too-long", "select * from Item")], "bId"),
    ],
)
def test_batch_shape_is_checked_before_sending(
    env: Env, client: QboClient, build: object, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        client.batch(build())  # type: ignore[operator]
    assert env.transport.api_requests() == []


def test_batch_refuses_entity_rules_too() -> None:
    with pytest.raises(UnsupportedOperation):
        BatchItem.delete("b1", "Item", "1", "0")
    with pytest.raises(UnsupportedOperation):
        BatchItem.void("b1", "Deposit", "1", "0")


def test_thirty_items_are_accepted(env: Env, client: QboClient) -> None:
    items = [
        BatchItem.create(f"c{i}", "Customer", {"DisplayName": f"Buyer {i}"}) for i in range(30)
    ]
    results = client.batch(items)
    assert len(results) == 30 and all(r.ok for r in results.values())
    assert env.emulator.applied_count(entity="Customer") == 30
