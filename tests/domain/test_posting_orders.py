"""Orders become the QuickBooks entry a careful bookkeeper would write, tied out to the cent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.builders import context, line, order, sale, shipping_line
from workbench.domain.posting.context import PostingSettings, Workflow
from workbench.domain.posting.docnumber import MAX_LENGTH
from workbench.domain.posting.orders import propose_order
from workbench.domain.proposal_model import FlagCode, Proposal

D = Decimal


def entry_total(body: dict[str, Any]) -> Decimal:
    """What QBO would compute as TotalAmt: lines (discounts subtract) plus TotalTax."""
    total = D(0)
    for json_line in body["Line"]:
        if json_line["DetailType"] == "DiscountLineDetail":
            total -= json_line["Amount"]
        else:
            total += json_line["Amount"]
    return total + body.get("TxnTaxDetail", {}).get("TotalTax", D(0))


def codes(p: Proposal) -> set[FlagCode]:
    return {f.code for f in p.flags}


def test_paid_order_becomes_a_clean_sales_receipt() -> None:
    o = order(
        (line(1, "45.00", 2, tax="7.20"), line(2, "39.00", tax="3.12")),
        (sale(1, "shopify_payments", "144.32"),),
        shipping=(shipping_line("5.00"),),
    )
    p = propose_order(o, context())
    assert p is not None and p.entity_type == "SalesReceipt"
    body = p.body["SalesReceipt"]
    assert [ln["Amount"] for ln in body["Line"]] == [D("90.00"), D("39.00"), D("5.00")]
    assert body["Line"][0]["SalesItemLineDetail"]["ItemRef"] == {"value": "101"}
    assert body["Line"][0]["SalesItemLineDetail"]["TaxCodeRef"] == {"value": "TAX"}
    assert body["Line"][2]["SalesItemLineDetail"]["TaxCodeRef"] == {"value": "NON"}
    assert body["TxnTaxDetail"] == {"TotalTax": D("10.32")}
    assert body["DepositToAccountRef"]["value"] == "90"
    assert body["DocNumber"] == "1001" and "shopify:order:1001:v1" in body["PrivateNote"]
    assert entry_total(body) == p.total == D("144.32") == o.total_price
    assert p.clean, p.flags


def test_unmapped_product_is_flagged_and_never_clean() -> None:
    o = order((line(1, "10.00"),), (sale(1, "shopify_payments", "10.00"),))
    p = propose_order(o, context(products={}))
    assert p is not None and FlagCode.UNMAPPED_ITEM in codes(p) and not p.clean
    assert "ItemRef" not in p.body["SalesReceipt"]["Line"][0]["SalesItemLineDetail"]


def test_test_cancelled_unpaid_and_unpaid_orders_are_never_proposed() -> None:
    assert (
        propose_order(order((line(1, "5.00"),), (sale(1, "manual", "5.00"),), test=True), context())
        is None
    )
    assert propose_order(order((line(1, "5.00"),), (), cancelled=True), context()) is None
    assert propose_order(order((line(1, "5.00"),), ()), context()) is None
    failed = order((line(1, "5.00"),), (sale(1, "shopify_payments", "5.00", status="FAILURE"),))
    assert propose_order(failed, context()) is None


def test_gift_card_sold_is_a_liability_not_income() -> None:
    o = order((line(1, "50.00", gift_card=True, taxable=False),), (sale(1, "paypal", "50.00"),))
    p = propose_order(o, context())
    assert p is not None
    detail = p.body["SalesReceipt"]["Line"][0]["SalesItemLineDetail"]
    assert detail["ItemRef"]["value"] == "203" and detail["TaxCodeRef"] == {"value": "NON"}
    assert p.body["SalesReceipt"]["DepositToAccountRef"]["value"] == "91"


def test_gift_card_redeemed_reduces_the_liability_and_the_cash_received() -> None:
    o = order(
        (line(1, "80.00"),),
        (sale(1, "gift_card", "25.00"), sale(2, "shopify_payments", "55.00")),
    )
    p = propose_order(o, context())
    assert p is not None and p.entity_type == "SalesReceipt"
    body = p.body["SalesReceipt"]
    redeemed = body["Line"][-1]
    assert redeemed["Amount"] == D("-25.00")
    assert redeemed["SalesItemLineDetail"]["ItemRef"]["value"] == "203"
    assert entry_total(body) == p.total == D("55.00")
    assert p.tied_out


def test_two_real_gateways_make_an_invoice_and_a_payment_each() -> None:
    o = order(
        (line(1, "100.00"),), (sale(1, "shopify_payments", "60.00"), sale(2, "paypal", "40.00"))
    )
    p = propose_order(o, context())
    assert p is not None and p.entity_type == "Invoice"
    payments = p.body["Payment"]
    assert [(x["TotalAmt"], x["DepositToAccountRef"]["value"]) for x in payments] == [
        (D("40.00"), "91"), (D("60.00"), "90"),
    ]  # fmt: skip
    assert sum(x["TotalAmt"] for x in payments) == entry_total(p.body["Invoice"])
    assert all(x["Line"][0]["LinkedTxn"][0]["TxnType"] == "Invoice" for x in payments)


def test_invoice_workflow_setting() -> None:
    o = order((line(1, "10.00"),), (sale(1, "shopify_payments", "10.00"),))
    ctx = context(settings=PostingSettings(workflow=Workflow.INVOICES_AND_PAYMENTS))
    p = propose_order(o, ctx)
    assert p is not None and p.entity_type == "Invoice" and len(p.body["Payment"]) == 1


def test_discounts_shipping_and_tips() -> None:
    o = order(
        (line(1, "40.00", discount="4.00", tax="2.88"),),
        (sale(1, "shopify_payments", "52.88"),),
        shipping=(shipping_line("10.00", discount="2.00"),),
        tip="6.00",
    )
    p = propose_order(o, context())
    assert p is not None
    body = p.body["SalesReceipt"]
    kinds = [ln["DetailType"] for ln in body["Line"]]
    assert kinds.count("DiscountLineDetail") == 1
    discount = next(ln for ln in body["Line"] if ln["DetailType"] == "DiscountLineDetail")
    assert discount["Amount"] == D("6.00")
    assert discount["DiscountLineDetail"]["DiscountAccountRef"]["value"] == "86"
    assert any(ln.get("Description") == "Tip" for ln in body["Line"])
    assert entry_total(body) == o.total_price == p.total and p.clean


def test_a_cent_of_rounding_goes_to_the_rounding_line_without_a_flag() -> None:
    o = order(
        (line(1, "10.00", tax="0.80"),), (sale(1, "shopify_payments", "10.81"),), total="10.81"
    )
    p = propose_order(o, context())
    assert p is not None and p.tied_out and not p.flags
    assert p.body["SalesReceipt"]["Line"][-1]["Description"] == "Rounding"
    assert entry_total(p.body["SalesReceipt"]) == D("10.81")


def test_a_larger_gap_is_a_failed_tie_out_with_both_amounts_never_hidden() -> None:
    o = order(
        (line(1, "10.00", tax="0.80"),), (sale(1, "shopify_payments", "10.90"),), total="10.90"
    )
    p = propose_order(o, context())
    assert p is not None and not p.tied_out
    assert FlagCode.TIEOUT_FAILED in codes(p)
    assert any("10.90" in f.message and "10.80" in f.message for f in p.flags)
    assert all(ln.get("Description") != "Rounding" for ln in p.body["SalesReceipt"]["Line"])


def test_doc_number_collision_and_length() -> None:
    o = order((line(1, "10.00"),), (sale(1, "shopify_payments", "10.00"),))
    ctx = context(taken_doc_numbers={"SalesReceipt": frozenset({"1001"})})
    p = propose_order(o, ctx)
    assert p is not None and p.doc_number == "1001-2"
    long = context(settings=PostingSettings(doc_number_template="SHOPIFY-STORE-ORDER-{name}"))
    q = propose_order(o, long)
    assert q is not None and q.doc_number is not None and len(q.doc_number) <= MAX_LENGTH
    assert q.doc_number.endswith("1001")


cents = st.integers(min_value=1, max_value=50_000).map(lambda n: D(n) / 100)


@st.composite
def orders(draw: st.DrawFn) -> Any:
    n = draw(st.integers(min_value=1, max_value=4))
    lines = []
    for i in range(1, n + 1):
        price = draw(cents)
        qty = draw(st.integers(min_value=1, max_value=4))
        discount = min(draw(cents), price * qty) if draw(st.booleans()) else D(0)
        rate = draw(st.sampled_from([D(0), D("0.04"), D("0.08875")]))
        tax = ((price * qty - discount) * rate).quantize(D("0.01"))
        lines.append(line(i, str(price), qty, discount=str(discount), tax=str(tax)))
    ship = (shipping_line(str(draw(cents))),) if draw(st.booleans()) else ()
    tip = str(draw(cents)) if draw(st.booleans()) else "0"
    probe = order(tuple(lines), (), shipping=ship, tip=tip)
    total = probe.total_price
    gift = min(draw(cents), total) if draw(st.booleans()) else D(0)
    gateways = draw(
        st.sampled_from([["shopify_payments"], ["paypal"], ["shopify_payments", "paypal"]])
    )
    rest = total - gift
    parts = [rest] if len(gateways) == 1 else [rest / 2, rest - rest / 2]
    parts = [p.quantize(D("0.01")) for p in parts]
    parts[-1] = rest - sum(parts[:-1])
    txs = [
        sale(10 + i, g, str(a)) for i, (g, a) in enumerate(zip(gateways, parts, strict=True)) if a
    ]
    if gift:
        txs.append(sale(9, "gift_card", str(gift)))
    return order(tuple(lines), tuple(txs), shipping=ship, tip=tip)


@settings(max_examples=150, deadline=None)
@given(orders())
def test_random_paid_orders_always_balance_and_tie_out(o: Any) -> None:
    p = propose_order(o, context())
    assert p is not None
    assert p.tied_out, p.tieouts
    assert p.clean, p.flags
    header = p.body.get("SalesReceipt") or p.body["Invoice"]
    gift = sum((t.amount for t in o.transactions if t.gateway == "gift_card"), D(0))
    assert entry_total(header) == o.total_price - gift == p.total
    if p.entity_type == "Invoice":
        assert sum(x["TotalAmt"] for x in p.body["Payment"]) == p.total
    for json_line in header["Line"]:
        detail = json_line.get("SalesItemLineDetail")
        if detail:
            assert detail["Qty"] * detail["UnitPrice"] == json_line["Amount"]
