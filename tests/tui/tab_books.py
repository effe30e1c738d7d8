"""QuickBooks reference data and extra orders on top of ``small_store``, for the tab tests.

The company: a bank and a savings account, a clearing account, income and expense accounts, a
few items (some a Shopify product should map to, some it should not), and two deposits that
look like payout 77 (one on the next day, with "SHOPIFY" in its memo). The extra orders sell
products without an alias, so the Unmatched SKUs queue has work in it.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from tests.factories import order_node
from workbench.qbo.models import QboObject
from workbench.services.propose import propose_all
from workbench.shopify.normalize import order_from_graphql
from workbench.store import shopify_repo
from workbench.store.engine import Store
from workbench.store.qbo_repo import save_objects

REALM = "9130"
TZ = ZoneInfo("America/New_York")

ACCOUNTS = [
    ("35", "Checking", "Bank", "Checking"),
    ("36", "Savings", "Bank", "Savings"),
    ("90", "Shopify Payments Clearing", "Other Current Asset", "OtherCurrentAssets"),
    ("60", "Merchant fees", "Expense", "BankCharges"),
    ("61", "Bank Charges & Fees", "Expense", "BankCharges"),
    ("79", "Sales of Product Income", "Income", "SalesOfProductIncome"),
    ("80", "Services", "Income", "ServiceFeeIncome"),
    ("81", "Discounts given", "Income", "DiscountsRefundsGiven"),
    ("12", "Sales Tax Payable", "Other Current Liability", "SalesTaxPayable"),
]
ITEMS = [
    ("7", "Hoodie Black M", "Hoodies", "HD-BLK-M", "NonInventory"),
    ("9", "Mug 12oz", None, "MUG-12OZ", "NonInventory"),
    ("11", "Hoodie Heather Grey S", "Hoodies", None, "NonInventory"),
    ("12", "Hoodie Heather Grey L", "Hoodies", None, "NonInventory"),
    ("13", "Beanie Charcoal", None, None, "NonInventory"),
    ("14", "Beanie Mustard", None, None, "NonInventory"),
    ("15", "Gift wrap service", None, None, "Service"),
    ("17", "Heather Grey Pullover S", None, None, "NonInventory"),
    ("18", "Pullover Hoodie Heather Grey", None, None, "NonInventory"),
    ("2", "Shipping", None, None, "Service"),
]
# sku, title, quantity, price: products the company has no alias for.
UNMATCHED_LINES = [
    ("HD-HGR-S", "Pullover Hoodie Heather Grey / S", 1, "55.00"),
    ("BNE-CHR", "Merino Wool Beanie Charcoal", 1, "28.00"),
    ("GIFTWRAP", "Gift Wrapping", 1, "5.00"),
    ("STK-PACK", "Sticker Pack", 2, "6.00"),
]


def _account(qbo_id: str, name: str, kind: str, sub: str) -> dict[str, Any]:
    return {"Id": qbo_id, "Name": name, "FullyQualifiedName": name, "AccountType": kind,
            "AccountSubType": sub, "Active": True, "SyncToken": "0"}  # fmt: skip


def _item(qbo_id: str, name: str, parent: str | None, sku: str | None, kind: str) -> dict[str, Any]:
    item: dict[str, Any] = {
        "Id": qbo_id, "Name": name, "FullyQualifiedName": f"{parent}:{name}" if parent else name,
        "Type": kind, "Active": True, "SyncToken": "0",
        "IncomeAccountRef": {"value": "79", "name": "Sales of Product Income"},
    }  # fmt: skip
    if sku:
        item["Sku"] = sku
    if parent:
        item["SubItem"] = True
        item["ParentRef"] = {"value": "1" + qbo_id, "name": parent}
    return item


def _deposit(qbo_id: str, txn_date: str, memo: str) -> dict[str, Any]:
    return {
        "Id": qbo_id, "SyncToken": "0", "TxnDate": txn_date, "TotalAmt": 204.92,
        "CurrencyRef": {"value": "USD"}, "DepositToAccountRef": {"value": "35", "name": "Checking"},
        "PrivateNote": memo,
        "Line": [{"Amount": 204.92, "DetailType": "DepositLineDetail",
                  "DepositLineDetail": {"AccountRef": {"value": "90"}}}],
    }  # fmt: skip


def add_books(store: Store) -> None:
    objects = [
        *(QboObject.from_json("Account", _account(*a)) for a in ACCOUNTS),
        *(QboObject.from_json("Item", _item(*i)) for i in ITEMS),
        QboObject.from_json(
            "Customer", {"Id": "58", "DisplayName": "Shopify Customer", "Active": True}
        ),
        QboObject.from_json("Deposit", _deposit("145", "2026-11-05", "SHOPIFY TRANSFER")),
        QboObject.from_json("Deposit", _deposit("146", "2026-11-09", "Mobile deposit")),
    ]
    nodes = [
        order_node(1005 + i, processed_at="2026-11-03T15:00:00Z", total=str(qty * float(price)),
                   lines=[(sku, title, qty, price)])
        for i, (sku, title, qty, price) in enumerate(UNMATCHED_LINES)
    ]  # fmt: skip
    with store.session() as session:
        save_objects(session, REALM, objects)
        orders = [order_from_graphql(n, TZ) for n in nodes]
        shopify_repo.save_orders(session, orders, nodes, "api")
    propose_all(store)
