"""Every write kind on every entity we post, against the emulator: create, read, sparse update,
then delete, void or deactivate as the entity allows (reference §4). Outcomes are checked in
the emulator's own state, and every request on the wire carries what QBO expects."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest

from tests.qbo.qbo_support import Env, make_env
from tests.sandbox.qbo_emulator_support import sales_line
from workbench.qbo.client import QboClient, derive_request_id
from workbench.qbo.entities import UnsupportedOperation
from workbench.qbo.errors import QboFault
from workbench.qbo.querylang import Select

REALM_OBJECTS: dict[str, dict[str, Any]] = {
    "SalesReceipt": {
        "CustomerRef": {"value": "1"},
        "Line": [sales_line("10", 2, Decimal("17.50"), Decimal("35.00"))],
        "TxnTaxDetail": {"TotalTax": Decimal("2.80")},
    },
    "RefundReceipt": {
        "CustomerRef": {"value": "1"},
        "Line": [sales_line("10", 1, Decimal("35.00"), Decimal("35.00"))],
        "DepositToAccountRef": {"value": "90"},
    },
    "Invoice": {"CustomerRef": {"value": "1"}, "Line": [sales_line("1", 3, 10, 30)]},
    "Payment": {"CustomerRef": {"value": "1"}, "TotalAmt": Decimal("12.00")},
    "Deposit": {
        "DepositToAccountRef": {"value": "35"},
        "Line": [
            {
                "DetailType": "DepositLineDetail",
                "Amount": Decimal("100.00"),
                "DepositLineDetail": {"AccountRef": {"value": "90"}},
            },
            {
                "DetailType": "DepositLineDetail",
                "Amount": Decimal("-2.90"),
                "DepositLineDetail": {"AccountRef": {"value": "92"}},
            },
        ],
    },
    "Purchase": {
        "PaymentType": "CreditCard",
        "AccountRef": {"value": "91"},
        "Line": [
            {
                "DetailType": "AccountBasedExpenseLineDetail",
                "Amount": Decimal("9.00"),
                "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "92"}},
            },
        ],
    },
    "JournalEntry": {
        "Line": [
            {
                "DetailType": "JournalEntryLineDetail",
                "Amount": Decimal("10.00"),
                "JournalEntryLineDetail": {"PostingType": "Debit", "AccountRef": {"value": "92"}},
            },
            {
                "DetailType": "JournalEntryLineDetail",
                "Amount": Decimal("10.00"),
                "JournalEntryLineDetail": {"PostingType": "Credit", "AccountRef": {"value": "35"}},
            },
        ],
    },
    "Transfer": {
        "FromAccountRef": {"value": "90"},
        "ToAccountRef": {"value": "35"},
        "Amount": Decimal("50.00"),
    },
    "Item": {
        "Name": "Hoodie - O'Brien \\ Black",
        "Sku": "HD-BLK-M",
        "Type": "NonInventory",
        "IncomeAccountRef": {"value": "79"},
    },
    "Account": {"Name": "Stripe Clearing", "AccountType": "Other Current Asset"},
    "Customer": {"DisplayName": "Zoë K."},
}
# What the total of each created object must be, worked out by hand from the bodies above.
TOTALS = {
    "SalesReceipt": ("TotalAmt", Decimal("37.80")),
    "RefundReceipt": ("TotalAmt", Decimal("35.00")),
    "Invoice": ("TotalAmt", Decimal("30")),
    "Payment": ("TotalAmt", Decimal("12.00")),
    "Deposit": ("TotalAmt", Decimal("97.10")),
    "Purchase": ("TotalAmt", Decimal("9.00")),
    "Transfer": ("Amount", Decimal("50.00")),
}
ENDING = {
    "SalesReceipt": "void",
    "Payment": "void",
    "Invoice": "void",
    "RefundReceipt": "delete",
    "Deposit": "delete",
    "Purchase": "delete",
    "JournalEntry": "delete",
    "Transfer": "delete",
    "Item": "deactivate",
    "Account": "deactivate",
    "Customer": "deactivate",
}
UPDATES = {
    "Item": {"Description": "Heavyweight hoodie"},
    "Account": {"Description": "Stripe payouts land here"},
    "Customer": {"Notes": "Wholesale"},
}


@pytest.fixture
def env(tmp_path: Path) -> Iterator[Env]:
    environment = make_env(tmp_path)
    yield environment
    environment.close()


@pytest.fixture
def client(env: Env) -> QboClient:
    return env.client()


def in_emulator(env: Env, entity: str, obj_id: str) -> dict[str, Any] | None:
    return next((o for o in env.emulator.entities(env.company.realm_id, entity)
                 if o["Id"] == obj_id), None)  # fmt: skip


@pytest.mark.parametrize("entity", sorted(REALM_OBJECTS))
def test_create_read_update_and_end(env: Env, client: QboClient, entity: str) -> None:
    created = client.create(entity, REALM_OBJECTS[entity])
    obj_id = created["Id"]
    assert created["SyncToken"] == "0"
    if entity in TOTALS:
        field, expected = TOTALS[entity]
        assert created[field] == expected and not isinstance(created[field], float)
    assert client.read(entity, obj_id) == in_emulator(env, entity, obj_id)

    change = UPDATES.get(entity, {"PrivateNote": "shopify:order:1001:v1"})
    updated = client.update(entity, {"Id": obj_id, "SyncToken": "0", **change})
    assert updated["SyncToken"] == "1"
    stored = in_emulator(env, entity, obj_id)
    assert stored is not None
    for key, value in change.items():
        assert stored[key] == value
    if entity in TOTALS:  # sparse: the lines were left alone, so the total stands
        field, expected = TOTALS[entity]
        assert stored[field] == expected

    ending = ENDING[entity]
    if ending == "void":
        client.void(entity, obj_id, "1")
        voided = in_emulator(env, entity, obj_id)
        assert voided is not None and voided["TotalAmt"] == 0 and voided["SyncToken"] == "2"
    elif ending == "delete":
        answer = client.delete(entity, obj_id, "1")
        assert answer["status"] == "Deleted"
        assert in_emulator(env, entity, obj_id) is None
    else:
        client.deactivate(entity, obj_id, "1")
        gone = env.emulator.entities(env.company.realm_id, entity)
        assert next(o for o in gone if o["Id"] == obj_id)["Active"] is False
    kinds = [(w.entity, w.operation) for w in env.emulator.applied_writes]
    assert kinds[0] == (entity, "create") and len(kinds) == 3


def test_every_request_carries_minorversion_and_writes_a_requestid(
    env: Env, client: QboClient
) -> None:
    receipt = client.create("SalesReceipt", REALM_OBJECTS["SalesReceipt"])
    client.update("SalesReceipt", {"Id": receipt["Id"], "SyncToken": "0", "PrivateNote": "x"})
    client.void("SalesReceipt", receipt["Id"], "1")
    client.read("SalesReceipt", receipt["Id"])
    client.count(Select("Item"))
    api = env.transport.api_requests()
    assert len(api) == 5
    ids = []
    for request in api:
        query = parse_qs(request.url.query.decode())
        assert query["minorversion"] == ["75"]
        assert request.headers["accept"] == "application/json"
        if request.method == "POST":
            assert request.headers["content-type"] == "application/json"
            ids.append(query["requestid"][0])
        else:
            assert "requestid" not in query
    assert len(ids) == 3 and len(set(ids)) == 3 and all(len(i) == 36 for i in ids)
    void_query = parse_qs(api[2].url.query.decode())
    assert void_query["operation"] == ["update"] and void_query["include"] == ["void"]
    assert b'"sparse":true' in api[2].content


def test_a_callers_requestid_is_sent_and_replays(env: Env, client: QboClient) -> None:
    rid = derive_request_id("outbox", "shopify:order:1001:v1")
    assert rid == derive_request_id("outbox", "shopify:order:1001:v1")  # deterministic
    first = client.create("Customer", {"DisplayName": "Once Only"}, request_id=rid)
    again = client.create("Customer", {"DisplayName": "Once Only"}, request_id=rid)
    assert again == first
    assert env.emulator.applied_count(request_id=rid) == 1
    sent = [parse_qs(r.url.query.decode())["requestid"][0] for r in env.transport.api_requests()]
    assert sent == [rid, rid]


def test_money_goes_out_as_json_numbers(env: Env, client: QboClient) -> None:
    client.create("SalesReceipt", REALM_OBJECTS["SalesReceipt"])
    body = env.transport.api_requests()[0].content
    assert b'"UnitPrice":17.50' in body and b'"Amount":35.00' in body and b'"17.50"' not in body


def test_invoice_is_voided_with_operation_void(env: Env, client: QboClient) -> None:
    invoice = client.create("Invoice", REALM_OBJECTS["Invoice"])
    client.void("Invoice", invoice["Id"], "0")
    query = parse_qs(env.transport.api_requests()[-1].url.query.decode())
    assert query["operation"] == ["void"] and "include" not in query


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c: c.void("Deposit", "1", "0"), "delete it instead"),
        (lambda c: c.void("Item", "1", "0"), "cannot be voided"),
        (lambda c: c.delete("Item", "1", "0"), "inactive"),
        (lambda c: c.deactivate("Deposit", "1", "0"), "deleted, not deactivated"),
        (lambda c: c.create("TaxCode", {"Name": "X"}), "does not accept writes"),
    ],
)
def test_operations_an_entity_does_not_allow_are_refused_before_sending(
    env: Env, client: QboClient, call: Any, message: str
) -> None:
    with pytest.raises(UnsupportedOperation, match=message):
        call(client)
    assert env.transport.api_requests() == []


def test_a_stale_synctoken_is_a_5010_with_a_hint(env: Env, client: QboClient) -> None:
    customer = client.create("Customer", {"DisplayName": "Stale Sam"})
    client.update("Customer", {"Id": customer["Id"], "SyncToken": "0", "Notes": "a"})
    with pytest.raises(QboFault) as info:
        client.update("Customer", {"Id": customer["Id"], "SyncToken": "0", "Notes": "b"})
    assert info.value.code == "5010" and "sync qbo" in info.value.hint
    assert info.value.intuit_tid


def test_a_long_query_goes_by_post_as_text(env: Env, client: QboClient) -> None:
    names = [f"Nobody {n:03d}" for n in range(300)] + ["O'Brien & Sons"]
    rows = client.query(Select("Customer").where("DisplayName", "IN", names))
    assert [row["DisplayName"] for row in rows] == ["O'Brien & Sons"]
    sent = env.transport.api_requests()[-1]
    assert sent.method == "POST" and sent.url.path.endswith("/query")
    assert sent.headers["content-type"] == "application/text"
    assert "O\\'Brien & Sons" in sent.content.decode()
