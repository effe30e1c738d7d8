"""Print a finished order as the Shopify Admin GraphQL Order node.

All totals are summed here from the working records, once, in one place: "as placed" totals
from lines and shipping, "current" totals from those minus what the refunds took back, and the
money fields from the transactions, so each printed field agrees with the others to the cent.
"""

from __future__ import annotations

from decimal import Decimal

from workbench.sandbox.dataset import JSON
from workbench.sandbox.generator_base import CURRENCY, ZERO, money_bag, q2, utc_str
from workbench.sandbox.generator_model import LineCalc, OrderFacts, Region, ShipCalc
from workbench.sandbox.generator_tender import Paid


def _tax_lines(region: Region, taxes: list[Decimal]) -> list[JSON]:
    return [
        {
            "title": j.title,
            "rate": float(j.rate),
            "ratePercentage": float(j.rate * 100),
            "priceSet": money_bag(amount),
            "channelLiable": False,
        }
        for j, amount in zip(region.taxes, taxes, strict=True)
    ]


def _allocations(allocs: list[tuple[int, Decimal]]) -> list[JSON]:
    return [
        {"allocatedAmountSet": money_bag(amount), "discountApplication": {"index": index}}
        for index, amount in allocs
    ]


def _amount(bag: JSON) -> Decimal:
    return Decimal(bag["shopMoney"]["amount"])


