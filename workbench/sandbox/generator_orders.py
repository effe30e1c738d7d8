"""Shopify orders: lines, discounts, shipping, per-line sales tax, tips, tenders and refunds.

Amounts are built bottom-up (line → allocation → tax per line and jurisdiction) and every
order total is summed from those parts, so the totals tie out to the cent the way Shopify's
do and a downstream tie-out failure always means a bug downstream, not noise here.
"""

from __future__ import annotations

import random
from decimal import Decimal
from itertools import accumulate

from workbench.sandbox.catalog import Catalog, Variant
from workbench.sandbox.dataset import JSON
from workbench.sandbox.generator_base import ZERO, Ids, gid_number, money_bag, q2
from workbench.sandbox.generator_model import Ledger, LineCalc, OrderFacts, Region, ShipCalc
from workbench.sandbox.generator_people import HOME, REGIONS, guest_email
from workbench.sandbox.generator_print import OrderPrinter
from workbench.sandbox.generator_refunds import REFUND_KINDS, Refunder
from workbench.sandbox.generator_tender import SP, Tender

# Cases that must exist in every data set of a useful size, each forced onto one order.
FORCED = (
    "split_gc_sp", "split_sp_paypal", "gift_card_sold", "gift_card_only", "gc_redeemed_full",
    "pos_tip", "test", "refund_full", "refund_partial", "refund_shipping", "refund_later_payout",
    "edited", "cancelled_unpaid", "cancelled_refunded", "failed_then_paid", "pending",
    "partially_paid", "goodwill", "refund_first_shipping", "auth_capture", "tax_exempt",
    "custom_line", "split_gc_sp", "refund_partial", "refund_full",
)  # fmt: skip
_WEB = {
    "split_gc_sp", "split_sp_paypal", "gift_card_sold", "gift_card_only", "gc_redeemed_full",
    "cancelled_unpaid", "cancelled_refunded", "authorized", "auth_capture", "refund_shipping",
    "refund_first_shipping", "edited", "refund_later_payout", "failed_then_paid",
}  # fmt: skip
_SHIPPING = (
    ("Standard Shipping", "STANDARD", "shopify", "5.99", 45.0),
    ("Economy", "ECONOMY", "shopify", "4.50", 20.0),
    ("USPS Priority Mail", "Priority Mail", "usps", "9.65", 20.0),
    ("Express", "EXPRESS", "shopify", "14.95", 15.0),
)
_PCT_CODES = (("WELCOME10", 10), ("SPRING15", 15), ("VIP20", 20))
_FIXED_CODES = (("SAVE5", "5.00"), ("TAKE10", "10.00"))
_NOTES = ("Please gift wrap 🎁", "Leave at the side door", "Call on arrival — buzzer broken")
_TAGS = ("vip", "repeat-customer", "instagram", "gift", "newsletter")


