"""Splitting proposals into QBO writes, placeholders, and recognising a posted object by key."""

from __future__ import annotations

from decimal import Decimal

import pytest

from workbench.domain.commit_plan import (
    Part,
    customer_to_create,
    find_posted,
    lookup_for,
    parts_of,
    unresolved,
    with_customer_id,
    with_invoice_id,
)

KEY = "shopify:order:1001:v1"


def invoice_body() -> dict[str, object]:
    return {
        "Invoice": {"TxnDate": "2026-11-02", "DocNumber": "1001", "Line": []},
        "Payment": [
            {
                "TxnDate": "2026-11-02", "TotalAmt": Decimal("80.00"),
                "Line": [{"Amount": Decimal("80.00"),
                          "LinkedTxn": [{"TxnId": "{Invoice.Id}", "TxnType": "Invoice"}]}],
            },
            {
                "TxnDate": "2026-11-02", "TotalAmt": Decimal("49.00"),
                "Line": [{"Amount": Decimal("49.00"),
                          "LinkedTxn": [{"TxnId": "{Invoice.Id}", "TxnType": "Invoice"}]}],
            },
        ],
    }  # fmt: skip


def test_a_receipt_is_one_part() -> None:
    body = {"SalesReceipt": {"TxnDate": "2026-11-01", "Line": []}}
    (part,) = parts_of("SalesReceipt", body, Decimal("129.00"))
    assert (part.part, part.entity, part.position, part.amount) == (
        "SalesReceipt", "SalesReceipt", 0, Decimal("129.00"),
    )  # fmt: skip
    assert not part.waits_for_invoice


def test_an_invoice_with_payments_is_posted_invoice_first() -> None:
    parts = parts_of("Invoice", invoice_body(), Decimal("129.00"))
    assert [(p.part, p.position) for p in parts] == [
        ("Invoice", 0), ("Payment:0", 1), ("Payment:1", 2),
    ]  # fmt: skip
    assert [p.amount for p in parts] == [Decimal("129.00"), Decimal("80.00"), Decimal("49.00")]
    assert not parts[0].waits_for_invoice
    assert all(p.waits_for_invoice for p in parts[1:])


def test_a_body_that_does_not_hold_its_entity_is_refused() -> None:
    with pytest.raises(ValueError, match="exactly one 'Deposit'"):
        parts_of("Deposit", {"SalesReceipt": {}}, Decimal(0))


def test_the_invoice_id_fills_every_placeholder_and_nothing_else() -> None:
    payment = parts_of("Invoice", invoice_body(), Decimal("129.00"))[1].body
    filled = with_invoice_id(payment, "812")
    assert filled["Line"][0]["LinkedTxn"][0] == {"TxnId": "812", "TxnType": "Invoice"}
    assert unresolved(payment) == ["{Invoice.Id}"]
    assert unresolved(filled) == []
    assert payment["Line"][0]["LinkedTxn"][0]["TxnId"] == "{Invoice.Id}"  # not mutated


def test_a_new_customer_is_named_by_its_placeholder() -> None:
    body = {"CustomerRef": {"value": "{Customer}", "name": "Zoë Kowalski"}, "Line": []}
    assert customer_to_create(body) == "Zoë Kowalski"
    assert unresolved(body) == ["{Customer}"]
    filled = with_customer_id(body, "58")
    assert filled["CustomerRef"] == {"value": "58", "name": "Zoë Kowalski"}
    assert customer_to_create(filled) is None
    assert customer_to_create({"CustomerRef": {"value": "58"}}) is None
    with pytest.raises(ValueError, match="display name"):
        customer_to_create({"CustomerRef": {"value": "{Customer}", "name": " "}})


def test_lookup_uses_date_and_doc_number_when_there_is_one() -> None:
    receipt = Part("SalesReceipt", 0, "SalesReceipt",
                   {"TxnDate": "2026-11-01", "DocNumber": "SH-1001"}, Decimal(1))  # fmt: skip
    deposit = Part("Deposit", 0, "Deposit", {"TxnDate": "2026-11-04"}, Decimal(1))
    assert (lookup_for(receipt).txn_date, lookup_for(receipt).doc_number) == (
        "2026-11-01", "SH-1001",
    )  # fmt: skip
    assert lookup_for(deposit).doc_number is None


def test_a_posted_object_is_recognised_only_by_its_exact_key() -> None:
    part = Part("SalesReceipt", 0, "SalesReceipt", {"TxnDate": "2026-11-01"}, Decimal(1))
    others = [
        {"Id": "1", "PrivateNote": "Shopify order #10010 · shopify:order:10010:v1"},
        {"Id": "2", "PrivateNote": "typed by hand: order 1001"},
        {"Id": "3"},
    ]
    assert find_posted(part, KEY, others) is None
    ours = {"Id": "4", "PrivateNote": f"Shopify order #1001 · {KEY}"}
    assert find_posted(part, KEY, [*others, ours]) == ours
    older_version = {"Id": "5", "PrivateNote": "shopify:order:1001:v0"}
    assert find_posted(part, KEY, [older_version]) == older_version


def test_payments_of_one_invoice_are_told_apart_by_amount_and_never_claimed_twice() -> None:
    first, second = parts_of("Invoice", invoice_body(), Decimal("129.00"))[1:]
    note = f"Shopify order #1001 via paypal · {KEY}"
    posted = [
        {"Id": "20", "TotalAmt": 49.00, "PrivateNote": note},
        {"Id": "21", "TotalAmt": 80.00, "PrivateNote": note},
    ]
    assert find_posted(first, KEY, posted) == posted[1]
    assert find_posted(second, KEY, posted) == posted[0]
    assert find_posted(first, KEY, posted, taken_ids=["21"]) is None
