"""Every proposal of a generated sandbox store posts to the QBO emulator without a Fault.

The mappings here come from the generator's ground truth (the mapping engine is tested on its
own); what this proves is that the bodies the posting rules build are exactly what QuickBooks
accepts: references, amounts, Qty × UnitPrice, tax, account types, DocNumbers.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from workbench import jsonmoney
from workbench.domain.posting.context import ItemRole, PostingContext, Ref, Role, clearing_role
from workbench.domain.posting.orders import propose_order
from workbench.domain.posting.payouts import propose_payout
from workbench.domain.posting.refunds import propose_refund
from workbench.domain.posting.summary import propose_payout_summary
from workbench.domain.proposal_model import Proposal
from workbench.sandbox.generator import generate
from workbench.sandbox.qbo_emulator import QboEmulator, create_app
from workbench.sandbox.transport import SyncASGITransport
from workbench.shopify.normalize import (
    balance_transaction_from_graphql,
    order_from_graphql,
    payout_from_graphql,
)

BASE = "https://sandbox-quickbooks.api.intuit.com"


class Books:
    def __init__(self, data: Any) -> None:
        self.realm = data.company.realm_id
        self.emulator = QboEmulator([data.company], rate_limits=False)
        self.transport = SyncASGITransport(create_app(self.emulator))
        token = self.emulator.issue_access_token(self.realm)
        self.http = httpx.Client(
            transport=self.transport, base_url=f"{BASE}/v3/company/{self.realm}",
            headers={"Authorization": f"Bearer {token}", "Accept": "application/json",
                     "Content-Type": "application/json"},
        )  # fmt: skip

    def post(self, entity: str, body: dict[str, Any]) -> dict[str, Any]:
        response = self.http.post(f"/{entity.lower()}", content=jsonmoney.dumps(body))
        payload = jsonmoney.loads(response.text)
        assert response.status_code == 200 and "Fault" not in payload, (entity, payload, body)
        return dict(payload[entity])

    def close(self) -> None:
        self.http.close()
        self.transport.shutdown()


def by_name(data: Any, entity: str, name: str) -> Ref:
    for e in data.company.entities[entity]:
        if e.get("Name") == name or e.get("DisplayName") == name:
            return Ref(e["Id"], name)
    raise AssertionError(f"{entity} {name!r} not in the sandbox company")


def build_context(data: Any, books: Books) -> PostingContext:
    clearing = books.post("Account", {"Name": "Shopify Payments Clearing",
                                      "AccountType": "Other Current Asset"})  # fmt: skip
    reserve = books.post(
        "Account", {"Name": "Shopify Reserve", "AccountType": "Other Current Asset"}
    )
    income = by_name(data, "Account", "Sales of Product Income")
    rounding = books.post("Item", {"Name": "Rounding", "Type": "Service",
                                   "IncomeAccountRef": income.json()})  # fmt: skip
    adjust = books.post("Item", {"Name": "Refund adjustment", "Type": "Service",
                                 "IncomeAccountRef": income.json()})  # fmt: skip
    undeposited = by_name(data, "Account", "Undeposited Funds")
    fallback = by_name(data, "Item", "Services")
    tz = ZoneInfo(data.store.shop["ianaTimezone"])
    keys = {
        li.product_key for n in data.store.orders for li in order_from_graphql(n, tz).line_items
    }
    truth = data.item_truth
    products = {key: Ref(truth[key]) if truth.get(key) else fallback for key in keys}
    return PostingContext(
        accounts={
            Role.BANK: by_name(data, "Account", "Checking"),
            Role.FEES: by_name(data, "Account", "Merchant Fees"),
            Role.DISCOUNTS: by_name(data, "Account", "Discounts given"),
            Role.CHARGEBACKS: by_name(data, "Account", "Chargebacks"),
            Role.RESERVES: Ref(reserve["Id"]),
            Role.ADJUSTMENTS: by_name(data, "Account", "Uncategorized Expense"),
            clearing_role("shopify_payments"): Ref(clearing["Id"]),
            clearing_role("paypal"): by_name(data, "Account", "PayPal Bank"),
            clearing_role("manual"): undeposited,
            clearing_role("gift_card"): undeposited,
        },
        items={
            ItemRole.SHIPPING: by_name(data, "Item", "Shipping"),
            ItemRole.TIPS: by_name(data, "Item", "Tip"),
            ItemRole.GIFT_CARD: by_name(data, "Item", "Gift Card"),
            ItemRole.ROUNDING: Ref(rounding["Id"]),
            ItemRole.REFUND_ADJUSTMENT: Ref(adjust["Id"]),
        },
        products=products,
        payment_methods={
            "shopify_payments": by_name(data, "PaymentMethod", "Visa"),
            "paypal": by_name(data, "PaymentMethod", "PayPal"),
            "manual": by_name(data, "PaymentMethod", "Cash"),
        },
        generic_customer=by_name(data, "Customer", "Shopify Customer"),
    )


def post_proposal(books: Books, proposal: Proposal) -> None:
    body = proposal.body
    if proposal.entity_type == "Invoice":
        invoice = books.post("Invoice", body["Invoice"])
        for payment in body["Payment"]:
            payment = jsonmoney.loads(
                jsonmoney.dumps(payment).replace("{Invoice.Id}", invoice["Id"])
            )
            books.post("Payment", payment)
        assert invoice["TotalAmt"] == proposal.total
    else:
        created = books.post(proposal.entity_type, body[proposal.entity_type])
        if proposal.entity_type != "JournalEntry":
            assert created["TotalAmt"] == proposal.total


@pytest.mark.parametrize("seed", [7, 21])
def test_every_sandbox_proposal_posts_without_a_fault(seed: int) -> None:
    data = generate(seed=seed, orders=250, end=date(2026, 11, 20))
    tz = ZoneInfo(data.store.shop["ianaTimezone"])
    books = Books(data)
    try:
        ctx = build_context(data, books)
        kinds: dict[str, int] = defaultdict(int)
        for node in data.store.orders:
            order = order_from_graphql(node, tz)
            proposals = [propose_order(order, ctx)] + [
                propose_refund(r, order, ctx) for r in order.refunds
            ]
            for proposal in proposals:
                if proposal is None:
                    continue
                assert proposal.tied_out, (order.name, proposal.tieouts)
                post_proposal(books, proposal)
                kinds[proposal.entity_type] += 1
        rows = defaultdict(list)
        for node in data.store.balance_transactions:
            row = balance_transaction_from_graphql(node, tz)
            rows[row.payout_id].append(row)
        for node in data.store.payouts:
            payout = payout_from_graphql(node, tz)
            proposal = propose_payout(payout, rows[payout.id], ctx)
            assert proposal.tied_out, (payout.legacy_id, proposal.tieouts)
            if payout.status == "PAID":
                post_proposal(books, proposal)
                kinds[proposal.entity_type] += 1
        # The sandbox exercises every kind of entry we post.
        assert {"SalesReceipt", "Invoice", "RefundReceipt", "Deposit"} <= set(kinds), kinds
    finally:
        books.close()


def test_every_payout_summary_posts_as_a_balanced_journal_entry() -> None:
    """Summary per payout: each paid payout's JournalEntry, built from the sales and refunds it
    settled, is accepted by QuickBooks (accounts exist, debits = credits, amounts ≥ 0)."""
    data = generate(seed=11, orders=250, end=date(2026, 11, 20))
    tz = ZoneInfo(data.store.shop["ianaTimezone"])
    books = Books(data)
    try:
        base = build_context(data, books)
        tax = by_name(data, "Account", "Sales Tax Payable")
        items = {e["Id"]: e for e in books.http.get(
            "/query", params={"query": "select * from Item maxresults 1000"}
        ).json()["QueryResponse"]["Item"]}  # fmt: skip
        item_accounts = {
            item_id: Ref(item["IncomeAccountRef"]["value"])
            for item_id, item in items.items()
            if "IncomeAccountRef" in item
        }
        ctx = replace(
            base,
            accounts={**base.accounts, Role.SALES_TAX: tax},
            item_accounts=item_accounts,
        )
        orders = {o.id: o for o in (order_from_graphql(n, tz) for n in data.store.orders)}
        refund_of_tx = {
            t.id.rsplit("/", 1)[-1]: (r, o)
            for o in orders.values()
            for r in o.refunds
            for t in r.transactions
        }
        rows = defaultdict(list)
        for node in data.store.balance_transactions:
            row = balance_transaction_from_graphql(node, tz)
            rows[row.payout_id].append(row)
        posted = 0
        for node in data.store.payouts:
            payout = payout_from_graphql(node, tz)
            members = rows[payout.id]
            sales = [
                orders[r.order_id]
                for r in members
                if r.type == "CHARGE" and r.order_id in orders and not orders[r.order_id].test
            ]
            refunds = [
                refund_of_tx[r.source_order_transaction_id]
                for r in members
                if r.type == "REFUND" and r.source_order_transaction_id in refund_of_tx
            ]
            proposal = propose_payout_summary(payout, members, sales, refunds, ctx)
            debits = sum(
                (ln["Amount"] for ln in proposal.body["JournalEntry"]["Line"]
                 if ln["JournalEntryLineDetail"]["PostingType"] == "Debit"),
                Decimal(0),
            )  # fmt: skip
            credits = sum(
                (ln["Amount"] for ln in proposal.body["JournalEntry"]["Line"]
                 if ln["JournalEntryLineDetail"]["PostingType"] == "Credit"),
                Decimal(0),
            )  # fmt: skip
            assert debits == credits, payout.legacy_id
            assert proposal.tied_out, (payout.legacy_id, proposal.tieouts)
            assert not [f for f in proposal.flags if f.code.value.startswith("unmapped")], (
                payout.legacy_id, proposal.flags,
            )  # fmt: skip
            if payout.status == "PAID":
                post_proposal(books, proposal)
                posted += 1
        assert posted >= 5, posted
    finally:
        books.close()
