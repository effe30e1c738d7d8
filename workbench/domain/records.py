"""Normalised Shopify records: what every source (GraphQL, bulk JSONL, CSV) is turned into.

Downstream code (posting rules, matching, the duplicate guard, the screens) reads only these,
so it never cares where the data came from. Amounts are shop-currency Decimals; instants are
UTC-aware datetimes and every record also carries its shop-local date, because a bookkeeper's
day is the shop's day, not UTC's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum


class Gateway(StrEnum):
    SHOPIFY_PAYMENTS = "shopify_payments"
    PAYPAL = "paypal"
    GIFT_CARD = "gift_card"
    MANUAL = "manual"


class TransactionKind(StrEnum):
    SALE = "SALE"
    CAPTURE = "CAPTURE"
    AUTHORIZATION = "AUTHORIZATION"
    REFUND = "REFUND"
    VOID = "VOID"
    CHANGE = "CHANGE"
    EMV_AUTHORIZATION = "EMV_AUTHORIZATION"
    SUGGESTED_REFUND = "SUGGESTED_REFUND"


# Balance-transaction types we know how to post. Anything else is stored and flagged for review,
# never dropped: Shopify grows this enum every quarter.
KNOWN_BALANCE_TYPES = frozenset(
    {
        "CHARGE", "REFUND", "REFUND_FAILURE", "REFUND_ADJUSTMENT", "CHARGE_ADJUSTMENT",
        "TRANSFER", "TRANSFER_FAILURE", "TRANSFER_CANCEL", "TRANSFER_REFUND",
        "DISPUTE_WITHDRAWAL", "DISPUTE_REVERSAL", "CHARGEBACK_FEE", "CHARGEBACK_FEE_REFUND",
        "CHARGEBACK_HOLD", "CHARGEBACK_HOLD_RELEASE", "RESERVED_FUNDS",
        "RESERVED_FUNDS_REVERSAL", "RESERVED_FUNDS_WITHDRAWAL", "ADJUSTMENT",
    }
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Shop:
    id: str
    name: str
    domain: str
    currency: str
    timezone: str
    taxes_included: bool = False


@dataclass(frozen=True, slots=True)
class TaxLine:
    title: str
    rate: Decimal
    amount: Decimal


@dataclass(frozen=True, slots=True)
class LineItem:
    id: str
    order_id: str
    position: int
    sku: str | None
    title: str
    variant_title: str | None
    variant_id: str | None
    product_id: str | None
    vendor: str | None
    quantity: int
    unit_price: Decimal
    original_total: Decimal
    discount: Decimal
    is_gift_card: bool
    taxable: bool
    tax_lines: tuple[TaxLine, ...] = ()

    @property
    def tax(self) -> Decimal:
        return sum((t.amount for t in self.tax_lines), Decimal(0))

    @property
    def product_key(self) -> str:
        """The identity used for SKU → Item mapping: the variant, else the SKU, else the title."""
        if self.variant_id:
            return self.variant_id
        if self.sku:
            return f"sku:{self.sku}"
        return f"title:{self.title}|{self.variant_title or ''}"


@dataclass(frozen=True, slots=True)
class ShippingLine:
    id: str
    title: str
    price: Decimal
    discount: Decimal
    tax_lines: tuple[TaxLine, ...] = ()


@dataclass(frozen=True, slots=True)
class Transaction:
    id: str
    order_id: str
    refund_id: str | None
    kind: str
    status: str
    gateway: str
    amount: Decimal
    fee: Decimal
    processed_at: datetime
    test: bool
    parent_id: str | None = None

    @property
    def moved_money(self) -> bool:
        """Only successful sales, captures and refunds move money; the rest is bookkeeping noise."""
        return self.status == "SUCCESS" and self.kind in {"SALE", "CAPTURE", "REFUND"}


@dataclass(frozen=True, slots=True)
class RefundLine:
    line_item_id: str
    quantity: int
    subtotal: Decimal
    tax: Decimal


@dataclass(frozen=True, slots=True)
class Refund:
    id: str
    order_id: str
    created_at: datetime
    local_date: date
    note: str | None
    total: Decimal
    lines: tuple[RefundLine, ...] = ()
    shipping: Decimal = Decimal(0)
    shipping_tax: Decimal = Decimal(0)
    adjustments: Decimal = Decimal(0)
    transactions: tuple[Transaction, ...] = ()


@dataclass(frozen=True, slots=True)
class Order:
    id: str
    name: str
    number: int
    created_at: datetime
    processed_at: datetime
    updated_at: datetime
    local_date: date
    currency: str
    test: bool
    cancelled_at: datetime | None
    financial_status: str | None
    source_name: str | None
    customer_name: str | None
    email: str | None
    subtotal: Decimal
    total_discounts: Decimal
    total_shipping: Decimal
    total_tax: Decimal
    total_tip: Decimal
    total_price: Decimal
    total_received: Decimal
    total_refunded: Decimal
    taxes_included: bool
    edited: bool
    gateways: tuple[str, ...]
    line_items: tuple[LineItem, ...] = ()
    shipping_lines: tuple[ShippingLine, ...] = ()
    tax_lines: tuple[TaxLine, ...] = ()
    transactions: tuple[Transaction, ...] = ()
    refunds: tuple[Refund, ...] = ()
    tags: tuple[str, ...] = ()

    @property
    def is_cancelled_unpaid(self) -> bool:
        return self.cancelled_at is not None and self.total_received == 0

    @property
    def is_proposable(self) -> bool:
        """Test orders and cancelled orders that never took money are stored, never posted."""
        return not self.test and not self.is_cancelled_unpaid


@dataclass(frozen=True, slots=True)
class BalanceTransaction:
    id: str
    type: str
    test: bool
    amount: Decimal
    fee: Decimal
    net: Decimal
    currency: str
    transaction_date: datetime | None
    local_date: date | None
    payout_id: str | None
    payout_status: str | None
    source_id: str | None
    source_type: str | None
    source_order_transaction_id: str | None
    order_id: str | None
    order_name: str | None = None
    adjustment_reason: str | None = None

    @property
    def known_type(self) -> bool:
        return self.type in KNOWN_BALANCE_TYPES


@dataclass(frozen=True, slots=True)
class Payout:
    id: str
    legacy_id: str
    issued_at: datetime
    local_date: date
    status: str
    net: Decimal
    currency: str
    transaction_type: str
    summary: dict[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Dispute:
    """A Shopify Payments chargeback or inquiry. Its money moves as balance transactions
    (DISPUTE_WITHDRAWAL, CHARGEBACK_FEE, DISPUTE_REVERSAL); this record says why and how the
    case stands, which is what a bookkeeper needs to explain those lines."""

    id: str
    legacy_id: str
    type: str  # CHARGEBACK | INQUIRY
    status: str  # NEEDS_RESPONSE, UNDER_REVIEW, CHARGE_REFUNDED, ACCEPTED, WON, LOST, PREVENTED
    amount: Decimal
    currency: str
    initiated_at: datetime
    local_date: date
    reason: str | None = None
    network_reason_code: str | None = None
    evidence_due_by: date | None = None
    evidence_sent_on: date | None = None
    finalized_on: date | None = None
    order_id: str | None = None
    order_name: str | None = None
