"""Everything a posting rule needs besides the Shopify record: the company, the bookkeeper's
choices, and the mappings. Rules read it; they never look anything up themselves, which keeps
them pure and makes every proposal reproducible from its inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Ref:
    """A QBO reference: the Id, and the name shown to the bookkeeper."""

    value: str
    name: str = ""

    def json(self) -> dict[str, str]:
        return {"value": self.value, "name": self.name} if self.name else {"value": self.value}


class Role(StrEnum):
    """Accounts by the part they play; clearing accounts are per gateway (``clearing:paypal``)."""

    BANK = "bank"
    FEES = "fees"
    DISCOUNTS = "discounts"
    SALES_TAX = "sales_tax_payable"
    GIFT_CARD_LIABILITY = "gift_card_liability"
    CHARGEBACKS = "chargebacks"
    RESERVES = "reserves"
    ADJUSTMENTS = "adjustments"
    ROUNDING = "rounding"
    SHIPPING_INCOME = "shipping_income"


def clearing_role(gateway: str) -> str:
    return f"clearing:{gateway}"


class ItemRole(StrEnum):
    """Items that stand for a kind of line rather than a product."""

    SHIPPING = "shipping"
    TIPS = "tips"
    GIFT_CARD = "gift_card"
    ROUNDING = "rounding"
    REFUND_ADJUSTMENT = "refund_adjustment"


class Workflow(StrEnum):
    SALES_RECEIPTS = "sales_receipts"
    INVOICES_AND_PAYMENTS = "invoices_and_payments"


class CustomerMode(StrEnum):
    GENERIC = "generic"
    PER_ORDER = "per_order"


@dataclass(frozen=True)
class Company:
    country: str = "US"
    home_currency: str = "USD"
    multicurrency: bool = False
    custom_txn_numbers: bool = True

    @property
    def us_tax(self) -> bool:
        return self.country.upper() in {"US", "USA"}


@dataclass(frozen=True)
class PostingSettings:
    workflow: Workflow = Workflow.SALES_RECEIPTS
    customer_mode: CustomerMode = CustomerMode.GENERIC
    doc_number_template: str = "{name}"
    # Residue between Shopify's total and the sum of our lines that may go to the rounding
    # line without a flag, per tax line of the order.
    rounding_tolerance_per_tax_line: Decimal = Decimal("0.01")


GIFT_CARD_GATEWAY = "gift_card"


@dataclass(frozen=True)
class PostingContext:
    company: Company = field(default_factory=Company)
    settings: PostingSettings = field(default_factory=PostingSettings)
    accounts: Mapping[str, Ref] = field(default_factory=dict)  # Role or clearing:<gateway>
    items: Mapping[str, Ref] = field(default_factory=dict)  # ItemRole → item
    products: Mapping[str, Ref] = field(default_factory=dict)  # product key → item
    product_confidence: Mapping[str, int] = field(default_factory=dict)
    payment_methods: Mapping[str, Ref] = field(default_factory=dict)  # gateway → method
    generic_customer: Ref | None = None
    customers: Mapping[str, Ref] = field(default_factory=dict)  # display name → customer
    tax_codes_by_rate: Mapping[Decimal, Ref] = field(default_factory=dict)  # non-US
    taxable_code: Ref = field(default_factory=lambda: Ref("TAX"))
    non_taxable_code: Ref = field(default_factory=lambda: Ref("NON"))
    # DocNumbers already used in QBO by records that are not ours, per entity type.
    taken_doc_numbers: Mapping[str, frozenset[str]] = field(default_factory=dict)

    def account(self, role: str) -> Ref | None:
        return self.accounts.get(role)

    def item(self, role: ItemRole) -> Ref | None:
        return self.items.get(role.value)
