"""How orders are paid and refunded: OrderTransactions, Refunds and the Shopify Payments
balance movements they cause.

Every successful Shopify Payments charge or refund is also recorded as a balance event, so
payouts are built from exactly the money the orders say moved, and the two can be tied out.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from workbench.sandbox.dataset import JSON
from workbench.sandbox.generator_base import (
    FEE_FLAT,
    ZERO,
    Ids,
    gid_number,
    money_bag,
    money_v2,
    processing_fee,
    q2,
    utc_str,
)
from workbench.sandbox.generator_model import Charge, Ledger, LineCalc, ShipCalc, SpEvent

SP = "shopify_payments"
GATEWAY_LABELS = {
    SP: "Shopify Payments",
    "paypal": "PayPal Express Checkout",
    "gift_card": "Gift Card",
    "manual": "Manual",
}


@dataclass
class Paid:
    """What one order's tenders achieved: the wire transactions and the captured money."""

    transactions: list[JSON] = field(default_factory=list)
    received: Decimal = ZERO
    # gateway -> (successful SALE/CAPTURE transaction, amount still refundable)
    captured: dict[str, tuple[JSON, Decimal]] = field(default_factory=dict)
    voided_at: int | None = None


class Tender:
    def __init__(self, rng: random.Random, ids: Ids, ledger: Ledger, end_ts: int) -> None:
        self.rng = rng
        self.ids = ids
        self.ledger = ledger
        self.end_ts = end_ts

    def _txn(
        self,
        kind: str,
        status: str,
        gateway: str,
        amount: Decimal,
        ts: int,
        *,
        test: bool,
        payment_id: str,
        parent: JSON | None = None,
    ) -> JSON:
        fees: list[JSON] = []
        if gateway == SP and status == "SUCCESS" and kind in ("SALE", "CAPTURE"):
            fees.append(
                {
                    "id": self.ids.gid("TransactionFee"),
                    "amount": money_v2(processing_fee(amount)),
                    "flatFee": money_v2(FEE_FLAT),
                    "flatFeeName": "Transaction fee",
                    "rate": "0.029",
                    "rateName": "Online payment processing",
                    "taxAmount": money_v2(ZERO),
                    "type": "payment_processing",
                }
            )
        stamp = utc_str(ts)
        return {
            "id": self.ids.gid("OrderTransaction"),
            "kind": kind,
            "status": status,
            "gateway": gateway,
            "formattedGateway": GATEWAY_LABELS[gateway],
            "amountSet": money_bag(amount),
            "processedAt": stamp,
            "createdAt": stamp,
            "test": test,
            "parentTransaction": {"id": parent["id"]} if parent else None,
            "paymentId": payment_id,
            "errorCode": "CARD_DECLINED" if status == "FAILURE" else None,
            "fees": fees,
        }

    def _charge_event(self, txn: JSON, amount: Decimal, ts: int, order: JSON, test: bool) -> None:
        self.ledger.events.append(
            SpEvent(
                ts=ts,
                type="CHARGE",
                amount=amount,
                fee=processing_fee(amount),
                source_type="CHARGE",
                source_id=str(self.ids.number("ShopifyPaymentsCharge")),
                order_txn_id=gid_number(txn["id"]),
                order=order,
                test=test,
            )
        )
        if not test:
            self.ledger.charges.append(Charge(order, txn["id"], amount, ts))

    def pay(
        self,
        order: JSON,
        plan: list[tuple[str, Decimal]],
        ts: int,
        *,
        test: bool,
        mode: str = "sale",
        failed_first: bool = False,
    ) -> Paid:
        """Run the tenders of ``plan``; ``mode`` is "sale", "capture" (authorise, capture
        later), "auth" (not captured yet), "void" (authorised, then voided) or "pending"."""
        rng = self.rng
        paid = Paid()
        pay_id = f"c{order['legacyResourceId'][-7:]}{rng.randint(10000, 99999)}"
        moment = ts + rng.randint(2, 40)
        for number, (gateway, amount) in enumerate(plan, start=1):
            payment_id = f"{pay_id}.{number}"
            if failed_first and gateway == SP:
                paid.transactions.append(
                    self._txn(
                        "SALE" if mode in ("sale", "pending") else "AUTHORIZATION",
                        "FAILURE",
                        gateway,
                        amount,
                        moment,
                        test=test,
                        payment_id=f"{pay_id}.0",
                    )
                )
                moment += rng.randint(30, 300)
            if mode in ("auth", "capture", "void") and gateway == SP:
                auth = self._txn(
                    "AUTHORIZATION",
                    "SUCCESS",
                    gateway,
                    amount,
                    moment,
                    test=test,
                    payment_id=payment_id,
                )
                paid.transactions.append(auth)
                if mode == "void":
                    void_ts = min(moment + rng.randint(3600, 20 * 3600), self.end_ts)
                    paid.voided_at = void_ts
                    paid.transactions.append(
                        self._txn(
                            "VOID",
                            "SUCCESS",
                            gateway,
                            amount,
                            void_ts,
                            test=test,
                            payment_id=payment_id,
                            parent=auth,
                        )
                    )
                    continue
                if mode == "auth":
                    continue
                capture_ts = min(moment + rng.randint(2 * 3600, 30 * 3600), self.end_ts)
                txn = self._txn(
                    "CAPTURE",
                    "SUCCESS",
                    gateway,
                    amount,
                    capture_ts,
                    test=test,
                    payment_id=payment_id,
                    parent=auth,
                )
                event_ts = capture_ts
            elif mode == "pending":
                paid.transactions.append(
                    self._txn(
                        "SALE", "PENDING", gateway, amount, moment, test=test, payment_id=payment_id
                    )
                )
                continue
            else:
                txn = self._txn(
                    "SALE", "SUCCESS", gateway, amount, moment, test=test, payment_id=payment_id
                )
                event_ts = moment
            paid.transactions.append(txn)
            paid.received += amount
            paid.captured[gateway] = (txn, amount)
            if gateway == SP:
                self._charge_event(txn, amount, event_ts, order, test)
        return paid

    def refund(
        self,
        order: JSON,
        paid: Paid,
        ts: int,
        *,
        lines: list[tuple[LineCalc, int, str]],
        ships: list[ShipCalc],
        adjustments: list[tuple[str, Decimal, Decimal]],
        note: str | None,
    ) -> JSON:
        """One Refund: returned line quantities, shipping, and order adjustments.

        Adjustments follow Shopify's sign: a negative amount is money given back beyond the
        returned goods (a shipping refund or a goodwill discrepancy).
        """
        ids = self.ids
        refund_gid = ids.gid("Refund")
        total = ZERO
        rows: list[JSON] = []
        for line, qty, restock in lines:
            if qty == line.qty - line.removed_qty and line.removed_qty == 0:
                subtotal, tax = line.discounted, line.tax
            else:
                subtotal = q2(line.discounted * qty / line.qty)
                tax = sum((q2(part * qty / line.qty) for part in line.taxes), ZERO)
            line.removed_qty += qty
            total += subtotal + tax
            rows.append(
                {
                    "id": ids.gid("RefundLineItem"),
                    "lineItem": {"id": line.gid, "sku": line.sku, "name": _line_name(line)},
                    "quantity": qty,
                    "restockType": restock,
                    "priceSet": money_bag(line.unit),
                    "subtotalSet": money_bag(subtotal),
                    "totalTaxSet": money_bag(tax),
                }
            )
        ship_rows: list[JSON] = []
        for ship in ships:
            total += ship.discounted + ship.tax
            ship_rows.append(
                {
                    "shippingLine": {"id": ship.gid, "title": ship.title},
                    "subtotalAmountSet": money_bag(ship.discounted),
                    "taxAmountSet": money_bag(ship.tax),
                }
            )
        adj_rows: list[JSON] = []
        for reason, amount, tax in adjustments:
            total -= amount + tax
            adj_rows.append(
                {
                    "id": ids.gid("OrderAdjustment"),
                    "amountSet": money_bag(amount),
                    "taxAmountSet": money_bag(tax),
                    "reason": reason,
                }
            )
        transactions = self._refund_transactions(order, paid, total, ts, refund_gid)
        stamp = utc_str(ts)
        return {
            "id": refund_gid,
            "createdAt": stamp,
            "processedAt": stamp,
            "updatedAt": stamp,
            "note": note,
            "totalRefundedSet": money_bag(total),
            "refundLineItems": rows,
            "refundShippingLines": ship_rows,
            "orderAdjustments": adj_rows,
            "transactions": transactions,
        }

    def _refund_transactions(
        self, order: JSON, paid: Paid, total: Decimal, ts: int, refund_gid: str
    ) -> list[JSON]:
        """Money goes back to real tenders first and to the gift card last, as Shopify does."""
        out: list[JSON] = []
        remaining = total
        order_gateways = sorted(paid.captured, key=lambda g: g == "gift_card")
        for gateway in order_gateways:
            if remaining <= 0:
                break
            parent, refundable = paid.captured[gateway]
            amount = min(remaining, refundable)
            if amount <= 0:
                continue
            paid.captured[gateway] = (parent, refundable - amount)
            remaining -= amount
            txn = self._txn(
                "REFUND",
                "SUCCESS",
                gateway,
                amount,
                ts + 5,
                test=parent["test"],
                payment_id=parent["paymentId"],
                parent=parent,
            )
            out.append(txn)
            paid.transactions.append(txn)
            if gateway == SP:
                self.ledger.events.append(
                    SpEvent(
                        ts=ts + 5,
                        type="REFUND",
                        amount=-amount,
                        fee=ZERO,
                        source_type="REFUND",
                        source_id=gid_number(refund_gid),
                        order_txn_id=gid_number(txn["id"]),
                        order=order,
                        test=parent["test"],
                    )
                )
        if remaining != 0:
            raise ValueError(f"refund of {total} exceeds what {order['name']} received")
        return out


def _line_name(line: LineCalc) -> str:
    return f"{line.title} - {line.variant_title}" if line.variant_title else line.title
