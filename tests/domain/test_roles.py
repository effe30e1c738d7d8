"""Role suggestions: type first, then name; never a wrong kind of account."""

from __future__ import annotations

from workbench.domain.roles import AccountFacts, suggest_roles


def by_role(accounts: list[AccountFacts]) -> dict[str, AccountFacts | None]:
    return {s.spec.role: s.account for s in suggest_roles(accounts)}


def test_type_constrains_before_name() -> None:
    accounts = [
        AccountFacts("1", "Shopify Payments Clearing", "Income"),  # right name, wrong type
        AccountFacts("2", "Shopify Clearing", "Other Current Asset"),
        AccountFacts("3", "Checking", "Bank"),
    ]
    chosen = by_role(accounts)
    assert chosen["clearing:shopify_payments"] == accounts[1]
    assert chosen["bank"] == accounts[2]


def test_missing_account_is_said_plainly() -> None:
    suggestions = {s.spec.role: s for s in suggest_roles([AccountFacts("3", "Checking", "Bank")])}
    reserve = suggestions["reserves"]
    assert reserve.account is None and "create one" in reserve.reason
    assert reserve.spec.create_as[1] == "Other Current Asset"


def test_inactive_accounts_are_not_offered() -> None:
    chosen = by_role([AccountFacts("9", "Merchant Fees", "Expense", active=False)])
    assert chosen["fees"] is None


def test_a_weak_name_is_not_suggested() -> None:
    chosen = by_role([AccountFacts("5", "Office Supplies", "Expense")])
    assert chosen["fees"] is None and chosen["chargebacks"] is None
