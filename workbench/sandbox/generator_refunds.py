"""Refunds, returns and order edits: which orders get one, when, and for what.

Kept apart from order composition because the choice depends on how the order was paid
(only fully paid, untipped, non-gift-card orders are refunded here) and because every refund
must stay inside what the order's tenders actually received.
"""

from __future__ import annotations

import random
from decimal import Decimal

from workbench.sandbox.dataset import JSON
from workbench.sandbox.generator_base import ZERO, q2
from workbench.sandbox.generator_model import LineCalc, ShipCalc
from workbench.sandbox.generator_tender import Paid, Tender

REFUND_KINDS = {
    "refund_full",
    "refund_partial",
    "refund_shipping",
    "refund_later_payout",
    "edited",
    "cancelled_refunded",
    "goodwill",
    "refund_first_shipping",
}
_HOUR, _DAY = 3600, 86400
# How long after the sale each kind of refund happens: (earliest, latest) in seconds.
_DELAYS = {
    "refund_full": (2 * _DAY, 12 * _DAY),
    "refund_partial": (2 * _DAY, 12 * _DAY),
    "refund_shipping": (_DAY, 5 * _DAY),
    "refund_first_shipping": (_DAY, 5 * _DAY),
    "goodwill": (3 * _DAY, 9 * _DAY),
    "edited": (_HOUR // 2, 20 * _HOUR),
    "cancelled_refunded": (_HOUR, 6 * _HOUR),
    "refund_later_payout": (5 * _DAY, 7 * _DAY),
}


class Refunder:
    def __init__(self, rng: random.Random, tender: Tender, end_ts: int) -> None:
        self.rng = rng
        self.tender = tender
        self.end_ts = end_ts

    def kind(
        self,
        special: str | None,
        source: str,
        lines: list[LineCalc],
        ships: list[ShipCalc],
        tip: Decimal,
        mode: str,
        paid: Paid,
        total: Decimal,
        test: bool,
    ) -> str | None:
        if test or mode not in ("sale", "capture") or paid.received != total or tip or total <= 0:
            return None
        if any(line.gift_card for line in lines):
            return None
        if special in REFUND_KINDS:
            return special
        if special is not None:
            return None
        r = self.rng.random()
        paid_ship = any(s.discounted > 0 for s in ships)
        if r < 0.025:
            return "refund_full"
        if r < 0.06:
            return "refund_partial"
        if r < 0.07 and paid_ship:
            return "refund_shipping"
        if r < 0.075:
            return "goodwill"
        if r < 0.082 and source != "pos":
            return "edited"
        return None

    def make(
        self,
        kind: str,
        order: JSON,
        paid: Paid,
        ts: int,
        lines: list[LineCalc],
        ships: list[ShipCalc],
        total: Decimal,
    ) -> tuple[JSON | None, int | None, bool]:
        """The refund for ``kind``, the cancellation time if it cancels the order, and whether
        it is an order edit; (None, None, False) when it would fall after the data set ends."""
        rng = self.rng
        low, high = _DELAYS[kind]
        when = ts + rng.randint(low, high)
        if when > self.end_ts - 60:
            return None, None, False
        goods = [line for line in lines if not line.gift_card and line.discounted > 0]
        paid_ships = [s for s in ships if s.discounted > 0]
        chosen: list[tuple[LineCalc, int, str]] = []
        refund_ships: list[ShipCalc] = []
        adjustments: list[tuple[str, Decimal, Decimal]] = []
        note = None
        if kind in ("refund_full", "refund_later_payout", "cancelled_refunded"):
            restock = "CANCEL" if kind == "cancelled_refunded" else "RETURN"
            chosen = [(line, line.qty, restock) for line in goods]
            refund_ships = paid_ships
            note = "Order cancelled: out of stock" if restock == "CANCEL" else None
        elif kind == "refund_partial" and goods:
            line = rng.choice(goods)
            qty = rng.randint(1, line.qty)
            chosen = [(line, qty, rng.choice(("RETURN", "RETURN", "NO_RESTOCK")))]
            note = rng.choice(("Wrong size", "Arrived damaged", None))
        elif kind == "edited":
            multi = [line for line in goods if line.qty >= 2]
            if multi:
                chosen = [(multi[0], 1, "CANCEL")]
            elif len(goods) >= 2:
                chosen = [(goods[-1], goods[-1].qty, "CANCEL")]
            else:
                return None, None, False
        elif kind == "refund_shipping":
            refund_ships = paid_ships
            note = "Shipping refunded: late delivery"
        elif kind == "refund_first_shipping" and paid_ships:
            # Shipping refunds are refund shipping lines; Shopify's order adjustments carry
            # only discrepancy reasons (OrderAdjustmentDiscrepancyReason has no shipping kind).
            refund_ships = paid_ships[:1]
        elif kind == "goodwill":
            amount = min(Decimal(rng.choice(("5.00", "10.00"))), q2(total / 4))
            if amount > 0:
                adjustments = [("REFUND_DISCREPANCY", -amount, ZERO)]
            note = "Goodwill credit"
        if not (chosen or refund_ships or adjustments):
            return None, None, False
        refund = self.tender.refund(
            order, paid, when, lines=chosen, ships=refund_ships, adjustments=adjustments, note=note
        )
        return refund, (when if kind == "cancelled_refunded" else None), kind == "edited"