def schedule(orders: int) -> dict[int, str]:
    """Which order index carries which forced case: spread over the first half of the range
    so that refunds and disputes still fall inside it; "authorized" goes on the last day."""
    out: dict[int, str] = {}
    span = max(1, orders // 2)
    for k, kind in enumerate(FORCED):
        index = 3 + (k * span) // len(FORCED)
        while index in out and index < orders:
            index += 1
        if index < orders:
            out[index] = kind
    if orders >= 8 and orders - 2 not in out:
        out[orders - 2] = "authorized"
    return out


class OrderFactory:
    def __init__(
        self,
        rng: random.Random,
        ids: Ids,
        catalog: Catalog,
        customers: list[JSON],
        ledger: Ledger,
        end_ts: int,
    ) -> None:
        self.rng = rng
        self.ids = ids
        self.catalog = catalog
        self.customers = customers
        self.end_ts = end_ts
        self.tender = Tender(rng, ids, ledger, end_ts)
        self.refunder = Refunder(rng, self.tender, end_ts)
        self.printer = OrderPrinter()
        self._cum = list(accumulate(catalog.weights))
        self._region_cum = list(accumulate(w for _, w in REGIONS))

    def build(self, index: int, ts: int, special: str | None) -> JSON:
        rng = self.rng
        number = 1001 + index
        order_gid = self.ids.gid("Order")
        order: JSON = {"id": order_gid, "legacyResourceId": gid_number(order_gid)}
        order["name"] = f"#{number}"
        test = special == "test" or (special is None and rng.random() < 0.008)
        source = self._source(special)
        customer = self._customer(index, source)
        region = HOME if source == "pos" else self._region()
        tax_exempt = special == "tax_exempt" or (customer is not None and rng.random() < 0.004)
        lines = self._lines(special, source)
        apps = self._discounts(lines, source, special)
        ships = self._shipping(lines, source, special, apps)
        self._tax(region, lines, ships, tax_exempt)
        subtotal = sum((line.discounted for line in lines), ZERO)
        tip = self._tip(subtotal, source, special)
        ship_net = sum((s.discounted for s in ships), ZERO)
        tax = sum((line.tax for line in lines), ZERO) + sum((s.tax for s in ships), ZERO)
        total = subtotal + ship_net + tax + tip
        sells_card = any(line.gift_card for line in lines)
        plan, mode, failed_first = self._plan(special, source, total, test, sells_card)
        paid = self.tender.pay(order, plan, ts, test=test, mode=mode, failed_first=failed_first)
        refunds: list[JSON] = []
        cancelled_at: int | None = None
        edited = False
        kind = self.refunder.kind(special, source, lines, ships, tip, mode, paid, total, test)
        if kind is not None:
            refund, cancelled_at, edited = self.refunder.make(
                kind, order, paid, ts, lines, ships, total
            )
            if refund is not None:
                refunds.append(refund)
        if mode == "void":
            cancelled_at = paid.voided_at
        email = customer["email"] if customer else None
        if customer is None and source != "pos":
            email = guest_email(rng)
        facts = OrderFacts(
            number=number,
            ts=ts,
            test=test,
            source=source,
            customer=customer,
            email=email,
            region=region,
            tax_exempt=tax_exempt,
            tip=tip,
            mode=mode,
            cancelled_at=cancelled_at,
            cancel_reason="CUSTOMER" if mode == "void" else "INVENTORY",
            edited=edited,
            tags=self._tags(test, tax_exempt, source),
            note=rng.choice(_NOTES) if rng.random() < 0.05 else None,
            closing_delay=rng.randint(3600, 3 * 86400),
        )
        self.printer.fill(order, facts, lines, ships, apps, paid, refunds, self.end_ts)
        return order

    # -- composition -------------------------------------------------------------------

    def _source(self, special: str | None) -> str:
        if special == "pos_tip":
            return "pos"
        if special in ("pending", "partially_paid", "custom_line"):
            return "shopify_draft_order"
        if special in _WEB:
            return "web"
        r = self.rng.random()
        return "pos" if r < 0.15 else "shopify_draft_order" if r < 0.2 else "web"

    def _customer(self, index: int, source: str) -> JSON | None:
        rng = self.rng
        if index < 3:
            return self.customers[index]
        if rng.random() < (0.4 if source == "pos" else 0.12):
            return None
        return rng.choice(self.customers)

    def _region(self) -> Region:
        return self.rng.choices(REGIONS, cum_weights=self._region_cum)[0][0]

    def _line(self, variant: Variant | None, qty: int, **custom: object) -> LineCalc:
        if variant is None:
            return LineCalc(
                gid=self.ids.gid("LineItem"),
                title=str(custom["title"]),
                variant_title=None,
                sku=None,
                vendor="",
                qty=qty,
                unit=Decimal(str(custom["price"])),
                taxable=True,
                requires_shipping=False,
                gift_card=False,
                variant=None,
                product=None,
            )
        return LineCalc(
            gid=self.ids.gid("LineItem"),
            title=variant.product_title,
            variant_title=variant.title,
            sku=variant.sku,
            vendor=variant.vendor,
            qty=qty,
            unit=variant.price,
            taxable=variant.taxable,
            requires_shipping=variant.requires_shipping,
            gift_card=variant.gift_card,
            variant=variant,
            product=(variant.product_gid, variant.product_title),
        )

    def _lines(self, special: str | None, source: str) -> list[LineCalc]:
        rng = self.rng
        catalog = self.catalog
        lines: list[LineCalc] = []
        if special != "gift_card_only":
            count = rng.choices((1, 2, 3, 4), cum_weights=(50, 80, 93, 100))[0]
            picked = rng.choices(catalog.sellable, cum_weights=self._cum, k=count)
            seen: set[str] = set()
            for variant in picked:
                if variant.gid not in seen:
                    seen.add(variant.gid)
                    qty = rng.choices((1, 2, 3), cum_weights=(75, 93, 100))[0]
                    lines.append(self._line(variant, qty))
            if special == "edited":
                lines[0].qty = max(lines[0].qty, 2)
        if special == "custom_line" or (source == "shopify_draft_order" and rng.random() < 0.2):
            lines.append(self._line(None, 1, title="Custom engraving", price="15.00"))
        gift = special in ("gift_card_sold", "gift_card_only")
        if gift or (source == "web" and special is None and rng.random() < 0.03):
            lines.append(self._line(rng.choice(catalog.gift_cards), 1))
        if source != "pos" and catalog.wrap is not None and rng.random() < 0.04:
            lines.append(self._line(catalog.wrap, 1))
        if lines[0].variant is not None and not lines[0].gift_card and rng.random() < 0.01:
            lines[0].variant = None  # the product was deleted after the sale
            lines[0].product = None
        return lines

    def _discounts(self, lines: list[LineCalc], source: str, special: str | None) -> list[JSON]:
        rng = self.rng
        eligible = [line for line in lines if not line.gift_card]
        apps: list[JSON] = []
        if not eligible or special in ("refund_shipping", "refund_first_shipping"):
            return apps
        r = rng.random()
        if source != "web":
            if r < 0.12:
                amount = min(Decimal(rng.choice(("5.00", "10.00"))), q2(eligible[0].total / 2))
                eligible[0].allocs.append((0, amount))
                apps.append(
                    _app(
                        "ManualDiscountApplication",
                        0,
                        "EXPLICIT",
                        "LINE_ITEM",
                        amount=amount,
                        title=rng.choice(("Staff discount", "Loyalty")),
                    )
                )
            return apps
        if r < 0.10:
            code, pct = rng.choice(_PCT_CODES)
            for line in eligible:
                line.allocs.append((0, q2(line.discounted * pct / 100)))
            apps.append(_app("DiscountCodeApplication", 0, "ALL", "LINE_ITEM", pct=pct, code=code))
        elif r < 0.16:
            code, text = rng.choice(_FIXED_CODES)
            amount = _spread(eligible, Decimal(text), 0)
            apps.append(
                _app("DiscountCodeApplication", 0, "ALL", "LINE_ITEM", amount=amount, code=code)
            )
        elif r < 0.23:
            entitled = [line for line in eligible if line.vendor == "Fernwood Apparel"]
            if entitled:
                for line in entitled:
                    line.allocs.append((0, q2(line.discounted * 15 / 100)))
                apps.append(
                    _app(
                        "AutomaticDiscountApplication",
                        0,
                        "ENTITLED",
                        "LINE_ITEM",
                        pct=15,
                        title="Apparel Week 15% off",
                    )
                )
        if 0.26 <= r < 0.31 or 0.20 <= r < 0.23:
            apps.append(
                _app(
                    "DiscountCodeApplication",
                    len(apps),
                    "ALL",
                    "SHIPPING_LINE",
                    pct=100,
                    code="FREESHIP",
                    each=True,
                )
            )
        return apps

    def _shipping(
        self, lines: list[LineCalc], source: str, special: str | None, apps: list[JSON]
    ) -> list[ShipCalc]:
        rng = self.rng
        ships: list[ShipCalc] = []
        if source == "pos" or not any(line.requires_shipping for line in lines):
            apps[:] = [a for a in apps if a["targetType"] != "SHIPPING_LINE"]
            return ships
        merch = sum((line.discounted for line in lines if line.requires_shipping), ZERO)
        must_pay = special in ("refund_shipping", "refund_first_shipping")
        if source == "shopify_draft_order":
            title, code, origin, price = "Custom shipping", "custom", "shopify", "10.00"
        elif merch >= 75 and not must_pay and rng.random() < 0.5:
            title, code, origin, price = "Free Shipping", "FREE", "shopify", "0.00"
        else:
            weights = [w for *_, w in _SHIPPING]
            title, code, origin, price, _ = rng.choices(_SHIPPING, weights=weights)[0]
        ship = ShipCalc(self.ids.gid("ShippingLine"), title, code, origin, Decimal(price))
        free = [a for a in apps if a["targetType"] == "SHIPPING_LINE"]
        if free and ship.price > 0:
            ship.allocs.append((free[0]["index"], ship.price))
        elif free:
            apps.remove(free[0])
        ships.append(ship)
        return ships

    def _tax(
        self, region: Region, lines: list[LineCalc], ships: list[ShipCalc], exempt: bool
    ) -> None:
        """Per line and per jurisdiction, each rounded half-up: Shopify's own method."""
        if exempt or not region.taxes:
            return
        rates = [j.rate for j in region.taxes]
        for line in lines:
            if line.taxable and not line.gift_card:
                line.taxes = [q2(line.discounted * rate) for rate in rates]
        if region.ship_taxed:
            for ship in ships:
                ship.taxes = [q2(ship.discounted * rate) for rate in rates]

    def _tip(self, subtotal: Decimal, source: str, special: str | None) -> Decimal:
        rng = self.rng
        if source != "pos" or (special != "pos_tip" and rng.random() >= 0.35):
            return ZERO
        if rng.random() < 0.3:
            return Decimal(rng.choice(("2.00", "5.00")))
        return max(q2(subtotal * Decimal(rng.choice(("0.10", "0.15", "0.18", "0.20")))), ZERO)

    def _plan(
        self, special: str | None, source: str, total: Decimal, test: bool, sells_card: bool
    ) -> tuple[list[tuple[str, Decimal]], str, bool]:
        """The tenders for ``total``, the capture mode, and whether a card is declined first.
        A gift card is never bought with a gift card, as Shopify forbids it."""
        rng = self.rng
        failed = special == "failed_then_paid" or rng.random() < 0.01
        if total <= 0:
            return [], "sale", False  # a free order: Shopify records no transaction at all
        if special == "cancelled_unpaid":
            return [(SP, total)], "void", False
        if special == "authorized":
            return [(SP, total)], "auth", False
        draft = source == "shopify_draft_order"
        if special == "pending" or (draft and special is None and rng.random() < 0.04):
            return [("manual", total)], "pending", False
        if special == "partially_paid" or (draft and special is None and rng.random() < 0.03):
            return [("manual", q2(total / 2))], "sale", False
        if test or special in REFUND_KINDS:
            return [(SP, total)], "sale", failed
        r = rng.random() if source == "web" and special is None and not sells_card else 1.0
        plan: list[tuple[str, Decimal]]
        if special == "gc_redeemed_full" or r < 0.01:
            plan = [("gift_card", total)]
        elif (special == "split_gc_sp" or r < 0.035) and total > 15:
            card = min(Decimal(rng.choice(("10.00", "25.00", "50.00"))), total - 5)
            plan = [("gift_card", card), (SP, total - card)]
        elif special == "split_sp_paypal" and total > 2:
            other = q2(total * Decimal(rng.randint(30, 70)) / 100)
            plan = [(SP, total - other), ("paypal", other)]
        elif source == "web":
            plan = [(SP, total)] if rng.random() < 0.8 else [("paypal", total)]
        elif source == "pos":
            plan = [(SP, total)] if rng.random() < 0.75 else [("manual", total)]
        else:
            plan = [("manual", total)] if rng.random() < 0.5 else [(SP, total)]
        capture = special == "auth_capture" or (source == "web" and rng.random() < 0.1)
        return plan, "capture" if capture else "sale", failed

    def _tags(self, test: bool, tax_exempt: bool, source: str) -> list[str]:
        rng = self.rng
        tags = [t for t in _TAGS if rng.random() < 0.04]
        if tax_exempt:
            tags += ["tax-exempt", "wholesale"]
        if test:
            tags.append("test")
        if source == "pos":
            tags.append("in-store")
        return sorted(set(tags))


def _app(
    typename: str, index: int, selection: str, target: str, *, pct: int | None = None,
    amount: Decimal | None = None, code: str | None = None, title: str | None = None,
    each: bool = False,
) -> JSON:  # fmt: skip
    value: JSON
    if pct is not None:
        value = {"__typename": "PricingPercentageValue", "percentage": float(pct)}
    else:
        assert amount is not None
        value = {"__typename": "MoneyV2", **_money(amount)}
    app: JSON = {"__typename": typename, "index": index}
    if code is not None:
        app["code"] = code
    else:
        app["title"] = title
    app.update(
        allocationMethod="EACH" if each else "ACROSS",
        targetSelection=selection,
        targetType=target,
        value=value,
    )
    return app


def _money(amount: Decimal) -> JSON:
    return dict(money_bag(amount)["shopMoney"])


def _spread(lines: list[LineCalc], amount: Decimal, index: int) -> Decimal:
    """Split a fixed discount across lines in proportion; the last line takes the remainder
    so the allocations add up to the code's value exactly."""
    base = sum((line.discounted for line in lines), ZERO)
    amount = min(amount, base)
    left = amount
    for position, line in enumerate(lines):
        share = left if position == len(lines) - 1 else q2(amount * line.discounted / base)
        share = min(share, line.discounted, left)
        line.allocs.append((index, share))
        left -= share
    return amount - left


__all__ = ["FORCED", "OrderFactory", "schedule"]