class OrderPrinter:
    def fill(
        self,
        order: JSON,
        facts: OrderFacts,
        lines: list[LineCalc],
        ships: list[ShipCalc],
        apps: list[JSON],
        paid: Paid,
        refunds: list[JSON],
        end_ts: int,
    ) -> None:
        region, mode, ts, tip = facts.region, facts.mode, facts.ts, facts.tip
        cancelled_at = facts.cancelled_at
        voided = mode == "void"

        subtotal = sum((line.discounted for line in lines), ZERO)
        line_discounts = sum((line.discount for line in lines), ZERO)
        ship_gross = sum((s.price for s in ships), ZERO)
        ship_discounts = sum((s.discount for s in ships), ZERO)
        tax = sum((line.tax for line in lines), ZERO) + sum((s.tax for s in ships), ZERO)
        total = subtotal + ship_gross - ship_discounts + tax + tip

        refunded = sum((_amount(r["totalRefundedSet"]) for r in refunds), ZERO)
        back_subtotal = back_tax = back_ship = back_discount = ZERO
        for refund in refunds:
            for row in refund["refundLineItems"]:
                back_subtotal += _amount(row["subtotalSet"])
                back_tax += _amount(row["totalTaxSet"])
            for row in refund["refundShippingLines"]:
                back_ship += _amount(row["subtotalAmountSet"])
                back_tax += _amount(row["taxAmountSet"])
        for line in lines:
            if line.removed_qty:
                share = line.discount * line.removed_qty / line.qty
                back_discount += q2(share)

        received = paid.received
        if voided:
            status = "VOIDED"
        elif mode == "pending":
            status = "PENDING"
        elif mode == "auth":
            status = "AUTHORIZED"
        elif received < total:
            status = "PARTIALLY_PAID"
        elif refunded and refunded >= received:
            status = "REFUNDED"
        elif refunded:
            status = "PARTIALLY_REFUNDED"
        else:
            status = "PAID"
        outstanding = ZERO if voided else max(total - received, ZERO)

        if voided:
            current = (ZERO, ZERO, ZERO, ZERO, ZERO)
        else:
            current = (
                subtotal - back_subtotal,
                line_discounts + ship_discounts - back_discount,
                ship_gross - ship_discounts - back_ship,
                tax - back_tax,
                total - refunded,
            )

        shippable = any(line.requires_shipping for line in lines)
        if cancelled_at is not None or status in ("PENDING", "AUTHORIZED", "PARTIALLY_PAID"):
            fulfillment = "UNFULFILLED"
        elif facts.source == "pos" or not shippable:
            fulfillment = "FULFILLED"
        elif end_ts - ts < 2 * 86400:
            fulfillment = "UNFULFILLED"
        else:
            fulfillment = "FULFILLED"
        closed_at: str | None = None
        if cancelled_at is not None:
            closed_at = utc_str(cancelled_at)
        elif fulfillment == "FULFILLED" and status in ("PAID", "PARTIALLY_REFUNDED", "REFUNDED"):
            closing = ts + facts.closing_delay
            closed_at = utc_str(closing) if closing <= end_ts else None

        created = utc_str(ts)
        stamps = [created, *(t["processedAt"] for t in paid.transactions)]
        stamps += [r["createdAt"] for r in refunds]
        if closed_at:
            stamps.append(closed_at)
        gateways = list(dict.fromkeys(t["gateway"] for t in paid.transactions))
        order_taxes = [ZERO] * len(region.taxes)
        taxed = False
        for taxes in [line.taxes for line in lines] + [ship.taxes for ship in ships]:
            if taxes:
                taxed = True
                order_taxes = [a + b for a, b in zip(order_taxes, taxes, strict=True)]

        order.update(
            number=facts.number,
            createdAt=created,
            processedAt=created,
            updatedAt=max(stamps),
            cancelledAt=utc_str(cancelled_at) if cancelled_at is not None else None,
            cancelReason=facts.cancel_reason if cancelled_at is not None else None,
            closedAt=closed_at,
            currencyCode=CURRENCY,
            presentmentCurrencyCode=CURRENCY,
            test=facts.test,
            taxesIncluded=False,
            taxExempt=facts.tax_exempt,
            edited=facts.edited,
            sourceName=facts.source,
            tags=facts.tags,
            email=facts.email,
            note=facts.note,
            customer=dict(facts.customer) if facts.customer else None,
            displayFinancialStatus=status,
            displayFulfillmentStatus=fulfillment,
            subtotalPriceSet=money_bag(subtotal),
            totalDiscountsSet=money_bag(line_discounts + ship_discounts),
            totalShippingPriceSet=money_bag(ship_gross),
            totalTaxSet=money_bag(tax),
            totalPriceSet=money_bag(total),
            totalTipReceivedSet=money_bag(tip),
            currentSubtotalPriceSet=money_bag(current[0]),
            currentTotalDiscountsSet=money_bag(current[1]),
            currentShippingPriceSet=money_bag(current[2]),
            currentTotalTaxSet=money_bag(current[3]),
            currentTotalPriceSet=money_bag(current[4]),
            totalReceivedSet=money_bag(received),
            totalRefundedSet=money_bag(refunded),
            totalRefundedShippingSet=money_bag(back_ship),
            netPaymentSet=money_bag(received - refunded),
            totalOutstandingSet=money_bag(outstanding),
            paymentGatewayNames=gateways,
            discountCodes=[a["code"] for a in apps if "code" in a],
            taxLines=_tax_lines(region, order_taxes) if taxed else [],
            lineItems=[self._line(line, region, voided) for line in lines],
            shippingLines=[self._ship(ship, region) for ship in ships],
            discountApplications=apps,
            refunds=refunds,
            transactions=paid.transactions,
        )

    def _line(self, line: LineCalc, region: Region, voided: bool) -> JSON:
        variant = line.variant
        discounted = line.discounted
        return {
            "id": line.gid,
            "name": f"{line.title} - {line.variant_title}" if line.variant_title else line.title,
            "title": line.title,
            "variantTitle": line.variant_title,
            "sku": line.sku,
            "vendor": line.vendor or None,
            "quantity": line.qty,
            "currentQuantity": 0 if voided else line.qty - line.removed_qty,
            "isGiftCard": line.gift_card,
            "taxable": line.taxable,
            "requiresShipping": line.requires_shipping,
            "originalUnitPriceSet": money_bag(line.unit),
            "originalTotalSet": money_bag(line.total),
            "discountedTotalSet": money_bag(discounted),
            "discountedUnitPriceSet": money_bag(q2(discounted / line.qty)),
            "totalDiscountSet": money_bag(line.discount),
            "discountAllocations": _allocations(line.allocs),
            "taxLines": _tax_lines(region, line.taxes) if line.taxes else [],
            "product": (
                {"id": line.product[0], "title": line.product[1]} if line.product else None
            ),
            "variant": (
                {"id": variant.gid, "title": variant.title or "Default Title", "sku": variant.sku}
                if variant
                else None
            ),
        }

    def _ship(self, ship: ShipCalc, region: Region) -> JSON:
        return {
            "id": ship.gid,
            "title": ship.title,
            "code": ship.code,
            "source": ship.source,
            "originalPriceSet": money_bag(ship.price),
            "discountedPriceSet": money_bag(ship.discounted),
            "taxLines": _tax_lines(region, ship.taxes) if ship.taxes else [],
            "discountAllocations": _allocations(ship.allocs),
            "isRemoved": False,
        }


__all__ = ["OrderPrinter"]
