"""Shopify Payments: balance transactions, daily payouts, disputes, reserves and adjustments.

Payouts are cut from the balance events the orders produced (plus the account-level events
made here), each payout taking everything that became available two days before it. Its net
is the exact sum of its rows, and its TRANSFER row is the exact negative, so the payout ledger
ties out by construction and a bookkeeper's tie-out can be tested against it.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from workbench.sandbox.dataset import JSON
from workbench.sandbox.generator_base import (
    CHARGEBACK_FEE,
    ZERO,
    Ids,
    local_date,
    local_ts,
    money_v2,
    utc_str,
)
from workbench.sandbox.generator_model import Charge, Ledger, SpEvent

_GROUPS = {
    "CHARGE": "charges",
    "REFUND": "refunds",
    "DISPUTE_WITHDRAWAL": "adjustments",
    "DISPUTE_REVERSAL": "adjustments",
    "CHARGEBACK_FEE": "adjustments",
    "ADJUSTMENT": "adjustments",
    "RESERVED_FUNDS": "reserved",
    "RESERVED_FUNDS_REVERSAL": "reserved",
}
_SUMMARY_KEYS = {
    "charges": ("chargesGross", "chargesFee"),
    "refunds": ("refundsFeeGross", "refundsFee"),
    "adjustments": ("adjustmentsGross", "adjustmentsFee"),
    "reserved": ("reservedFundsGross", "reservedFundsFee"),
    "retried": ("retriedPayoutsGross", "retriedPayoutsFee"),
    "advance": ("advanceGross", "advanceFees"),
}
DAY = 86400


@dataclass
class Payments:
    payouts: list[JSON] = field(default_factory=list)
    balance_transactions: list[JSON] = field(default_factory=list)
    disputes: list[JSON] = field(default_factory=list)
    payout_dates: dict[str, dt.date] = field(default_factory=dict)


def _order_ref(order: JSON | None) -> JSON | None:
    return {"id": order["id"], "name": order["name"]} if order else None


def _disputes(
    rng: random.Random, ids: Ids, ledger: Ledger, count: int, start_ts: int, end_ts: int
) -> list[JSON]:
    """Chargebacks on early, unrefunded card sales; the first is lost, later ones vary."""
    span = end_ts - start_ts
    pool = [
        c
        for c in ledger.charges
        if c.ts < start_ts + span * 0.4
        and c.amount >= 20
        and c.order.get("displayFinancialStatus") == "PAID"
    ]
    chosen: list[Charge] = []
    if pool:
        chosen.append(pool[0])
        chosen += rng.sample(pool[1:], min(count - 1, len(pool) - 1))
    disputes: list[JSON] = []
    for k, charge in enumerate(chosen):
        initiated = charge.ts + rng.randint(3 * DAY, 6 * DAY)
        if initiated > end_ts - 60:
            continue
        number = ids.number("ShopifyPaymentsDispute")
        closes = initiated + rng.randint(8 * DAY, 12 * DAY)
        status = ("LOST", "UNDER_REVIEW", "WON")[k % 3] if closes <= end_ts else "UNDER_REVIEW"
        evidence = initiated + 2 * DAY
        if status == "UNDER_REVIEW" and evidence > end_ts:
            status = "NEEDS_RESPONSE"  # opened too recently for the evidence to have gone out
        ref = _order_ref(charge.order)
        for offset, kind, amount in (
            (0, "DISPUTE_WITHDRAWAL", -charge.amount),
            (60, "CHARGEBACK_FEE", -CHARGEBACK_FEE),
        ):
            ledger.events.append(
                SpEvent(initiated + offset, kind, amount, ZERO, "DISPUTE", str(number), None, ref)
            )
        if status == "WON":
            ledger.events.append(
                SpEvent(
                    closes,
                    "DISPUTE_REVERSAL",
                    charge.amount,
                    ZERO,
                    "DISPUTE",
                    str(number),
                    None,
                    ref,
                )
            )
        disputes.append(
            {
                "id": f"gid://shopify/ShopifyPaymentsDispute/{number}",
                "legacyResourceId": str(number),
                "type": "CHARGEBACK",
                "status": status,
                "amount": money_v2(charge.amount),
                "reasonDetails": {"reason": "FRAUDULENT", "networkReasonCode": "10.4"},
                "initiatedAt": utc_str(initiated),
                "evidenceDueBy": utc_str(initiated + 14 * DAY),
                "evidenceSentOn": (
                    utc_str(evidence) if status not in {"LOST", "NEEDS_RESPONSE"} else None
                ),
                "finalizedOn": local_date(closes).isoformat() if status != "UNDER_REVIEW" else None,
                "order": ref,
            }
        )
    return disputes


def _account_events(
    rng: random.Random, ids: Ids, ledger: Ledger, days: Sequence[dt.date], orders: int
) -> None:
    """Reserves and their release, and manual adjustments: money moved without an order."""
    last = len(days) - 1
    for k in range(max(1, orders // 5000)):
        held = days[min(last, int(last * (0.2 + 0.5 * k / max(1, orders // 5000))))]
        released = days[min(last, days.index(held) + 7, max(days.index(held), int(last * 0.6)))]
        amount = Decimal(rng.choice(("150.00", "200.00", "250.00")))
        source = str(ids.number("Adjustment"))
        ledger.events.append(
            SpEvent(
                local_ts(held, 9 * 3600 + 17),
                "RESERVED_FUNDS",
                -amount,
                ZERO,
                "SYSTEM_ADJUSTMENT",
                source,
                adjustment_reason="reserve",
            )
        )
        ledger.events.append(
            SpEvent(
                local_ts(released, 9 * 3600 + 41),
                "RESERVED_FUNDS_REVERSAL",
                amount,
                ZERO,
                "SYSTEM_ADJUSTMENT",
                source,
                adjustment_reason="reserve_release",
            )
        )
    for k in range(max(1, orders // 3000)):
        day = days[min(last, int(last * (0.5 + 0.4 * k / max(1, orders // 3000))))]
        amount = Decimal(rng.choice(("-7.35", "4.20", "-12.48", "1.50")))
        ledger.events.append(
            SpEvent(
                local_ts(day, 11 * 3600 + 5),
                "ADJUSTMENT",
                amount,
                ZERO,
                "ADJUSTMENT",
                str(ids.number("Adjustment")),
                adjustment_reason="tax_adjustment",
            )
        )


def build_payments(
    rng: random.Random, ids: Ids, ledger: Ledger, days: Sequence[dt.date], orders: int
) -> Payments:
    start_ts = local_ts(days[0], 0)
    end_ts = local_ts(days[-1], 86399)
    out = Payments()
    out.disputes = _disputes(rng, ids, ledger, max(1, orders // 2500), start_ts, end_ts)
    _account_events(rng, ids, ledger, days, orders)
    events = sorted(ledger.events, key=lambda e: e.ts)

    # Cut daily payouts: a payout on day P takes what became available by P - 2.
    live = [e for e in events if not e.test]
    dated = [(local_date(e.ts), e) for e in live]
    cursor = 0
    batches: list[tuple[dt.date, list[SpEvent]]] = []
    day = days[0] + dt.timedelta(days=2)
    while day <= days[-1]:
        cutoff = day - dt.timedelta(days=2)
        start = cursor
        while cursor < len(dated) and dated[cursor][0] <= cutoff:
            cursor += 1
        if cursor > start:
            batches.append((day, [e for _, e in dated[start:cursor]]))
        day += dt.timedelta(days=1)

    payout_of: dict[int, JSON] = {}
    for position, (day, rows) in enumerate(batches):
        number = ids.number("ShopifyPaymentsPayout")
        status = "SCHEDULED" if position == len(batches) - 1 else "PAID"
        issued = local_ts(day, 9 * 3600 + rng.randint(0, 3600))
        net = sum((e.amount - e.fee for e in rows), ZERO)
        groups = {name: [ZERO, ZERO] for name in _SUMMARY_KEYS}
        for e in rows:
            bucket = groups[_GROUPS[e.type]]
            bucket[0] += e.amount
            bucket[1] += e.fee
        summary: JSON = {}
        for name, (gross_key, fee_key) in _SUMMARY_KEYS.items():
            summary[gross_key] = money_v2(groups[name][0])
            summary[fee_key] = money_v2(groups[name][1])
        payout: JSON = {
            "id": f"gid://shopify/ShopifyPaymentsPayout/{number}",
            "legacyResourceId": str(number),
            "issuedAt": utc_str(issued),
            "status": status,
            "net": money_v2(net),
            "transactionType": "DEPOSIT" if net >= 0 else "WITHDRAWAL",
            "externalTraceId": (
                None if status == "SCHEDULED" else f"{rng.randint(10**14, 10**15 - 1)}"
            ),
            "summary": summary,
        }
        out.payouts.append(payout)
        out.payout_dates[payout["id"]] = day
        for e in rows:
            payout_of[id(e)] = payout
        transfer = SpEvent(issued, "TRANSFER", -net, ZERO, "TRANSFER", str(number))
        events.append(transfer)
        payout_of[id(transfer)] = payout

    events.sort(key=lambda e: (e.ts, e.type == "TRANSFER"))
    for e in events:
        owner = payout_of.get(id(e))
        associated = (
            {"id": owner["id"], "status": owner["status"]}
            if owner
            else {"id": None, "status": "PENDING"}
        )
        txn_gid = ids.gid("ShopifyPaymentsBalanceTransaction")
        out.balance_transactions.append(
            {
                "id": txn_gid,
                "type": e.type,
                "test": e.test,
                "amount": money_v2(e.amount),
                "fee": money_v2(e.fee),
                "net": money_v2(e.amount - e.fee),
                "transactionDate": utc_str(e.ts),
                "sourceId": e.source_id,
                "sourceType": e.source_type,
                "sourceOrderTransactionId": e.order_txn_id,
                "associatedOrder": _order_ref(e.order),
                "associatedPayout": associated,
                "adjustmentReason": e.adjustment_reason,
                "adjustmentsOrders": [],
            }
        )
    return out


__all__ = ["Payments", "build_payments"]
