"""Behaviour of the QBO emulator: writes, concurrency tokens, links, batch, idempotency, paging,
throttling, OAuth and fault injection, checked through its HTTP surface."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from qbo_emulator_support import (
    REALM,
    FakeClock,
    FakeWallClock,
    Qbo,
    basic,
    decimal_json,
    sales_line,
    sample_company,
)

from workbench.sandbox.dataset import QboCompany
from workbench.sandbox.qbo_emulator import QboEmulator, ResponseLost


def build(company: QboCompany | None = None, **kwargs: Any) -> tuple[Qbo, FakeClock]:
    clock = FakeClock()
    kwargs.setdefault("rate_limits", False)
    emulator = QboEmulator(
        [company or sample_company()], clock=clock, wall_clock=FakeWallClock(clock), **kwargs
    )
    return Qbo(emulator), clock


@pytest.fixture
async def qbo() -> Any:
    client, _ = build()
    yield client
    await client.aclose()


def fault_of(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 400, response.text
    error: dict[str, Any] = decimal_json(response)["Fault"]["Error"][0]
    return error


async def ok(response_awaitable: Any) -> dict[str, Any]:
    response = await response_awaitable
    assert response.status_code == 200, response.text
    body: dict[str, Any] = decimal_json(response)
    return body


# -- each write kind --------------------------------------------------------------------------

WRITES: list[tuple[str, dict[str, Any], str, Decimal]] = [
    (
        "salesreceipt",
        {
            "Line": [sales_line("10", 2, Decimal("17.50"), Decimal("35.00"))],
            "TxnTaxDetail": {"TotalTax": Decimal("2.80")},
        },
        "TotalAmt",
        Decimal("37.80"),
    ),
    (
        "refundreceipt",
        {"Line": [sales_line("10", 1, 35, 35)], "DepositToAccountRef": {"value": "90"}},
        "TotalAmt",
        Decimal(35),
    ),
    (
        "invoice",
        {"CustomerRef": {"value": "1"}, "Line": [sales_line("1", 3, 10, 30)]},
        "Balance",
        Decimal(30),
    ),
    ("payment", {"CustomerRef": {"value": "1"}, "TotalAmt": 12}, "UnappliedAmt", Decimal(12)),
    (
        "deposit",
        {
            "DepositToAccountRef": {"value": "35"},
            "Line": [
                {
                    "DetailType": "DepositLineDetail",
                    "Amount": 100,
                    "DepositLineDetail": {"AccountRef": {"value": "90"}},
                },
                {
                    "DetailType": "DepositLineDetail",
                    "Amount": Decimal("-2.90"),
                    "DepositLineDetail": {"AccountRef": {"value": "92"}},
                },
            ],
        },
        "TotalAmt",
        Decimal("97.10"),
    ),
    (
        "purchase",
        {
            "PaymentType": "CreditCard",
            "AccountRef": {"value": "91"},
            "Line": [
                {
                    "DetailType": "AccountBasedExpenseLineDetail",
                    "Amount": 9,
                    "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "92"}},
                }
            ],
        },
        "TotalAmt",
        Decimal(9),
    ),
    (
        "transfer",
        {"FromAccountRef": {"value": "90"}, "ToAccountRef": {"value": "35"}, "Amount": 50},
        "Amount",
        Decimal(50),
    ),
    (
        "item",
        {
            "Name": "Hoodie - Black / M",
            "Sku": "HD-BLK-M",
            "Type": "NonInventory",
            "IncomeAccountRef": {"value": "79"},
        },
        "UnitPrice",
        Decimal(0),
    ),
    ("customer", {"GivenName": "Zoë", "FamilyName": "K"}, "Balance", Decimal(0)),
    (
        "account",
        {"Name": "Stripe Clearing", "AccountType": "Other Current Asset"},
        "CurrentBalance",
        Decimal(0),
    ),
    ("paymentmethod", {"Name": "Shopify Payments", "Type": "CREDIT_CARD"}, "Type", "CREDIT_CARD"),  # type: ignore[list-item]
]


@pytest.mark.parametrize(("path", "body", "key", "value"), WRITES, ids=[w[0] for w in WRITES])
async def test_each_write_kind_is_created(
    qbo: Qbo, path: str, body: dict[str, Any], key: str, value: Any
) -> None:
    created = await ok(qbo.post(path, body))
    entity = next(k for k in created if k != "time")
    obj = created[entity]
    assert obj["SyncToken"] == "0" and obj["Id"].isdigit()
    assert set(obj["MetaData"]) == {"CreateTime", "LastUpdatedTime"}
    assert obj[key] == value
    assert qbo.emulator.entities(REALM, entity)[-1]["Id"] == obj["Id"]
    assert qbo.emulator.applied_count(REALM, entity=entity) == 1


async def test_server_fills_sales_receipt(qbo: Qbo) -> None:
    obj = (
        await ok(
            qbo.post(
                "salesreceipt",
                {
                    "Line": [
                        sales_line("10", 1, 35, 35),
                        sales_line("1", 2, 5, 10),
                        {
                            "DetailType": "DiscountLineDetail",
                            "Amount": 4.5,
                            "DiscountLineDetail": {
                                "PercentBased": False,
                                "DiscountAccountRef": {"value": "86"},
                            },
                        },
                    ]
                },
            )
        )
    )["SalesReceipt"]
    assert [ln.get("Id") for ln in obj["Line"]] == ["1", "2", None, None]
    assert [ln["DetailType"] for ln in obj["Line"]] == [
        "SalesItemLineDetail",
        "SalesItemLineDetail",
        "SubTotalLineDetail",
        "DiscountLineDetail",
    ]
    assert obj["Line"][2]["Amount"] == 45 and obj["TotalAmt"] == Decimal("40.5")
    assert obj["DocNumber"] == "1001" and obj["DepositToAccountRef"]["name"] == "Undeposited Funds"
    second = await ok(qbo.post("salesreceipt", {"Line": [sales_line("10", 1, 35, 35)]}))
    assert second["SalesReceipt"]["DocNumber"] == "1002"


# -- updates, SyncToken, void, delete ---------------------------------------------------------


async def test_synctoken_and_full_versus_sparse_update(qbo: Qbo) -> None:
    created = (
        await ok(
            qbo.post(
                "salesreceipt",
                {
                    "Line": [sales_line("10", 1, 35, 35)],
                    "PrivateNote": "shopify:order:1:v1",
                    "CustomerRef": {"value": "6"},
                },
            )
        )
    )["SalesReceipt"]
    sparse = await ok(
        qbo.post(
            "salesreceipt",
            {"Id": created["Id"], "SyncToken": "0", "sparse": True, "PaymentRefNum": "P1"},
        )
    )
    assert sparse["SalesReceipt"]["PrivateNote"] == "shopify:order:1:v1"
    assert sparse["SalesReceipt"]["SyncToken"] == "1"
    stale = fault_of(
        await qbo.post(
            "salesreceipt",
            {"Id": created["Id"], "SyncToken": "0", "sparse": True, "PaymentRefNum": "P2"},
        )
    )
    assert stale["code"] == "5010" and "Sandbox Admin" in stale["Detail"]
    full = await ok(
        qbo.post(
            "salesreceipt",
            {"Id": created["Id"], "SyncToken": "1", "Line": [sales_line("10", 2, 35, 70)]},
        )
    )
    receipt = full["SalesReceipt"]
    assert "PrivateNote" not in receipt and "CustomerRef" not in receipt  # omitted → null
    assert receipt["DocNumber"] == created["DocNumber"] and receipt["TotalAmt"] == 70
    assert receipt["Line"][0]["Id"] == "2"  # a new line: max existing Id + 1
    assert qbo.emulator.applied_count(REALM) == 3


async def test_update_unknown_id_is_610(qbo: Qbo) -> None:
    error = fault_of(
        await qbo.post(
            "salesreceipt", {"Id": "999", "SyncToken": "0", "sparse": True, "PrivateNote": "x"}
        )
    )
    assert error["code"] == "610"


async def test_void_and_delete(qbo: Qbo) -> None:
    receipt = await ok(qbo.post("salesreceipt", {"Line": [sales_line("10", 1, 35, 35)]}))
    receipt_id = receipt["SalesReceipt"]["Id"]
    voided = (
        await ok(
            qbo.post(
                "salesreceipt",
                {"Id": receipt_id, "SyncToken": "0", "sparse": True},
                operation="update",
                include="void",
            )
        )
    )["SalesReceipt"]
    assert voided["TotalAmt"] == 0 and voided["PrivateNote"] == "Voided"
    assert voided["Line"][0]["SalesItemLineDetail"]["Qty"] == 0
    assert (await ok(qbo.get(f"salesreceipt/{receipt_id}")))["SalesReceipt"]["SyncToken"] == "1"
    deleted = await ok(
        qbo.post("salesreceipt", {"Id": receipt_id, "SyncToken": "1"}, operation="delete")
    )
    assert deleted["SalesReceipt"] == {"status": "Deleted", "domain": "QBO", "Id": receipt_id}
    assert fault_of(await qbo.get(f"salesreceipt/{receipt_id}"))["code"] == "610"
    page = await ok(qbo.query("select * from SalesReceipt"))
    assert page["QueryResponse"] == {}
    je = {
        "Line": [
            {
                "DetailType": "JournalEntryLineDetail",
                "Amount": 5,
                "JournalEntryLineDetail": {"PostingType": "Debit", "AccountRef": {"value": "92"}},
            },
            {
                "DetailType": "JournalEntryLineDetail",
                "Amount": 5,
                "JournalEntryLineDetail": {"PostingType": "Credit", "AccountRef": {"value": "35"}},
            },
        ]
    }
    entry = (await ok(qbo.post("journalentry", je)))["JournalEntry"]
    refused = fault_of(
        await qbo.post("journalentry", {"Id": entry["Id"], "SyncToken": "0"}, operation="void")
    )
    assert refused["code"] == "500"  # void is not an operation of JournalEntry: delete it


async def test_name_lists_deactivate_but_never_delete(qbo: Qbo) -> None:
    refused = fault_of(
        await qbo.post("customer", {"Id": "6", "SyncToken": "0"}, operation="delete")
    )
    assert refused["code"] == "500"
    account = (
        await ok(
            qbo.post("account", {"Id": "92", "SyncToken": "0", "sparse": True, "Active": False})
        )
    )["Account"]
    assert account["Name"] == "Bank Charges (deleted)" and account["Active"] is False
    again = (
        await ok(
            qbo.post("account", {"Id": "92", "SyncToken": "1", "sparse": True, "Active": True})
        )
    )["Account"]
    assert again["Name"] == "Bank Charges"


async def test_references_unknown_and_inactive(qbo: Qbo) -> None:
    unknown = fault_of(await qbo.post("salesreceipt", {"Line": [sales_line("777", 1, 1, 1)]}))
    assert unknown["code"] == "2500" and unknown["element"] == "Line.SalesItemLineDetail.ItemRef"
    inactive = fault_of(await qbo.post("salesreceipt", {"Line": [sales_line("40", 1, 1, 1)]}))
    assert inactive["code"] == "610"
    account = fault_of(
        await qbo.post(
            "deposit",
            {
                "DepositToAccountRef": {"value": "35"},
                "Line": [
                    {
                        "DetailType": "DepositLineDetail",
                        "Amount": 1,
                        "DepositLineDetail": {"AccountRef": {"value": "93"}},
                    }
                ],
            },
        )
    )
    assert account["code"] == "610"
    method = fault_of(
        await qbo.post(
            "salesreceipt",
            {"Line": [sales_line("10", 1, 1, 1)], "PaymentMethodRef": {"value": "99"}},
        )
    )
    assert method["code"] == "2500"


# -- validation -------------------------------------------------------------------------------


async def test_unknown_property_and_required(qbo: Qbo) -> None:
    error = fault_of(
        await qbo.post("salesreceipt", {"Line": [sales_line("10", 1, 1, 1)], "ShopifyOrderId": "1"})
    )
    assert error["code"] == "2010" and '"ShopifyOrderId"' in error["Detail"]
    assert "SalesReceipt" in error["Detail"]
    line = sales_line("10", 1, 1, 1, Colour="red")
    assert fault_of(await qbo.post("salesreceipt", {"Line": [line]}))["code"] == "2010"
    missing = fault_of(await qbo.post("salesreceipt", {"CustomerRef": {"value": "1"}}))
    assert (missing["code"], missing["element"]) == ("2020", "Line")
    assert missing["Detail"] == "Required parameter Line is missing in the request"
    refund = fault_of(await qbo.post("refundreceipt", {"Line": [sales_line("10", 1, 1, 1)]}))
    assert (refund["code"], refund["element"]) == ("2020", "DepositToAccountRef")


async def test_money_rules(qbo: Qbo) -> None:
    mismatch = fault_of(await qbo.post("salesreceipt", {"Line": [sales_line("10", 3, 9.99, 30)]}))
    assert mismatch["code"] == "6070"
    assert mismatch["Message"] == "Amount is not equal to UnitPrice * Qty"
    rounded = await qbo.post(
        "salesreceipt",
        {"Line": [sales_line("10", Decimal("1.5"), Decimal("0.333"), Decimal("0.50"))]},
    )
    assert rounded.status_code == 200  # 0.4995 rounds half-up to 0.50
    sub_cent = fault_of(
        await qbo.post(
            "salesreceipt", {"Line": [sales_line("10", 1, Decimal("1.005"), Decimal("1.005"))]}
        )
    )
    assert sub_cent["code"] == "6000" and "more than 2 decimal places" in sub_cent["Detail"]
    note = fault_of(
        await qbo.post(
            "salesreceipt", {"Line": [sales_line("10", 1, 1, 1)], "PrivateNote": "x" * 4001}
        )
    )
    assert (note["code"], note["element"]) == ("2050", "PrivateNote")
    doc = fault_of(
        await qbo.post(
            "salesreceipt",
            {"Line": [sales_line("10", 1, 1, 1)], "DocNumber": "shopify-order-100000001"},
        )
    )
    assert (doc["code"], doc["element"]) == ("2050", "DocNumber")


async def test_journal_entry_rules(qbo: Qbo) -> None:
    def line(posting: str, account: str, amount: Any, **extra: Any) -> dict[str, Any]:
        detail = {"PostingType": posting, "AccountRef": {"value": account}, **extra}
        return {
            "DetailType": "JournalEntryLineDetail",
            "Amount": amount,
            "JournalEntryLineDetail": detail,
        }

    unbalanced = fault_of(
        await qbo.post(
            "journalentry",
            {
                "Line": [
                    line("Debit", "35", Decimal("10.00")),
                    line("Credit", "44", Decimal("9.99")),
                ]
            },
        )
    )
    assert unbalanced["code"] == "6000"
    assert unbalanced["Detail"].startswith("Business Validation Error: ")
    receivable = fault_of(
        await qbo.post(
            "journalentry", {"Line": [line("Debit", "84", 10), line("Credit", "79", 10)]}
        )
    )
    assert "Accounts Receivable" in receivable["Detail"]
    with_customer = await qbo.post(
        "journalentry",
        {
            "Line": [
                line("Debit", "84", 10, Entity={"Type": "Customer", "EntityRef": {"value": "1"}}),
                line("Credit", "79", 10),
            ]
        },
    )
    assert with_customer.status_code == 200, with_customer.text


async def test_account_type_rules(qbo: Qbo) -> None:
    to_income = fault_of(
        await qbo.post(
            "deposit",
            {
                "DepositToAccountRef": {"value": "79"},
                "Line": [
                    {
                        "DetailType": "DepositLineDetail",
                        "Amount": 1,
                        "DepositLineDetail": {"AccountRef": {"value": "90"}},
                    }
                ],
            },
        )
    )
    assert to_income["code"] == "6000" and to_income["element"] == "DepositToAccountRef"
    from_bank = fault_of(
        await qbo.post(
            "deposit",
            {
                "DepositToAccountRef": {"value": "35"},
                "Line": [
                    {
                        "DetailType": "DepositLineDetail",
                        "Amount": 1,
                        "DepositLineDetail": {"AccountRef": {"value": "36"}},
                    }
                ],
            },
        )
    )
    assert from_bank["code"] == "6000"
    card_from_bank = fault_of(
        await qbo.post(
            "purchase",
            {
                "PaymentType": "CreditCard",
                "AccountRef": {"value": "35"},
                "Line": [
                    {
                        "DetailType": "AccountBasedExpenseLineDetail",
                        "Amount": 1,
                        "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "92"}},
                    }
                ],
            },
        )
    )
    assert card_from_bank["code"] == "6000"
    bad_type = fault_of(
        await qbo.post(
            "purchase",
            {
                "PaymentType": "Wire",
                "AccountRef": {"value": "35"},
                "Line": [
                    {
                        "DetailType": "AccountBasedExpenseLineDetail",
                        "Amount": 1,
                        "AccountBasedExpenseLineDetail": {"AccountRef": {"value": "92"}},
                    }
                ],
            },
        )
    )
    assert bad_type["code"] == "2170"


async def test_doc_number_6140_with_custom_numbers() -> None:
    qbo, _ = build(sample_company(custom_txn_numbers=True))
    first = (
        await ok(
            qbo.post("salesreceipt", {"Line": [sales_line("10", 1, 1, 1)], "DocNumber": "1043"})
        )
    )["SalesReceipt"]
    error = fault_of(
        await qbo.post("salesreceipt", {"Line": [sales_line("10", 1, 1, 1)], "DocNumber": "1043"})
    )
    assert error["code"] == "6140"
    assert error["Detail"] == (
        "Duplicate Document Number Error : You must specify a different number. This number "
        f"has already been used. DocNumber=1043 is assigned to TxnType=SalesReceipt with "
        f"TxnId={first['Id']}"
    )
    allowed = await qbo.post(
        "salesreceipt",
        {"Line": [sales_line("10", 1, 1, 1)], "DocNumber": "1043"},
        include="allowduplicatedocnum",
    )
    assert allowed.status_code == 200
    blank = await ok(qbo.post("salesreceipt", {"Line": [sales_line("10", 1, 1, 1)]}))
    assert "DocNumber" not in blank["SalesReceipt"]  # custom numbers: QBO does not number
    await qbo.aclose()


async def test_duplicate_names_6240(qbo: Qbo) -> None:
    item = {"Name": "Pest Control", "Type": "Service", "IncomeAccountRef": {"value": "79"}}
    assert fault_of(await qbo.post("item", item))["code"] == "6240"
    assert fault_of(await qbo.post("item", {**item, "Name": "pest control"}))["code"] == "6240"
    await ok(qbo.post("vendor", {"DisplayName": "Shopify"}))
    clash = fault_of(await qbo.post("customer", {"DisplayName": "Shopify"}))
    assert clash["code"] == "6240"
    long_name = fault_of(await qbo.post("item", {**item, "Name": "x" * 101}))
    assert long_name["code"] == "2050"


async def test_multicurrency_needs_currency_ref() -> None:
    qbo, _ = build(sample_company(multicurrency=True))
    error = fault_of(await qbo.post("salesreceipt", {"Line": [sales_line("10", 1, 1, 1)]}))
    assert (error["code"], error["element"]) == ("2020", "CurrencyRef")
    created = await ok(
        qbo.post(
            "salesreceipt",
            {
                "Line": [sales_line("10", 1, 10, 10)],
                "CurrencyRef": {"value": "CAD"},
                "ExchangeRate": Decimal("0.75"),
            },
        )
    )
    assert created["SalesReceipt"]["HomeTotalAmt"] == Decimal("7.50")
    await qbo.aclose()


# -- deposits and 6540 ------------------------------------------------------------------------


async def test_deposited_receipt_is_frozen_until_the_deposit_goes(qbo: Qbo) -> None:
    receipt = await ok(qbo.post("salesreceipt", {"Line": [sales_line("10", 1, 35, 35)]}))
    sr = receipt["SalesReceipt"]
    refund = await ok(
        qbo.post(
            "refundreceipt",
            {"Line": [sales_line("10", 1, 5, 5)], "DepositToAccountRef": {"value": "4"}},
        )
    )
    rr = refund["RefundReceipt"]
    deposit = (
        await ok(
            qbo.post(
                "deposit",
                {
                    "DepositToAccountRef": {"value": "35"},
                    "Line": [
                        {
                            "Amount": 35,
                            "LinkedTxn": [
                                {"TxnId": sr["Id"], "TxnType": "SalesReceipt", "TxnLineId": "0"}
                            ],
                        },
                        {
                            "Amount": -5,
                            "LinkedTxn": [
                                {"TxnId": rr["Id"], "TxnType": "RefundReceipt", "TxnLineId": "0"}
                            ],
                        },
                        {
                            "DetailType": "DepositLineDetail",
                            "Amount": Decimal("-1.05"),
                            "DepositLineDetail": {"AccountRef": {"value": "92"}},
                        },
                    ],
                },
            )
        )
    )["Deposit"]
    assert deposit["TotalAmt"] == Decimal("28.95")
    read = (await ok(qbo.get(f"salesreceipt/{sr['Id']}")))["SalesReceipt"]
    assert read["LinkedTxn"] == [{"TxnId": deposit["Id"], "TxnType": "Deposit"}]
    token = read["SyncToken"]
    for attempt in (
        qbo.post(
            "salesreceipt",
            {"Id": sr["Id"], "SyncToken": token, "sparse": True, "PrivateNote": "edit"},
        ),
        qbo.post(
            "salesreceipt",
            {"Id": sr["Id"], "SyncToken": token, "sparse": True},
            operation="update",
            include="void",
        ),
        qbo.post("salesreceipt", {"Id": sr["Id"], "SyncToken": token}, operation="delete"),
        qbo.post("refundreceipt", {"Id": rr["Id"], "SyncToken": "0"}, operation="delete"),
    ):
        error = fault_of(await attempt)
        assert error["code"] == "6540"
        assert error["Message"] == "Deposited Transaction cannot be changed"
    twice = fault_of(
        await qbo.post(
            "deposit",
            {
                "DepositToAccountRef": {"value": "35"},
                "Line": [
                    {
                        "Amount": 35,
                        "LinkedTxn": [
                            {"TxnId": sr["Id"], "TxnType": "SalesReceipt", "TxnLineId": "0"}
                        ],
                    }
                ],
            },
        )
    )
    assert twice["code"] == "6000" and "already deposited" in twice["Detail"]
    await ok(qbo.post("deposit", {"Id": deposit["Id"], "SyncToken": "0"}, operation="delete"))
    freed = (await ok(qbo.get(f"salesreceipt/{sr['Id']}")))["SalesReceipt"]
    assert freed["LinkedTxn"] == []
    await ok(
        qbo.post(
            "salesreceipt",
            {
                "Id": sr["Id"],
                "SyncToken": freed["SyncToken"],
                "sparse": True,
                "PrivateNote": "edit",
            },
        )
    )


async def test_deposit_links_must_come_from_undeposited_funds(qbo: Qbo) -> None:
    banked = await ok(
        qbo.post(
            "salesreceipt",
            {"Line": [sales_line("10", 1, 35, 35)], "DepositToAccountRef": {"value": "35"}},
        )
    )
    error = fault_of(
        await qbo.post(
            "deposit",
            {
                "DepositToAccountRef": {"value": "35"},
                "Line": [
                    {
                        "Amount": 35,
                        "LinkedTxn": [
                            {
                                "TxnId": banked["SalesReceipt"]["Id"],
                                "TxnType": "SalesReceipt",
                                "TxnLineId": "0",
                            }
                        ],
                    }
                ],
            },
        )
    )
    assert error["code"] == "6000" and "Undeposited Funds" in error["Detail"]
    no_line_id = fault_of(
        await qbo.post(
            "deposit",
            {
                "DepositToAccountRef": {"value": "35"},
                "Line": [{"Amount": 35, "LinkedTxn": [{"TxnId": "1", "TxnType": "Payment"}]}],
            },
        )
    )
    assert (no_line_id["code"], no_line_id["element"]) == ("2020", "Line.LinkedTxn.TxnLineId")


# -- batch ------------------------------------------------------------------------------------


async def test_batch_is_not_atomic_and_hides_its_own_creations(qbo: Qbo) -> None:
    next_id = str(
        max(
            int(o["Id"])
            for e in ("Account", "Item", "Customer")
            for o in qbo.emulator.entities(REALM, e)
        )
        + 1
    )
    response = await ok(
        qbo.post(
            "batch",
            {
                "BatchItemRequest": [
                    {
                        "bId": "c1",
                        "operation": "create",
                        "Customer": {"DisplayName": "Batch Buyer"},
                    },
                    {
                        "bId": "s1",
                        "operation": "create",
                        "SalesReceipt": {
                            "CustomerRef": {"value": next_id},
                            "Line": [sales_line("10", 1, 35, 35)],
                        },
                    },
                    {
                        "bId": "q1",
                        "Query": "select * from Customer where DisplayName = 'Batch Buyer'",
                    },
                    {
                        "bId": "s2",
                        "operation": "create",
                        "SalesReceipt": {"Line": [sales_line("10", 1, 35, 35)]},
                    },
                    {"bId": "bad", "operation": "create", "SalesReceipt": {"Line": []}},
                ]
            },
        )
    )
    items = {i["bId"]: i for i in response["BatchItemResponse"]}
    assert items["c1"]["Customer"]["Id"] == next_id
    assert items["s1"]["Fault"]["Error"][0]["code"] == "2500"  # created earlier: invisible
    assert items["q1"]["QueryResponse"] == {}
    assert "SalesReceipt" in items["s2"]
    assert items["bad"]["Fault"]["type"] == "ValidationFault"
    assert len(qbo.emulator.entities(REALM, "SalesReceipt")) == 1
    visible = await ok(qbo.query("select * from Customer where DisplayName = 'Batch Buyer'"))
    assert visible["QueryResponse"]["maxResults"] == 1


async def test_batch_void_delete_and_limit(qbo: Qbo) -> None:
    a = await ok(qbo.post("salesreceipt", {"Line": [sales_line("10", 1, 35, 35)]}))
    b = await ok(
        qbo.post("invoice", {"CustomerRef": {"value": "1"}, "Line": [sales_line("1", 1, 9, 9)]})
    )
    response = await ok(
        qbo.post(
            "batch",
            {
                "BatchItemRequest": [
                    {
                        "bId": "v",
                        "operation": "update",
                        "optionsData": "void",
                        "SalesReceipt": {
                            "Id": a["SalesReceipt"]["Id"],
                            "SyncToken": "0",
                            "sparse": True,
                        },
                    },
                    {
                        "bId": "d",
                        "operation": "delete",
                        "Invoice": {"Id": b["Invoice"]["Id"], "SyncToken": "0"},
                    },
                ]
            },
        )
    )
    voided, deleted = response["BatchItemResponse"]
    assert voided["SalesReceipt"]["TotalAmt"] == 0
    assert deleted["Invoice"]["status"] == "Deleted"
    too_many = fault_of(
        await qbo.post(
            "batch",
            {
                "BatchItemRequest": [
                    {"bId": str(n), "Query": "select * from Item"} for n in range(31)
                ]
            },
        )
    )
    assert too_many["code"] == "6000"


# -- requestid and fault injection ------------------------------------------------------------


async def test_requestid_replays_the_original_answer() -> None:
    qbo, clock = build()
    body = {"Line": [sales_line("10", 1, 35, 35)]}
    first = await qbo.post("salesreceipt", body, requestid="wb-0001")
    clock.advance(5)
    again = await qbo.post("salesreceipt", body, requestid="wb-0001")
    assert again.status_code == 200 and again.content == first.content  # same time too
    assert qbo.emulator.applied_count(REALM, request_id="wb-0001") == 1
    assert len(qbo.emulator.entities(REALM, "SalesReceipt")) == 1
    other = await qbo.post("salesreceipt", body, requestid="wb-0002")
    assert decimal_json(other)["SalesReceipt"]["Id"] != decimal_json(first)["SalesReceipt"]["Id"]
    failed = await qbo.post("salesreceipt", {"Line": []}, requestid="wb-0003")
    replayed = await qbo.post("salesreceipt", body, requestid="wb-0003")
    assert replayed.status_code == 400 and replayed.content == failed.content
    batch = {
        "BatchItemRequest": [
            {
                "bId": "1",
                "operation": "create",
                "SalesReceipt": {"Line": [sales_line("10", 1, 35, 35)]},
            }
        ]
    }
    b1 = await qbo.post("batch", batch, requestid="wb-b1")
    b2 = await qbo.post("batch", batch, requestid="wb-b1")
    assert b1.content == b2.content and qbo.emulator.applied_count(request_id="wb-b1") == 1
    await qbo.aclose()


async def test_lost_response_is_a_transport_error_and_the_retry_is_a_replay() -> None:
    qbo, _ = build()
    qbo.emulator.fault_plan.force("lost", "500", "503")
    body = {"Line": [sales_line("10", 1, 35, 35)]}
    with pytest.raises(httpx.RemoteProtocolError) as caught:
        await qbo.post("salesreceipt", body, requestid="wb-lost")
    assert isinstance(caught.value, ResponseLost)
    assert qbo.emulator.applied_count(REALM, request_id="wb-lost") == 1  # applied all the same
    first_retry = await qbo.post("salesreceipt", body, requestid="wb-lost")
    assert first_retry.status_code == 200  # replay: the stored answer, no second write
    assert qbo.emulator.applied_count(REALM, request_id="wb-lost") == 1
    system = await qbo.post("salesreceipt", body, requestid="wb-500")
    assert system.status_code == 500
    assert decimal_json(system)["Fault"]["type"] == "SystemFault"
    unavailable = await qbo.post("salesreceipt", body, requestid="wb-500")
    assert unavailable.status_code == 503
    assert qbo.emulator.applied_count(REALM, request_id="wb-500") == 0  # neither was applied
    applied = await qbo.post("salesreceipt", body, requestid="wb-500")
    assert applied.status_code == 200
    assert len(qbo.emulator.entities(REALM, "SalesReceipt")) == 2
    assert dict(qbo.emulator.fault_plan.injected) == {"lost": 1, "500": 1, "503": 1}
    await qbo.aclose()


def test_fault_plan_draws_are_seeded() -> None:
    from workbench.sandbox.qbo_emulator import FaultPlan

    def draws(seed: int) -> list[str | None]:
        plan = FaultPlan(seed=seed, p_500=0.2, p_503=0.1, p_lost=0.2)
        return [plan.draw(is_write=True) for _ in range(200)]

    assert draws(7) == draws(7) and draws(7) != draws(8)
    counts = {k: draws(7).count(k) for k in ("500", "503", "lost", None)}
    assert all(counts[k] > 0 for k in counts)
    assert FaultPlan(p_500=1.0).draw(is_write=False) is None  # reads are spared by default
    with pytest.raises(ValueError):
        FaultPlan(p_500=0.7, p_lost=0.7)


# -- query ------------------------------------------------------------------------------------


async def test_paging_visits_each_of_2500_items_once() -> None:
    company = sample_company()
    company.entities["Item"] += [
        {
            "Id": str(1000 + n),
            "SyncToken": "0",
            "Name": f"SKU {n:04d}",
            "Sku": f"S-{n:04d}",
            "Type": "NonInventory",
            "Active": True,
            "IncomeAccountRef": {"value": "79"},
        }
        for n in range(2500)
    ]
    qbo, _ = build(company)
    total = (await ok(qbo.query("select count(*) from Item")))["QueryResponse"]["totalCount"]
    assert total == 2504  # the inactive sample item is not counted
    seen: list[str] = []
    start = 1
    while True:
        page = (
            await ok(qbo.query(f"SELECT *, Sku FROM Item STARTPOSITION {start} MAXRESULTS 1000"))
        )["QueryResponse"]
        if not page:
            break
        rows = page["Item"]
        assert page["startPosition"] == start and page["maxResults"] == len(rows)
        seen += [row["Id"] for row in rows]
        if len(rows) < 1000:
            break
        start += 1000
    assert len(seen) == len(set(seen)) == 2504
    too_big = fault_of(await qbo.query("select * from Item maxresults 1001"))
    assert too_big["code"] == "4001"
    await qbo.aclose()


async def test_query_language(qbo: Qbo) -> None:
    like = await ok(qbo.query("select * from Customer where DisplayName LIKE '%brien%'"))
    assert [c["Id"] for c in like["QueryResponse"]["Customer"]] == ["22"]
    exact = await ok(qbo.query("SELECT * FROM customer WHERE DisplayName = 'O\\'Brien & Sons'"))
    assert exact["QueryResponse"]["Customer"][0]["Id"] == "22"
    listed = await ok(
        qbo.query("select * from Customer where Id in ('1', '6', '999') orderby DisplayName desc")
    )
    assert [c["Id"] for c in listed["QueryResponse"]["Customer"]] == ["6", "1"]
    assert (
        fault_of(await qbo.query("select * from Customer where Id = '1' or Id = '6'"))["code"]
        == "4001"
    )
    unknown = fault_of(await qbo.query("select * from Customer where Colour = 'red'"))
    assert (
        unknown["Detail"] == "QueryValidationError: Property Colour not found for Entity Customer"
    )
    not_queryable = fault_of(await qbo.query("select * from Deposit where PrivateNote = 'x'"))
    assert "is not queryable" in not_queryable["Detail"]
    plain = await ok(qbo.query("select * from Item where Name = 'Garden Supplies'"))
    assert "Sku" not in plain["QueryResponse"]["Item"][0]
    with_sku = await ok(qbo.query("select *, Sku from Item where Sku = 'GS-1'"))
    assert with_sku["QueryResponse"]["Item"][0]["Sku"] == "GS-1"
    inactive = await ok(qbo.query("select * from Item where Active = false"))
    assert [i["Id"] for i in inactive["QueryResponse"]["Item"]] == ["40"]
    posted = await qbo.http.post(
        qbo.path("query"),
        content="select count(*) from Account",
        headers={**qbo.headers, "Content-Type": "application/text"},
    )
    assert decimal_json(posted)["QueryResponse"]["totalCount"] == 17  # 18 less one inactive
    backslash = await ok(qbo.query("select * from Customer where DisplayName = 'a\\\\b'"))
    assert backslash["QueryResponse"] == {}
    await ok(qbo.post("salesreceipt", {"Line": [sales_line("10", 1, 35, 35)]}))
    since = await ok(
        qbo.query(
            "select * from SalesReceipt where MetaData.LastUpdatedTime >= "
            "'2026-11-02T09:00:00-08:00' and TotalAmt > '34.99'"
        )
    )
    assert since["QueryResponse"]["maxResults"] == 1


# -- transport details ------------------------------------------------------------------------


async def test_every_response_has_trace_id_and_time(qbo: Qbo) -> None:
    responses = [
        await qbo.get(f"companyinfo/{REALM}", minorversion="4"),
        await qbo.get("preferences"),
        await qbo.query("select * from Custmoer"),
        await qbo.http.post(
            qbo.path("salesreceipt"),
            content=b"\xff\xfe{",
            headers={**qbo.headers, "Content-Type": "application/json"},
        ),
        await qbo.http.post(
            qbo.path("salesreceipt"),
            content=b"{not json",
            headers={**qbo.headers, "Content-Type": "application/json"},
        ),
    ]
    for response in responses:
        assert response.headers["intuit_tid"]
        assert "time" in decimal_json(response)
    assert decimal_json(responses[0])["CompanyInfo"]["CompanyName"] == "Sandbox Company_US_1"
    assert "SalesFormsPrefs" in decimal_json(responses[1])["Preferences"]
    for bad in responses[3:]:
        assert bad.status_code == 400 and fault_of(bad)["code"] == "500"


async def test_token_of_another_realm_is_refused() -> None:
    other = sample_company(realm_id="4620816365000000001")
    clock = FakeClock()
    emulator = QboEmulator(
        [sample_company(), other], clock=clock, wall_clock=FakeWallClock(clock), rate_limits=False
    )
    qbo = Qbo(emulator, token=emulator.issue_access_token(other.realm_id))
    response = await qbo.get(f"companyinfo/{REALM}")
    assert response.status_code == 403
    assert decimal_json(response)["Fault"]["type"] == "AuthorizationFault"
    missing = await qbo.http.get(qbo.path("preferences"))
    assert missing.status_code == 401
    await qbo.aclose()


# -- rate limits ------------------------------------------------------------------------------


async def test_rate_limits_per_second_minute_and_batch() -> None:
    qbo, clock = build(rate_limits=True)
    for _ in range(10):
        assert (await qbo.get("preferences")).status_code == 200
    throttled = await qbo.get("preferences")
    assert throttled.status_code == 429 and '<Error code="3001">' in throttled.text
    clock.advance(1.0)
    assert (await qbo.get("preferences")).status_code == 200
    for _ in range(489):  # 500 in the minute, never 10 in one second
        clock.advance(0.11)
        assert (await qbo.get("preferences")).status_code == 200
    clock.advance(0.11)
    assert (await qbo.get("preferences")).status_code == 429
    clock.advance(60)
    batch = {"BatchItemRequest": [{"bId": "1", "Query": "select * from Item"}]}
    for _ in range(40):
        clock.advance(0.2)
        assert (await qbo.post("batch", batch)).status_code == 200
    clock.advance(0.2)
    assert (await qbo.post("batch", batch)).status_code == 429
    assert (await qbo.get("preferences")).status_code == 200  # only batch calls are spent
    await qbo.aclose()


async def test_time_scale_shrinks_windows_and_limits_can_be_off() -> None:
    qbo, clock = build(rate_limits=True, time_scale=60)
    for _ in range(10):
        assert (await qbo.get("preferences")).status_code == 200
    assert (await qbo.get("preferences")).status_code == 429
    clock.advance(1 / 60)
    assert (await qbo.get("preferences")).status_code == 200
    await qbo.aclose()
    free, _ = build(rate_limits=False)
    assert all([(await free.get("preferences")).status_code == 200 for _ in range(30)])
    await free.aclose()


# -- OAuth ------------------------------------------------------------------------------------


async def test_oauth_code_flow_and_refresh_rotation() -> None:
    company = sample_company()
    qbo, clock = build(company)
    http = qbo.http
    redirect = "https://workbench.example/callback?x=1"
    consent = await http.get(
        "/connect/oauth2",
        params={
            "client_id": company.client_id,
            "response_type": "code",
            "state": "st-9",
            "scope": "com.intuit.quickbooks.accounting",
            "redirect_uri": redirect,
        },
    )
    assert consent.status_code == 302
    location = urlsplit(consent.headers["location"])
    got = parse_qs(location.query)
    assert got["state"] == ["st-9"] and got["realmId"] == [REALM] and got["x"] == ["1"]
    auth = {"Authorization": basic(company.client_id, company.client_secret)}
    token_url = "/oauth2/v1/tokens/bearer"
    wrong_uri = await http.post(
        token_url,
        data={
            "grant_type": "authorization_code",
            "code": got["code"][0],
            "redirect_uri": "https://evil.example/",
        },
        headers=auth,
    )
    assert wrong_uri.status_code == 400 and wrong_uri.json()["error"] == "invalid_grant"
    # the code was spent by the failed attempt too: codes are single use
    reused = await http.post(
        token_url,
        data={"grant_type": "authorization_code", "code": got["code"][0], "redirect_uri": redirect},
        headers=auth,
    )
    assert reused.json()["error"] == "invalid_grant"
    bad_secret = await http.post(
        token_url,
        data={"grant_type": "refresh_token", "refresh_token": company.refresh_token},
        headers={"Authorization": basic(company.client_id, "nope")},
    )
    assert bad_secret.status_code == 401 and bad_secret.json()["error"] == "invalid_client"
    first = await http.post(
        token_url,
        data={"grant_type": "refresh_token", "refresh_token": company.refresh_token},
        headers={**auth, "x-include-refresh-token-hard-expires-in": "true"},
    )
    assert first.status_code == 200
    tokens = first.json()
    assert tokens["refresh_token"] != company.refresh_token
    assert tokens["x_refresh_token_expires_in"] == 8_640_000
    assert 0 < tokens["x_refresh_token_hard_expires_in"] <= 5 * 365 * 86400
    old = await http.post(
        token_url,
        data={"grant_type": "refresh_token", "refresh_token": company.refresh_token},
        headers=auth,
    )
    assert old.status_code == 400 and old.json()["error"] == "invalid_grant"
    api = Qbo(qbo.emulator, token=tokens["access_token"])
    assert (await api.get("preferences")).status_code == 200
    clock.advance(3600)
    expired = await api.get("preferences")
    assert expired.status_code == 401
    assert expired.json()["fault"]["error"][0]["detail"].startswith("Token expired")
    second = await http.post(
        token_url,
        data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]},
        headers=auth,
    )
    assert second.status_code == 200 and "x_refresh_token_hard_expires_in" not in second.json()
    assert qbo.emulator.oauth.refresh_count == 2
    await api.aclose()
    await qbo.aclose()


async def test_oauth_authorize_errors() -> None:
    company = sample_company()
    qbo, _ = build(company)
    base = {
        "client_id": company.client_id,
        "response_type": "code",
        "state": "s",
        "redirect_uri": "https://workbench.example/cb",
    }
    no_scope = await qbo.http.get("/connect/oauth2", params=base)
    assert no_scope.status_code == 302
    assert parse_qs(urlsplit(no_scope.headers["location"]).query)["error"] == ["invalid_scope"]
    unknown = await qbo.http.get(
        "/connect/oauth2",
        params={**base, "client_id": "who", "scope": "com.intuit.quickbooks.accounting"},
    )
    assert unknown.status_code == 400 and unknown.json()["error"] == "invalid_client"
    headless = qbo.emulator.issue_refresh_token(REALM)
    refreshed = await qbo.http.post(
        "/oauth2/v1/tokens/bearer",
        data={"grant_type": "refresh_token", "refresh_token": headless},
        headers={"Authorization": basic(company.client_id, company.client_secret)},
    )
    assert refreshed.status_code == 200
    await qbo.aclose()


# -- real HTTP --------------------------------------------------------------------------------


def test_served_over_real_http_with_uvicorn() -> None:
    import socket
    import threading
    import time

    import uvicorn

    from workbench.sandbox.qbo_emulator import create_app

    emulator = QboEmulator([sample_company()], rate_limits=False)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(
        create_app(emulator), host="127.0.0.1", port=port, log_level="critical", lifespan="off"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 10
        while not server.started:
            assert time.monotonic() < deadline, "uvicorn did not start"
            time.sleep(0.02)
        token = emulator.issue_access_token(REALM)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        base = f"http://127.0.0.1:{port}/v3/company/{REALM}"
        with httpx.Client(timeout=5) as client:
            created = client.post(
                f"{base}/salesreceipt",
                headers=headers,
                content=json.dumps({"Line": [sales_line("10", 1, 35, 35)]}),
            )
            assert created.status_code == 200
            assert created.headers["intuit_tid"]
            found = client.get(
                f"{base}/query", headers=headers, params={"query": "select * from SalesReceipt"}
            )
            assert found.json()["QueryResponse"]["maxResults"] == 1
            emulator.fault_plan.force("lost")
            with pytest.raises(httpx.TransportError):
                client.post(
                    f"{base}/salesreceipt",
                    headers=headers,
                    params={"requestid": "r1"},
                    content=json.dumps({"Line": [sales_line("10", 1, 35, 35)]}),
                )
            replay = client.post(
                f"{base}/salesreceipt",
                headers=headers,
                params={"requestid": "r1"},
                content=json.dumps({"Line": [sales_line("10", 1, 35, 35)]}),
            )
            assert replay.status_code == 200
        assert emulator.applied_count(REALM, request_id="r1") == 1
        assert len(emulator.entities(REALM, "SalesReceipt")) == 2
    finally:
        server.should_exit = True
        thread.join(timeout=10)


async def test_cdc_look_back_and_entities() -> None:
    qbo, clock = build()
    too_old = fault_of(await qbo.get("cdc", entities="SalesReceipt", changedSince="2026-09-01"))
    assert too_old["code"] == "4001" and "30 days" in too_old["Detail"]
    no_cdc = fault_of(await qbo.get("cdc", entities="TaxCode", changedSince="2026-11-01"))
    assert no_cdc["code"] == "4001"
    clock.advance(1800)  # seeded objects were stamped at start-up (token lives 3600 s)
    await ok(qbo.post("customer", {"DisplayName": "New Buyer"}))
    changed = await ok(
        qbo.get("cdc", entities="customer,Deposit", changedSince="2026-11-02T09:45:00-08:00")
    )
    customers, deposits = changed["CDCResponse"][0]["QueryResponse"]
    assert [c["DisplayName"] for c in customers["Customer"]] == ["New Buyer"]
    assert deposits == {}
    await qbo.aclose()
