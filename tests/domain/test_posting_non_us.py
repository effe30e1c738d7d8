"""Non-US companies: a real TaxCode on every line, chosen by the rate Shopify charged, and
GlobalTaxCalculation from the shop's tax-inclusive setting; no US TxnTaxDetail."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

from tests.domain.builders import context, line, order, refund, refund_tx, sale, shipping_line
from workbench.domain.posting.context import Company, PostingContext, Ref
from workbench.domain.posting.orders import propose_order
from workbench.domain.posting.refunds import propose_refund
from workbench.domain.proposal_model import FlagCode
from workbench.domain.records import LineItem, RefundLine, ShippingLine, TaxLine

D = Decimal
STANDARD, REDUCED, ZERO_RATED = Ref("8", "20.0% S"), Ref("10", "5.0% R"), Ref("12", "0.0% Z")


def uk(**overrides: object) -> PostingContext:
    values: dict[str, object] = {
        "company": Company(country="GB", home_currency="GBP"),
        "tax_codes_by_rate": {D("20"): STANDARD, D("5"): REDUCED, D("0"): ZERO_RATED},
    }
    values.update(overrides)
    return context(**values)


def taxed(n: int, price: str, rate: str, tax: str) -> LineItem:
    return replace(line(n, price), tax_lines=(TaxLine("VAT", D(rate), D(tax)),))


def vat_shipping(price: str, tax: str) -> ShippingLine:
    return replace(shipping_line(price), tax_lines=(TaxLine("VAT", D("0.2"), D(tax)),))


def codes_of(body: dict[str, object]) -> list[object]:
    lines = body["Line"]
    assert isinstance(lines, list)
    return [ln["SalesItemLineDetail"].get("TaxCodeRef") for ln in lines]


def test_each_line_gets_the_tax_code_of_its_rate_and_prices_include_tax() -> None:
    o = order(
        (taxed(1, "120.00", "0.2", "20.00"), taxed(2, "21.00", "0.05", "1.00"), line(3, "8.00")),
        (sale(1, "shopify_payments", "155.00"),),
        shipping=(vat_shipping("6.00", "1.00"),),
        taxes_included=True,
    )
    p = propose_order(o, uk())
    assert p is not None and p.entity_type == "SalesReceipt"
    body = p.body["SalesReceipt"]
    assert codes_of(body) == [
        {"value": "8", "name": "20.0% S"},
        {"value": "10", "name": "5.0% R"},
        {"value": "12", "name": "0.0% Z"},  # no tax charged: the zero-rated code
        {"value": "8", "name": "20.0% S"},  # shipping at 20%
    ]
    assert body["GlobalTaxCalculation"] == "TaxInclusive"
    assert "TxnTaxDetail" not in body
    # Tax-inclusive: the lines already hold the tax, so they add up to Shopify's total.
    assert sum(ln["Amount"] for ln in body["Line"]) == o.total_price == p.total == D("155.00")
    assert p.tied_out and p.clean, (p.tieouts, p.flags)


def test_a_tax_exclusive_shop_says_so() -> None:
    o = order((taxed(1, "100.00", "0.2", "20.00"),), (sale(1, "shopify_payments", "120.00"),))
    p = propose_order(o, uk())
    assert p is not None
    body = p.body["SalesReceipt"]
    assert body["GlobalTaxCalculation"] == "TaxExcluded"
    assert codes_of(body) == [{"value": "8", "name": "20.0% S"}]
    assert p.tied_out and p.clean


def test_combined_rates_match_the_code_with_their_sum() -> None:
    # Canada: GST 5% + PST 7% on one line is the 12% code.
    line_ = replace(
        line(1, "100.00"),
        tax_lines=(TaxLine("GST", D("0.05"), D("5.00")), TaxLine("PST", D("0.07"), D("7.00"))),
    )
    o = order((line_,), (sale(1, "shopify_payments", "112.00"),))
    ctx = uk(
        company=Company(country="CA", home_currency="CAD"),
        tax_codes_by_rate={D("12"): Ref("21", "GST/PST BC"), D("0"): ZERO_RATED},
    )
    p = propose_order(o, ctx)
    assert p is not None
    assert codes_of(p.body["SalesReceipt"]) == [{"value": "21", "name": "GST/PST BC"}]


def test_a_rate_without_a_tax_code_is_flagged_with_the_rate() -> None:
    o = order((taxed(1, "100.00", "0.175", "17.50"),), (sale(1, "shopify_payments", "117.50"),))
    p = propose_order(o, uk())
    assert p is not None and not p.clean
    assert FlagCode.UNMAPPED_ACCOUNT in {f.code for f in p.flags}
    assert any("17.5%" in f.message for f in p.flags), p.flags
    assert "TaxCodeRef" not in p.body["SalesReceipt"]["Line"][0]["SalesItemLineDetail"]


def test_a_refund_uses_the_code_its_line_was_sold_with() -> None:
    sold = taxed(1, "120.00", "0.2", "20.00")
    o = order((sold,), (sale(1, "shopify_payments", "120.00"),), taxes_included=True)
    r = refund(
        (RefundLine(sold.id, 1, D("100.00"), D("20.00")),),
        (refund_tx("shopify_payments", "120.00"),),
    )
    p = propose_refund(r, o, uk())
    assert p is not None
    body = p.body["RefundReceipt"]
    assert codes_of(body) == [{"value": "8", "name": "20.0% S"}]
    assert body["GlobalTaxCalculation"] == "TaxInclusive" and "TxnTaxDetail" not in body
