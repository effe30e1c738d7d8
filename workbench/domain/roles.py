"""Suggesting the QBO account for each role, by name and constrained by account type.

A role can only ever be filled by an account of a type QuickBooks accepts for that use (a bank
for payouts, a current asset for a clearing account, …), so the type filter runs first and the
name only ranks what is left. Nothing here decides: the bookkeeper accepts or corrects.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from workbench.domain.posting.context import Role, clearing_role


@dataclass(frozen=True, slots=True)
class AccountFacts:
    id: str
    name: str
    account_type: str
    sub_type: str | None = None
    active: bool = True


@dataclass(frozen=True, slots=True)
class RoleSpec:
    role: str
    label: str
    types: frozenset[str]
    names: tuple[str, ...]  # how bookkeepers usually name the account
    create_as: tuple[str, str]  # (Name, AccountType) when the company has none


ASSET = frozenset({"Other Current Asset"})
EXPENSE = frozenset({"Expense", "Other Expense"})

ROLE_SPECS: tuple[RoleSpec, ...] = (
    RoleSpec(Role.BANK, "Bank account payouts land in", frozenset({"Bank"}),
             ("Checking", "Business Checking", "Operating account"), ("Checking", "Bank")),
    RoleSpec(clearing_role("shopify_payments"), "Shopify Payments clearing", ASSET | {"Bank"},
             ("Shopify Payments Clearing", "Shopify Clearing"),
             ("Shopify Payments Clearing", "Other Current Asset")),
    RoleSpec(clearing_role("paypal"), "PayPal clearing", ASSET | {"Bank"},
             ("PayPal Clearing", "PayPal", "PayPal Bank"), ("PayPal Clearing", "Bank")),
    RoleSpec(clearing_role("manual"), "Cash and manual payments", ASSET | {"Bank"},
             ("Undeposited Funds", "Cash on hand"), ("Undeposited Funds", "Other Current Asset")),
    RoleSpec(clearing_role("gift_card"), "Gift-card-only sales", ASSET,
             ("Undeposited Funds",), ("Undeposited Funds", "Other Current Asset")),
    RoleSpec(Role.FEES, "Payment processing fees", EXPENSE,
             ("Merchant Fees", "Shopify Fees", "Bank Charges & Fees", "Merchant account fees"),
             ("Merchant Fees", "Expense")),
    RoleSpec(Role.DISCOUNTS, "Discounts given", frozenset({"Income"}),
             ("Discounts given", "Sales Discounts"), ("Discounts given", "Income")),
    RoleSpec(Role.SALES_TAX, "Sales tax payable", frozenset({"Other Current Liability"}),
             ("Sales Tax Payable",), ("Sales Tax Payable", "Other Current Liability")),
    RoleSpec(Role.GIFT_CARD_LIABILITY, "Gift card liability",
             frozenset({"Other Current Liability"}), ("Gift Card Liability", "Gift Cards"),
             ("Gift Card Liability", "Other Current Liability")),
    RoleSpec(Role.CHARGEBACKS, "Chargebacks", EXPENSE, ("Chargebacks", "Disputes"),
             ("Chargebacks", "Expense")),
    RoleSpec(Role.RESERVES, "Shopify reserve held back", ASSET,
             ("Shopify Reserve", "Reserve held by processor"),
             ("Shopify Payments Reserve", "Other Current Asset")),
    RoleSpec(Role.ADJUSTMENTS, "Shopify adjustments", EXPENSE | {"Income", "Other Income"},
             ("Shopify Adjustments", "Uncategorized Expense"), ("Shopify Adjustments", "Expense")),
    RoleSpec(Role.ROUNDING, "Rounding differences", EXPENSE | {"Other Income"},
             ("Rounding", "Reconciliation Discrepancies"), ("Rounding", "Other Expense")),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class RoleSuggestion:
    spec: RoleSpec
    account: AccountFacts | None
    score: int
    reason: str


def suggest_roles(accounts: Sequence[AccountFacts]) -> list[RoleSuggestion]:
    """The best account of an allowed type for every role, with its score and why."""
    usable = [a for a in accounts if a.active]
    suggestions = []
    for spec in ROLE_SPECS:
        best: tuple[int, str, AccountFacts] | None = None
        for account in sorted(usable, key=lambda a: (len(a.name), a.id)):
            if account.account_type not in spec.types:
                continue
            score, name = max((int(fuzz.token_set_ratio(account.name, n)), n) for n in spec.names)
            if best is None or score > best[0]:
                best = (score, name, account)
        if best is None or best[0] < 60:
            kinds = " or ".join(sorted(spec.types))
            suggestions.append(
                RoleSuggestion(spec, None, 0, f"no {kinds} account looks like it: create one")
            )
        else:
            score, name, account = best
            reason = f"name {score} vs {name!r}; type {account.account_type}"
            suggestions.append(RoleSuggestion(spec, account, score, reason))
    return suggestions


@dataclass(frozen=True, slots=True)
class ItemFacts:
    id: str
    name: str
    item_type: str
    active: bool = True


# Items that stand for a kind of line; suggested by name among Service/NonInventory items.
ITEM_ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "shipping": ("Shipping", "Shipping and Handling", "Delivery"),
    "tips": ("Tip", "Tips", "Gratuity"),
    "gift_card": ("Gift Card", "Gift Certificate"),
    "rounding": ("Rounding",),
    "refund_adjustment": ("Refund adjustment", "Refund discrepancy"),
}


def suggest_item_roles(items: Sequence[ItemFacts]) -> dict[str, tuple[ItemFacts | None, int]]:
    usable = [i for i in items if i.active and i.item_type in {"Service", "NonInventory"}]
    found: dict[str, tuple[ItemFacts | None, int]] = {}
    for role, names in ITEM_ROLE_NAMES.items():
        scored = sorted(
            ((max(int(fuzz.ratio(i.name.lower(), n.lower())) for n in names), i) for i in usable),
            key=lambda pair: (-pair[0], pair[1].id),
        )
        best = scored[0] if scored and scored[0][0] >= 85 else None
        found[role] = (best[1], best[0]) if best else (None, 0)
    return found
