"""Customer per order: the QBO customer when we know it, else a placeholder the commit engine
finds or creates by DisplayName — never a flag, since a buyer new to QuickBooks is normal."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from tests.domain.builders import context, line, order, refund, refund_tx, sale
from workbench.domain.posting.context import (
    CUSTOMER_PLACEHOLDER,
    CustomerMode,
    PostingSettings,
    Ref,
    Workflow,
    display_name,
)
from workbench.domain.posting.orders import propose_order
from workbench.domain.posting.refunds import propose_refund
from workbench.domain.records import Order, RefundLine

D = Decimal
PER_ORDER = PostingSettings(customer_mode=CustomerMode.PER_ORDER)


def paid(name: str | None = "Siobhan O'Brien") -> Order:
    o = order((line(1, "10.00"),), (sale(1, "shopify_payments", "10.00"),))
    return replace(o, customer_name=name)


def test_a_customer_already_in_quickbooks_is_referenced_by_its_id() -> None:
    ctx = context(settings=PER_ORDER, customers={"Siobhan O'Brien": Ref("77", "Siobhan O'Brien")})
    p = propose_order(paid(), ctx)
    assert p is not None
    assert p.body["SalesReceipt"]["CustomerRef"] == {"value": "77", "name": "Siobhan O'Brien"}
    assert p.clean, p.flags


def test_a_new_customer_is_a_placeholder_with_its_display_name_and_no_flag() -> None:
    p = propose_order(paid(), context(settings=PER_ORDER))
    assert p is not None
    assert p.body["SalesReceipt"]["CustomerRef"] == {
        "value": "{Customer}",
        "name": "Siobhan O'Brien",
    }
    assert CUSTOMER_PLACEHOLDER == "{Customer}"
    assert not p.flags and p.clean


def test_invoice_payments_carry_the_same_customer() -> None:
    settings = PostingSettings(
        customer_mode=CustomerMode.PER_ORDER, workflow=Workflow.INVOICES_AND_PAYMENTS
    )
    p = propose_order(paid("Ana Lima"), context(settings=settings))
    assert p is not None and p.entity_type == "Invoice"
    expected = {"value": "{Customer}", "name": "Ana Lima"}
    assert p.body["Invoice"]["CustomerRef"] == expected
    assert [pay["CustomerRef"] for pay in p.body["Payment"]] == [expected]
    assert not p.flags


def test_a_refund_receipt_goes_to_the_same_customer() -> None:
    o = paid("Ana Lima")
    r = refund(
        (RefundLine(o.line_items[0].id, 1, D("10.00"), D(0)),),
        (refund_tx("shopify_payments", "10.00"),),
    )
    p = propose_refund(r, o, context(settings=PER_ORDER))
    assert p is not None
    assert p.body["RefundReceipt"]["CustomerRef"] == {"value": "{Customer}", "name": "Ana Lima"}


def test_a_guest_order_uses_the_generic_customer() -> None:
    p = propose_order(paid(None), context(settings=PER_ORDER))
    assert p is not None
    assert p.body["SalesReceipt"]["CustomerRef"] == {"value": "58", "name": "Shopify Customer"}


def test_display_names_obey_quickbooks_rules_and_are_otherwise_exact() -> None:
    # QBO refuses ':' (it means a sub-customer), tabs and newlines, and more than 500 chars.
    assert display_name("Acme: West\tBranch\nOffice") == "Acme- West Branch Office"
    assert display_name("  Zoë O'Brien-Smith & Co.  ") == "Zoë O'Brien-Smith & Co."
    assert len(display_name("x" * 600)) == 500
    p = propose_order(paid("Acme: West"), context(settings=PER_ORDER))
    assert p is not None
    assert p.body["SalesReceipt"]["CustomerRef"]["name"] == "Acme- West"
    known = context(settings=PER_ORDER, customers={"Acme- West": Ref("9", "Acme- West")})
    q = propose_order(paid("Acme: West"), known)
    assert q is not None and q.body["SalesReceipt"]["CustomerRef"]["value"] == "9"
