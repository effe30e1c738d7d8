"""Refund → RefundReceipt, paid from the clearing account of the gateway that refunded.

A refund only moved money if one of its transactions succeeded; a refund without one is shown
with a flag rather than posted. The part refunded onto a gift card goes back to the gift-card
liability (a negative gift-card line), so the receipt's total is what the real gateway paid out.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from workbench.domain.money import CENT
from workbench.domain.posting.context import (
    GIFT_CARD_GATEWAY,
    ItemRole,
    PostingContext,
)
from workbench.domain.posting.docnumber import doc_number
from workbench.domain.posting.lines import LineBook, deposit_to
from workbench.domain.posting.orders import customer_ref, line_tax_code
from workbench.domain.proposal_model import Flag, FlagCode, Proposal, TieOut
from workbench.domain.proposals import SourceType, proposal_key
from workbench.domain.records import Order, Refund

ZERO = Decimal(0)


def _unit(subtotal: Decimal, quantity: int) -> tuple[Decimal, Decimal]:
    """Qty and unit price whose product is exactly the subtotal (QBO checks it)."""
    if quantity > 0:
        unit = subtotal / quantity
        if unit == unit.quantize(CENT):
            return Decimal(quantity), unit
    return Decimal(1), subtotal


def propose_refund(refund: Refund, order: Order, ctx: PostingContext) -> Proposal | None:
    if order.test:
        return None
    book = LineBook()
    non_taxable = line_tax_code(ctx, False, (), book)
    lines_by_id = {li.id: li for li in order.line_items}
    goods = ZERO
    for i, rl in enumerate(refund.lines):
        original = lines_by_id.get(rl.line_item_id)
        if original is not None and original.is_gift_card:
            item, missing = ctx.item(ItemRole.GIFT_CARD), "no gift card item mapped"
        elif original is not None:
            item = ctx.products.get(original.product_key)
            missing = f"no QBO item for {original.sku or original.title}"
        else:
            item, missing = None, f"refunded line {rl.line_item_id} is not on the order"
        title = original.title if original else "Refunded item"
        quantity, unit = _unit(rl.subtotal, rl.quantity)
        # The code the sale used: the original line's rates (the refund carries amounts only).
        rates = original.tax_lines if original is not None else ()
        goods += book.sales_item(
            f"Returned: {title}", item, quantity, unit, f"refundLineItems[{i}].subtotalSet",
            tax_code=line_tax_code(ctx, bool(rl.tax), rates if rl.tax else (), book),
            missing=missing,
        )  # fmt: skip
    if refund.shipping:
        goods += book.sales_item(
            "Shipping refunded", ctx.item(ItemRole.SHIPPING), Decimal(1), refund.shipping,
            "refundShippingLines.subtotalAmountSet",
            tax_code=line_tax_code(
                ctx, bool(refund.shipping_tax),
                tuple(t for s in order.shipping_lines for t in s.tax_lines), book,
            ),
            missing="no shipping item mapped",
        )  # fmt: skip
    if refund.adjustments:
        # Shopify writes a refund beyond the goods as a negative adjustment.
        goods += book.sales_item(
            "Refund adjustment", ctx.item(ItemRole.REFUND_ADJUSTMENT), Decimal(1),
            -refund.adjustments, "orderAdjustments.amountSet", tax_code=non_taxable,
            missing="no refund adjustment item mapped",
        )  # fmt: skip
    tax = sum((rl.tax for rl in refund.lines), ZERO) + refund.shipping_tax

    paid_out: dict[str, Decimal] = defaultdict(Decimal)
    for t in refund.transactions:
        if t.moved_money and t.kind == "REFUND" and not t.test:
            paid_out[t.gateway] += t.amount
    flags = list(book.flags)
    if not paid_out:
        flags.append(
            Flag(FlagCode.TIEOUT_FAILED, "no successful refund transaction: no money moved yet")
        )
    gift_card = paid_out.pop(GIFT_CARD_GATEWAY, ZERO)
    if gift_card:
        book.sales_item(
            "Refunded to gift card", ctx.item(ItemRole.GIFT_CARD), Decimal(1), -gift_card,
            "transactions[gateway=gift_card].amountSet", tax_code=non_taxable,
            missing="no gift card item mapped",
        )  # fmt: skip
        flags.extend(f for f in book.flags if f not in flags)
    entry_total = goods + tax - gift_card
    real = sum(paid_out.values(), ZERO)
    tieouts = (
        TieOut("refund total = lines + tax", refund.total, goods + tax),
        TieOut("refunded by gateways = entry total", real, entry_total),
    )
    for tie in tieouts:
        if not tie.ok:
            flags.append(
                Flag(FlagCode.TIEOUT_FAILED, f"{tie.name}: Shopify {tie.expected} vs {tie.actual}")
            )
    if len(paid_out) > 1:
        flags.append(
            Flag(FlagCode.TIEOUT_FAILED, "refunded through several gateways: split it by hand")
        )

    key = proposal_key(SourceType.REFUND, refund.id)
    # An order may be refunded more than once; each RefundReceipt needs its own number.
    ordinal = next((i for i, r in enumerate(order.refunds) if r.id == refund.id), 0)
    suffix = "-R" if ordinal == 0 else f"-R{ordinal + 1}"
    number = doc_number(
        ctx.settings.doc_number_template, name=order.name, number=order.number, suffix=suffix,
        taken=ctx.taken_doc_numbers.get("RefundReceipt", frozenset()),
    )  # fmt: skip
    body: dict[str, Any] = {
        "TxnDate": refund.local_date.isoformat(),
        "DocNumber": number,
        "PrivateNote": f"Shopify refund on {order.name} · {key}",
        "Line": book.json_lines,
    }
    customer = customer_ref(order, ctx)
    if customer is not None:
        body["CustomerRef"] = customer.json()
    if ctx.company.us_tax:
        body["TxnTaxDetail"] = {"TotalTax": tax}
    else:
        body["GlobalTaxCalculation"] = "TaxInclusive" if order.taxes_included else "TaxExcluded"
    gateway = next(iter(sorted(paid_out)), None)
    if gateway is not None:
        deposit_to(body, ctx, gateway, flags)
    if ctx.company.multicurrency:
        body["CurrencyRef"] = {"value": order.currency}
    return Proposal(
        key=key, source_type=SourceType.REFUND, source_id=refund.id,
        entity_type="RefundReceipt", txn_date=refund.local_date, currency=order.currency,
        total=entry_total, body={"RefundReceipt": body}, lines=tuple(book.lines),
        tieouts=tieouts, flags=tuple(dict.fromkeys(flags)), doc_number=number,
    )  # fmt: skip
