"""Paid order → SalesReceipt, or Invoice + one Payment per gateway.

The receipt lists what was sold at its original price, then discounts, shipping, tips and tax,
so that every line can be compared with Shopify's own. Gift cards sold are a liability (the gift
card item posts to the liability account); a gift card redeemed reduces that liability through a
negative gift-card line, so the receipt's total is exactly what the real gateways received and
lands in their clearing account.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from workbench.domain.posting.context import (
    CUSTOMER_PLACEHOLDER,
    GIFT_CARD_GATEWAY,
    CustomerMode,
    ItemRole,
    PostingContext,
    Ref,
    Role,
    Workflow,
    display_name,
)
from workbench.domain.posting.docnumber import doc_number
from workbench.domain.posting.lines import LineBook, deposit_to
from workbench.domain.proposal_model import Flag, FlagCode, Proposal, TieOut
from workbench.domain.proposals import SourceType, proposal_key
from workbench.domain.records import LineItem, Order, TaxLine

ZERO = Decimal(0)


def received_by_gateway(order: Order) -> dict[str, Decimal]:
    """Money that actually moved at sale time, per gateway (successful sales and captures)."""
    received: dict[str, Decimal] = defaultdict(Decimal)
    for t in order.transactions:
        if t.moved_money and t.kind in {"SALE", "CAPTURE"} and not t.test:
            received[t.gateway] += t.amount
    return {gateway: amount for gateway, amount in received.items() if amount}


def line_tax_code(
    ctx: PostingContext, taxable: bool, tax_lines: tuple[TaxLine, ...], book: LineBook
) -> Ref | None:
    charged = [t.rate for t in tax_lines if t.amount] if taxable else []
    code = ctx.tax_code(charged, taxable=taxable)
    if code is None:
        percent = sum(charged, ZERO) * 100
        book.missing(f"no QuickBooks tax code at {percent.normalize():f}%")
    return code


def _describe(line: LineItem) -> str:
    return f"{line.title} - {line.variant_title}" if line.variant_title else line.title


def customer_ref(order: Order, ctx: PostingContext) -> Ref | None:
    """The customer of an order's entries, or None when none is chosen (the caller flags it).

    Per order: the QBO customer with the buyer's DisplayName when the cache has one, else a
    placeholder ref carrying that name for the commit engine to find or create — a buyer new
    to QuickBooks is normal, not something for the bookkeeper to fix. Guests get the generic
    customer.
    """
    if ctx.settings.customer_mode is CustomerMode.PER_ORDER and order.customer_name:
        name = display_name(order.customer_name)
        if name:
            return ctx.customers.get(name) or Ref(CUSTOMER_PLACEHOLDER, name)
    return ctx.generic_customer


def _customer(order: Order, ctx: PostingContext, book: LineBook) -> Ref | None:
    customer = customer_ref(order, ctx)
    if customer is None:
        book.flags.append(Flag(FlagCode.UNMAPPED_ACCOUNT, "no generic Shopify customer chosen"))
    return customer


def _product_lines(order: Order, ctx: PostingContext, book: LineBook) -> Decimal:
    subtotal = ZERO
    for i, line in enumerate(order.line_items):
        if line.is_gift_card:
            item, missing = ctx.item(ItemRole.GIFT_CARD), "no gift card item mapped"
            tax_code = line_tax_code(ctx, False, (), book)
            confidence = None
        else:
            item = ctx.products.get(line.product_key)
            missing = f"no QBO item for {line.sku or _describe(line)}"
            tax_code = line_tax_code(ctx, line.taxable, line.tax_lines, book)
            confidence = ctx.product_confidence.get(line.product_key)
        subtotal += book.sales_item(
            _describe(line), item, Decimal(line.quantity), line.unit_price,
            f"lineItems[{i}].originalUnitPriceSet × quantity",
            tax_code=tax_code, missing=missing, confidence=confidence,
        )  # fmt: skip
    for i, ship in enumerate(order.shipping_lines):
        subtotal += book.sales_item(
            f"Shipping: {ship.title}", ctx.item(ItemRole.SHIPPING), Decimal(1), ship.price,
            f"shippingLines[{i}].originalPriceSet",
            tax_code=line_tax_code(ctx, True, ship.tax_lines, book),
            missing="no shipping item mapped",
        )  # fmt: skip
    if order.total_tip:
        subtotal += book.sales_item(
            "Tip", ctx.item(ItemRole.TIPS), Decimal(1), order.total_tip, "totalTipReceivedSet",
            tax_code=line_tax_code(ctx, False, (), book),
            missing="no tips item mapped",
        )  # fmt: skip
    return subtotal


def propose_order(order: Order, ctx: PostingContext) -> Proposal | None:
    """The entry for a paid order, or None for what is never posted (test, unpaid, cancelled)."""
    if not order.is_proposable:
        return None
    received = received_by_gateway(order)
    free = order.total_price == 0 and order.financial_status == "PAID"
    if not received and not free:
        return None  # nothing was paid yet: there is no sale to post
    gift_card = received.pop(GIFT_CARD_GATEWAY, ZERO)
    real_received = sum(received.values(), ZERO)

    book = LineBook()
    gross = _product_lines(order, ctx, book)
    discount = sum((li.discount for li in order.line_items), ZERO) + sum(
        (s.discount for s in order.shipping_lines), ZERO
    )
    if discount:
        book.discount(discount, ctx.account(Role.DISCOUNTS), "discountAllocations")
    tax = order.total_tax
    components = gross - discount + (ZERO if order.taxes_included else tax)

    residue = order.total_price - components
    tax_lines = max(len(order.tax_lines), 1)
    if residue and abs(residue) <= ctx.settings.rounding_tolerance_per_tax_line * tax_lines:
        book.sales_item(
            "Rounding", ctx.item(ItemRole.ROUNDING), Decimal(1), residue,
            "totalPriceSet − sum of lines",
            tax_code=line_tax_code(ctx, False, (), book),
            missing="no rounding item mapped",
        )  # fmt: skip
        components += residue
    if gift_card:
        book.sales_item(
            "Gift card redeemed", ctx.item(ItemRole.GIFT_CARD), Decimal(1), -gift_card,
            "transactions[gateway=gift_card].amountSet",
            tax_code=line_tax_code(ctx, False, (), book),
            missing="no gift card item mapped",
        )  # fmt: skip
    receipt_total = components - gift_card
    use_invoice = (
        ctx.settings.workflow is Workflow.INVOICES_AND_PAYMENTS
        or len(received) > 1
        or real_received + gift_card < order.total_price
    )
    if use_invoice:
        # What stays unpaid on the invoice must be what Shopify still has outstanding.
        money = TieOut(
            "invoice − payments = Shopify outstanding",
            order.total_price - order.total_received,
            receipt_total - real_received,
        )
    else:
        money = TieOut("received by gateways = entry total", real_received, receipt_total)
    tieouts = (
        TieOut("order total = lines − discounts + tax", order.total_price, components),
        money,
    )
    flags = list(book.flags)
    for tie in tieouts:
        if not tie.ok:
            flags.append(
                Flag(
                    FlagCode.TIEOUT_FAILED,
                    f"{tie.name}: Shopify {tie.expected} vs entry {tie.actual}",
                )
            )
    if order.edited:
        flags.append(Flag(FlagCode.STALE, "order was edited after it was placed"))

    key = proposal_key(SourceType.ORDER, order.id)
    customer = _customer(order, ctx, book)
    flags.extend(f for f in book.flags if f not in flags)
    entity = "Invoice" if use_invoice else "SalesReceipt"
    number = doc_number(
        ctx.settings.doc_number_template, name=order.name, number=order.number,
        taken=ctx.taken_doc_numbers.get(entity, frozenset()),
    )  # fmt: skip
    header: dict[str, Any] = {
        "TxnDate": order.local_date.isoformat(),
        "DocNumber": number,
        "PrivateNote": f"Shopify order {order.name} · {key}",
        "Line": book.json_lines,
    }
    if customer is not None:
        header["CustomerRef"] = customer.json()
    if ctx.company.us_tax:
        header["TxnTaxDetail"] = {"TotalTax": tax}
    else:
        header["GlobalTaxCalculation"] = "TaxInclusive" if order.taxes_included else "TaxExcluded"
    if ctx.company.multicurrency:
        header["CurrencyRef"] = {"value": order.currency}

    if use_invoice:
        payments = [
            _payment(order, ctx, gateway, amount, key, customer, flags)
            for gateway, amount in sorted(received.items())
        ]
        body: dict[str, Any] = {"Invoice": header, "Payment": payments}
    else:
        gateway = next(iter(received), GIFT_CARD_GATEWAY)
        deposit_to(header, ctx, gateway, flags)
        body = {"SalesReceipt": header}

    return Proposal(
        key=key, source_type=SourceType.ORDER, source_id=order.id, entity_type=entity,
        txn_date=order.local_date, currency=order.currency, total=receipt_total, body=body,
        lines=tuple(book.lines), tieouts=tieouts, flags=tuple(dict.fromkeys(flags)),
        doc_number=number,
    )  # fmt: skip


def _payment(
    order: Order,
    ctx: PostingContext,
    gateway: str,
    amount: Decimal,
    key: str,
    customer: Ref | None,
    flags: list[Flag],
) -> dict[str, Any]:
    """One Payment per gateway, applied to the invoice once the invoice has its QBO Id."""
    payment: dict[str, Any] = {
        "TxnDate": order.local_date.isoformat(),
        "TotalAmt": amount,
        "PrivateNote": f"Shopify order {order.name} via {gateway} · {key}",
        "Line": [
            {"Amount": amount, "LinkedTxn": [{"TxnId": "{Invoice.Id}", "TxnType": "Invoice"}]}
        ],
    }
    if customer is not None:
        payment["CustomerRef"] = customer.json()
    deposit_to(payment, ctx, gateway, flags)
    return payment
