"""Everything a posting rule needs besides the Shopify record: the company, the bookkeeper's
choices, and the mappings. Rules read it; they never look anything up themselves, which keeps
them pure and makes every proposal reproducible from its inputs.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
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
    # One balanced JournalEntry per Shopify Payments payout instead of an entry per order and
    # refund settled in it (domain/posting/summary.py); other gateways keep sales receipts.
    SUMMARY_PER_PAYOUT = "summary_per_payout"


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

# A CustomerRef whose value is this placeholder names a customer QBO does not have yet: the
# commit engine finds or creates the customer by the ref's name (its DisplayName) and puts the
# real Id in its place before posting.
CUSTOMER_PLACEHOLDER = "{Customer}"
DISPLAY_NAME_MAX = 500


def display_name(name: str) -> str:
    """A Shopify customer name as a QBO DisplayName: QBO refuses ``:``, tabs and newlines in
    names (a ``:`` would make it a sub-customer) and more than 500 characters; everything else
    is kept exactly, so the same buyer always maps to the same customer."""
    cleaned = name.replace(":", "-").replace("\t", " ").replace("\r\n", " ")
    cleaned = cleaned.replace("\n", " ").replace("\r", " ").strip()
    return cleaned[:DISPLAY_NAME_MAX].rstrip()


@dataclass(frozen=True)
class PostingContext:
    company: Company = field(default_factory=Company)
    settings: PostingSettings = field(default_factory=PostingSettings)
    accounts: Mapping[str, Ref] = field(default_factory=dict)  # Role or clearing:<gateway>
    items: Mapping[str, Ref] = field(default_factory=dict)  # ItemRole → item
    products: Mapping[str, Ref] = field(default_factory=dict)  # product key → item
    # Item Id → the account its sales post to (IncomeAccountRef), for summary journal entries.
    item_accounts: Mapping[str, Ref] = field(default_factory=dict)
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

    def tax_code(self, rates: Sequence[Decimal], *, taxable: bool = True) -> Ref | None:
        """The line's tax code. US: TAX or NON. Elsewhere: the company's code whose sales
        rates add up to the line's (Shopify rates are fractions, QBO's are percents), the
        zero-rated code for a line without tax; None when the company has no such code."""
        if self.company.us_tax:
            return self.taxable_code if taxable and any(rates) else self.non_taxable_code
        percent = sum(rates, Decimal(0)) * 100
        return self.tax_codes_by_rate.get(percent)
