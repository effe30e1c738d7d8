"""Working records the generator keeps while it builds an order, before printing wire dicts.

Amounts stay Decimal here; the Shopify dicts are printed from these records once the order is
complete, so every printed total is derived from the same numbers and ties out by construction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from workbench.sandbox.catalog import Variant
from workbench.sandbox.dataset import JSON
from workbench.sandbox.generator_base import ZERO


@dataclass(frozen=True)
class TaxJurisdiction:
    title: str
    rate: Decimal


@dataclass(frozen=True)
class Region:
    """Where an order ships to, which decides its sales-tax lines."""

    state: str
    city: str
    taxes: tuple[TaxJurisdiction, ...]
    ship_taxed: bool


@dataclass
class LineCalc:
    gid: str
    title: str
    variant_title: str | None
    sku: str | None
    vendor: str
    qty: int
    unit: Decimal
    taxable: bool
    requires_shipping: bool
    gift_card: bool
    variant: Variant | None
    product: tuple[str, str] | None
    allocs: list[tuple[int, Decimal]] = field(default_factory=list)
    taxes: list[Decimal] = field(default_factory=list)
    removed_qty: int = 0

    @property
    def total(self) -> Decimal:
        return self.unit * self.qty

    @property
    def discount(self) -> Decimal:
        return sum((amount for _, amount in self.allocs), ZERO)

    @property
    def discounted(self) -> Decimal:
        return self.total - self.discount

    @property
    def tax(self) -> Decimal:
        return sum(self.taxes, ZERO)


@dataclass
class ShipCalc:
    gid: str
    title: str
    code: str
    source: str
    price: Decimal
    allocs: list[tuple[int, Decimal]] = field(default_factory=list)
    taxes: list[Decimal] = field(default_factory=list)

    @property
    def discount(self) -> Decimal:
        return sum((amount for _, amount in self.allocs), ZERO)

    @property
    def discounted(self) -> Decimal:
        return self.price - self.discount

    @property
    def tax(self) -> Decimal:
        return sum(self.taxes, ZERO)


@dataclass
class OrderFacts:
    """The order-level choices made while composing an order, handed to the printer."""

    number: int
    ts: int
    test: bool
    source: str
    customer: JSON | None
    email: str | None
    region: Region
    tax_exempt: bool
    tip: Decimal
    mode: str
    cancelled_at: int | None
    cancel_reason: str
    edited: bool
    tags: list[str]
    note: str | None
    closing_delay: int


@dataclass
class SpEvent:
    """One movement of the Shopify Payments balance, before it is given a payout."""

    ts: int
    type: str
    amount: Decimal
    fee: Decimal
    source_type: str
    source_id: str
    order_txn_id: str | None = None
    order: JSON | None = None
    test: bool = False
    adjustment_reason: str | None = None


@dataclass
class Charge:
    """A successful Shopify Payments charge that a dispute could later claw back."""

    order: JSON
    txn_id: str
    amount: Decimal
    ts: int


@dataclass
class Ledger:
    events: list[SpEvent] = field(default_factory=list)
    charges: list[Charge] = field(default_factory=list)
