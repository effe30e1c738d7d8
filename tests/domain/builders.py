"""Domain records built directly, for posting-rule tests that need exact control."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from workbench.domain.posting.context import (
    ItemRole,
    PostingContext,
    Ref,
    Role,
    clearing_role,
)
from workbench.domain.records import (
    BalanceTransaction,
    LineItem,
    Order,
    Payout,
    Refund,
    RefundLine,
    ShippingLine,
    TaxLine,
    Transaction,
)

WHEN = datetime(2026, 11, 2, 15, 0, tzinfo=UTC)
DAY = date(2026, 11, 2)
D = Decimal


def line(
    n: int, price: str, qty: int = 1, *, sku: str | None = None, discount: str = "0",
    tax: str = "0", gift_card: bool = False, taxable: bool = True,
) -> LineItem:  # fmt: skip
    return LineItem(
        id=f"gid://shopify/LineItem/{n}", order_id="gid://shopify/Order/1", position=n,
        sku=sku or f"SKU-{n}", title=f"Product {n}", variant_title=None,
        variant_id=f"gid://shopify/ProductVariant/{n}", product_id=None, vendor=None,
        quantity=qty, unit_price=D(price), original_total=D(price) * qty, discount=D(discount),
        is_gift_card=gift_card, taxable=taxable,
        tax_lines=(TaxLine("State tax", D("0.08"), D(tax)),) if D(tax) else (),
    )  # fmt: skip


def sale(n: int, gateway: str, amount: str, *, status: str = "SUCCESS") -> Transaction:
    return Transaction(
        id=f"gid://shopify/OrderTransaction/{n}", order_id="gid://shopify/Order/1",
        refund_id=None, kind="SALE", status=status, gateway=gateway, amount=D(amount),
        fee=D(0), processed_at=WHEN, test=False,
    )  # fmt: skip


def order(
    lines: tuple[LineItem, ...],
    transactions: tuple[Transaction, ...],
    *,
    shipping: tuple[ShippingLine, ...] = (),
    tip: str = "0",
    total: str | None = None,
    test: bool = False,
    cancelled: bool = False,
    number: int = 1001,
    taxes_included: bool = False,
) -> Order:
    tax = sum((li.tax for li in lines), D(0)) + sum(
        (t.amount for s in shipping for t in s.tax_lines), D(0)
    )
    computed = (
        sum((li.original_total - li.discount for li in lines), D(0))
        + sum((s.price - s.discount for s in shipping), D(0))
        + (D(0) if taxes_included else tax)
        + D(tip)
    )
    received = sum((t.amount for t in transactions if t.status == "SUCCESS"), D(0))
    return Order(
        id=f"gid://shopify/Order/{number}", name=f"#{number}", number=number, created_at=WHEN,
        processed_at=WHEN, updated_at=WHEN, local_date=DAY, currency="USD", test=test,
        cancelled_at=WHEN if cancelled else None, financial_status="PAID",
        source_name="web", customer_name="Siobhan O'Brien", email=None,
        subtotal=sum((li.original_total - li.discount for li in lines), D(0)),
        total_discounts=sum((li.discount for li in lines), D(0)),
        total_shipping=sum((s.price for s in shipping), D(0)), total_tax=tax, total_tip=D(tip),
        total_price=D(total) if total is not None else computed, total_received=received,
        total_refunded=D(0), taxes_included=taxes_included, edited=False,
        gateways=tuple(sorted({t.gateway for t in transactions})), line_items=lines,
        shipping_lines=shipping, tax_lines=(TaxLine("State tax", D("0.08"), tax),) if tax else (),
        transactions=transactions,
    )  # fmt: skip


def shipping_line(price: str, *, tax: str = "0", discount: str = "0") -> ShippingLine:
    return ShippingLine(
        id="gid://shopify/ShippingLine/1", title="Standard", price=D(price),
        discount=D(discount),
        tax_lines=(TaxLine("State tax", D("0.08"), D(tax)),) if D(tax) else (),
    )  # fmt: skip


def refund(
    lines: tuple[RefundLine, ...], transactions: tuple[Transaction, ...], *,
    shipping: str = "0", shipping_tax: str = "0", adjustments: str = "0", total: str | None = None,
) -> Refund:  # fmt: skip
    computed = (
        sum((rl.subtotal + rl.tax for rl in lines), D(0))
        + D(shipping)
        + D(shipping_tax)
        - D(adjustments)
    )
    return Refund(
        id="gid://shopify/Refund/9", order_id="gid://shopify/Order/1001", created_at=WHEN,
        local_date=date(2026, 11, 5), note=None, total=D(total) if total else computed,
        lines=lines, shipping=D(shipping), shipping_tax=D(shipping_tax),
        adjustments=D(adjustments), transactions=transactions,
    )  # fmt: skip


def refund_tx(gateway: str, amount: str, *, status: str = "SUCCESS") -> Transaction:
    return Transaction(
        id="gid://shopify/OrderTransaction/99", order_id="gid://shopify/Order/1001",
        refund_id="gid://shopify/Refund/9", kind="REFUND", status=status, gateway=gateway,
        amount=D(amount), fee=D(0), processed_at=WHEN, test=False,
    )  # fmt: skip


def payout(net: str, *, status: str = "PAID", kind: str = "DEPOSIT") -> Payout:
    return Payout(
        id="gid://shopify/ShopifyPaymentsPayout/77", legacy_id="77", issued_at=WHEN,
        local_date=DAY, status=status, net=D(net), currency="USD", transaction_type=kind,
    )  # fmt: skip


def balance(n: int, kind: str, amount: str, fee: str = "0") -> BalanceTransaction:
    return BalanceTransaction(
        id=f"gid://shopify/ShopifyPaymentsBalanceTransaction/{n}", type=kind, test=False,
        amount=D(amount), fee=D(fee), net=D(amount) - D(fee), currency="USD",
        transaction_date=WHEN, local_date=DAY, payout_id="gid://shopify/ShopifyPaymentsPayout/77",
        payout_status="PAID", source_id=None, source_type=None,
        source_order_transaction_id=None, order_id=None,
    )  # fmt: skip


def context(**overrides: object) -> PostingContext:
    """Everything mapped: products 1–9 to items 101–109, every role to an account."""
    accounts = {
        Role.BANK: Ref("35", "Checking"), Role.FEES: Ref("60", "Merchant fees"),
        Role.DISCOUNTS: Ref("86", "Discounts given"), Role.CHARGEBACKS: Ref("61", "Chargebacks"),
        Role.RESERVES: Ref("62", "Shopify reserve"), Role.ADJUSTMENTS: Ref("63", "Adjustments"),
        clearing_role("shopify_payments"): Ref("90", "Shopify Payments Clearing"),
        clearing_role("paypal"): Ref("91", "PayPal Clearing"),
        clearing_role("manual"): Ref("4", "Undeposited Funds"),
        clearing_role("gift_card"): Ref("4", "Undeposited Funds"),
    }  # fmt: skip
    items = {
        ItemRole.SHIPPING: Ref("201", "Shipping"), ItemRole.TIPS: Ref("202", "Tips"),
        ItemRole.GIFT_CARD: Ref("203", "Gift Card"), ItemRole.ROUNDING: Ref("204", "Rounding"),
        ItemRole.REFUND_ADJUSTMENT: Ref("205", "Refund adjustment"),
    }  # fmt: skip
    values: dict[str, object] = dict(
        accounts={str(k): v for k, v in accounts.items()},
        items={k.value: v for k, v in items.items()},
        products={f"gid://shopify/ProductVariant/{n}": Ref(str(100 + n)) for n in range(1, 10)},
        generic_customer=Ref("58", "Shopify Customer"),
    )
    values.update(overrides)
    return PostingContext(**values)  # type: ignore[arg-type]
