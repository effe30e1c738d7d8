"""Summary per payout: one balanced JournalEntry for a Shopify Payments payout, by account.

For stores too large to post an entry per order, the payout's entry carries, summed by account,
what the per-order entries would have posted for the sales and refunds it settled — income by
each item's income account, gift cards sold and redeemed on the liability, shipping, tips,
discounts, sales tax, returns — plus what the payout's own Deposit would have posted: charges
and refunds clearing, fees, disputes, reserves, adjustments, and the bank debited by the net.

It is the per-order model added up, not a different one: each sale debits the clearing account
of the gateway that was paid, each refund credits it, and the payout's charges and refunds
credit and debit the Shopify Payments clearing account, so that account nets to what is still
in flight (usually nothing). Part of a sale paid by PayPal or a gift card stays on that clearing
or liability account, exactly as the sale's own receipt would leave it.

Every sale and refund is balanced on its own before it is added (a residue is put on the
rounding account, and flagged with both amounts when it is more than rounding), so the entry
always balances and the bank line is always the payout's net.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from workbench.domain.posting.context import (
    GIFT_CARD_GATEWAY,
    ItemRole,
    PostingContext,
    Ref,
    Role,
    clearing_role,
)
from workbench.domain.posting.lines import LineBook
from workbench.domain.posting.orders import received_by_gateway
from workbench.domain.posting.payouts import GROUPS, SHOPIFY_PAYMENTS, TRANSFER, add_payout_flags
from workbench.domain.proposal_model import Flag, FlagCode, Proposal, TieOut
from workbench.domain.proposals import SourceType, proposal_key
from workbench.domain.records import BalanceTransaction, Order, Payout, Refund

ZERO = Decimal(0)
SUMMARY_NOTE = "Shopify payout summary"


@dataclass
class _Bucket:
    label: str
    account: Ref | None
    missing: str
    provenance: str
    amount: Decimal = ZERO  # positive = credit, negative = debit
    count: int = 0


@dataclass
class _Ledger:
    """Amounts summed by (what, account), in the order they were first seen."""

    buckets: dict[tuple[str, str], _Bucket] = field(default_factory=dict)
    flags: list[Flag] = field(default_factory=list)

    def post(
        self, label: str, account: Ref | None, amount: Decimal, provenance: str, missing: str
    ) -> None:
        if amount == 0:
            return
        key = (label, account.value if account is not None else f"?{missing}")
        bucket = self.buckets.get(key)
        if bucket is None:
            bucket = self.buckets[key] = _Bucket(label, account, missing, provenance)
        bucket.amount += amount
        bucket.count += 1

    def total(self) -> Decimal:
        return sum((b.amount for b in self.buckets.values()), ZERO)

    def flag(self, message: str) -> None:
        self.flags.append(Flag(FlagCode.TIEOUT_FAILED, message))


def _item_account(ctx: PostingContext, item: Ref | None, fallback: str | None) -> Ref | None:
    """The account an item's sales post to; the role's account when the item is not known."""
    if item is not None and item.value in ctx.item_accounts:
        return ctx.item_accounts[item.value]
    return ctx.account(fallback) if fallback else None


def _rounding(ctx: PostingContext) -> Ref | None:
    return ctx.account(Role.ROUNDING) or _item_account(ctx, ctx.item(ItemRole.ROUNDING), None)


def _gift_cards(ctx: PostingContext) -> Ref | None:
    return _item_account(ctx, ctx.item(ItemRole.GIFT_CARD), Role.GIFT_CARD_LIABILITY)


def _settle(
    ledger: _Ledger, ctx: PostingContext, residue: Decimal, tolerance: Decimal, what: str
) -> None:
    """Balance one sale or refund: rounding within tolerance, a flagged residue beyond."""
    if residue and abs(residue) > tolerance:
        ledger.flag(f"{what}: entry differs from Shopify by {residue}")
    ledger.post("Rounding", _rounding(ctx), residue, "residue per order", "no rounding account")


def _post_sale(ledger: _Ledger, order: Order, ctx: PostingContext) -> Decimal:
    """The sale as its receipt would post it; returns what Shopify Payments received."""
    received = received_by_gateway(order)
    gift_card = received.pop(GIFT_CARD_GATEWAY, ZERO)
    included = order.taxes_included
    start = ledger.total()
    for line in order.line_items:
        amount = Decimal(line.quantity) * line.unit_price - (line.tax if included else ZERO)
        if line.is_gift_card:
            ledger.post(
                "Gift cards sold", _gift_cards(ctx), amount,
                "lineItems[isGiftCard].originalUnitPriceSet × quantity",
                "no gift card item or liability account",
            )  # fmt: skip
            continue
        item = ctx.products.get(line.product_key)
        account = ctx.item_accounts.get(item.value) if item is not None else None
        missing = (
            f"no QBO item for {line.sku or line.title}"
            if item is None
            else f"no income account known for item {item.name or item.value}"
        )
        ledger.post(
            "Sales", account, amount, "lineItems[*].originalUnitPriceSet × quantity", missing
        )
    for ship in order.shipping_lines:
        tax = sum((t.amount for t in ship.tax_lines), ZERO) if included else ZERO
        ledger.post(
            "Shipping", _item_account(ctx, ctx.item(ItemRole.SHIPPING), Role.SHIPPING_INCOME),
            ship.price - tax, "shippingLines[*].originalPriceSet", "no shipping item mapped",
        )  # fmt: skip
    ledger.post(
        "Tips", _item_account(ctx, ctx.item(ItemRole.TIPS), None), order.total_tip,
        "totalTipReceivedSet", "no tips item mapped",
    )  # fmt: skip
    discount = sum((li.discount for li in order.line_items), ZERO) + sum(
        (s.discount for s in order.shipping_lines), ZERO
    )
    ledger.post(
        "Discounts", ctx.account(Role.DISCOUNTS), -discount, "discountAllocations",
        "no account mapped for discounts",
    )  # fmt: skip
    ledger.post(
        "Sales tax", ctx.account(Role.SALES_TAX), order.total_tax, "totalTaxSet",
        "no sales tax payable account",
    )  # fmt: skip
    tolerance = ctx.settings.rounding_tolerance_per_tax_line * max(len(order.tax_lines), 1)
    _settle(ledger, ctx, order.total_price - (ledger.total() - start), tolerance, order.name)
    for gateway, amount in sorted(received.items()):
        ledger.post(
            f"Clearing: {gateway}", ctx.account(clearing_role(gateway)), -amount,
            "transactions[SALE|CAPTURE].amountSet", f"no clearing account for {gateway}",
        )  # fmt: skip
    ledger.post(
        "Gift cards redeemed", _gift_cards(ctx), -gift_card,
        "transactions[gateway=gift_card].amountSet", "no gift card item or liability account",
    )  # fmt: skip
    unpaid = ledger.total() - start
    if unpaid:
        paid = order.total_price - unpaid
        ledger.flag(f"{order.name}: Shopify total {order.total_price} but received {paid}")
        ledger.post(
            "Not yet received", ctx.account(Role.ADJUSTMENTS), -unpaid,
            "totalPriceSet − received", "no adjustments account",
        )  # fmt: skip
    return received.get(SHOPIFY_PAYMENTS, ZERO)


def _post_refund(ledger: _Ledger, refund: Refund, order: Order, ctx: PostingContext) -> Decimal:
    """The refund as its RefundReceipt would post it; returns what Shopify Payments paid out."""
    start = ledger.total()
    originals = {li.id: li for li in order.line_items}
    for rl in refund.lines:
        original = originals.get(rl.line_item_id)
        if original is not None and original.is_gift_card:
            label, account, missing = "Gift cards refunded", _gift_cards(ctx), "no gift card item"
        else:
            item = ctx.products.get(original.product_key) if original is not None else None
            account = ctx.item_accounts.get(item.value) if item is not None else None
            label = "Returns"
            missing = f"no income account for refunded line {rl.line_item_id}"
        ledger.post(label, account, -rl.subtotal, "refundLineItems[*].subtotalSet", missing)
    ledger.post(
        "Shipping refunded",
        _item_account(ctx, ctx.item(ItemRole.SHIPPING), Role.SHIPPING_INCOME), -refund.shipping,
        "refundShippingLines.subtotalAmountSet", "no shipping item mapped",
    )  # fmt: skip
    ledger.post(
        "Refund adjustments", _item_account(ctx, ctx.item(ItemRole.REFUND_ADJUSTMENT), None),
        refund.adjustments, "orderAdjustments.amountSet", "no refund adjustment item mapped",
    )  # fmt: skip
    tax = sum((rl.tax for rl in refund.lines), ZERO) + refund.shipping_tax
    ledger.post(
        "Sales tax refunded", ctx.account(Role.SALES_TAX), -tax,
        "refundLineItems[*].totalTaxSet", "no sales tax payable account",
    )  # fmt: skip
    paid_out: dict[str, Decimal] = defaultdict(Decimal)
    for t in refund.transactions:
        if t.moved_money and t.kind == "REFUND" and not t.test:
            paid_out[t.gateway] += t.amount
    gift_card = paid_out.pop(GIFT_CARD_GATEWAY, ZERO)
    for gateway, amount in sorted(paid_out.items()):
        ledger.post(
            f"Clearing: {gateway}", ctx.account(clearing_role(gateway)), amount,
            "refund transactions[REFUND].amountSet", f"no clearing account for {gateway}",
        )  # fmt: skip
    ledger.post(
        "Refunded to gift card", _gift_cards(ctx), gift_card,
        "refund transactions[gateway=gift_card].amountSet", "no gift card item",
    )  # fmt: skip
    _settle(
        ledger, ctx, -(ledger.total() - start), ctx.settings.rounding_tolerance_per_tax_line,
        f"refund on {order.name}",
    )  # fmt: skip
    return paid_out.get(SHOPIFY_PAYMENTS, ZERO)


def _post_payout(
    ledger: _Ledger, payout: Payout, rows: Sequence[BalanceTransaction], ctx: PostingContext
) -> tuple[Decimal, Decimal, int]:
    """The payout's own lines; returns (lines total, charges + refunds settled, rows used)."""
    grouped: dict[str, list[BalanceTransaction]] = defaultdict(list)
    for row in rows:
        if not row.test:
            grouped[row.type].append(row)
    start = ledger.total()
    settled = ZERO
    used = len(grouped.pop(TRANSFER, []))
    fees = ZERO
    for kind in sorted(grouped, key=lambda k: (k not in GROUPS, k)):
        members = grouped[kind]
        used += len(members)
        amount = sum((r.amount for r in members), ZERO)
        fees += sum((r.fee for r in members), ZERO)
        label, role = GROUPS.get(kind, (f"Unknown type {kind}", f"unknown:{kind}"))
        if kind not in GROUPS:
            ledger.flags.append(
                Flag(
                    FlagCode.UNKNOWN_TRANSACTION_TYPE,
                    f"{len(members)} balance transaction(s) of type {kind}: choose an account",
                )
            )
        if role == clearing_role(SHOPIFY_PAYMENTS):
            # Same bucket as the sales' debits: the clearing account nets in one line.
            label = f"Clearing: {SHOPIFY_PAYMENTS}"
            if kind in {"CHARGE", "REFUND"}:
                settled += amount
        ledger.post(
            label, ctx.account(role), amount, f"balanceTransactions[type={kind}].amount",
            f"no account for {label.lower()}",
        )  # fmt: skip
    ledger.post(
        "Shopify Payments fees", ctx.account(Role.FEES), -fees, "balanceTransactions[*].fee",
        "no account for processing fees",
    )  # fmt: skip
    return ledger.total() - start, settled, used


def propose_payout_summary(
    payout: Payout,
    rows: Sequence[BalanceTransaction],
    sales: Sequence[Order],
    refunds: Sequence[tuple[Refund, Order]],
    ctx: PostingContext,
    *,
    posted_sales: Sequence[Order] = (),
    posted_refunds: Sequence[tuple[Refund, Order]] = (),
) -> Proposal:
    """The payout's JournalEntry: its sales and refunds by account, its own lines, the bank.

    ``posted_sales`` and ``posted_refunds`` settled in this payout but already have their own
    entry in QuickBooks: they are not posted again, only counted when checking that the
    payout's charges match the money the sales received.
    """
    key = proposal_key(SourceType.PAYOUT, payout.id)
    ledger = _Ledger()
    received = ZERO
    for order in sales:
        if order.is_proposable:
            received += _post_sale(ledger, order, ctx)
    for refund, order in refunds:
        received -= _post_refund(ledger, refund, order, ctx)
    for order in posted_sales:
        received += received_by_gateway(order).get(SHOPIFY_PAYMENTS, ZERO)
    for refund, _ in posted_refunds:
        received -= sum(
            (t.amount for t in refund.transactions
             if t.moved_money and t.kind == "REFUND" and t.gateway == SHOPIFY_PAYMENTS),
            ZERO,
        )  # fmt: skip
    payout_lines, settled, used = _post_payout(ledger, payout, rows, ctx)
    bank = ctx.account(Role.BANK)
    ledger.post("Bank: payout net", bank, -payout.net, "payout.net", "no bank account chosen")
    unexplained = ledger.total()
    if unexplained:
        ledger.post(
            "Unexplained difference", ctx.account(Role.ADJUSTMENTS), -unexplained,
            "payout.net − balance transactions", "no adjustments account",
        )  # fmt: skip

    book = LineBook()
    for bucket in ledger.buckets.values():
        description = f"{bucket.label} ({bucket.count})"
        if bucket.account is not None and bucket.account.name:
            description = f"{bucket.label}: {bucket.account.name} ({bucket.count})"
        book.journal(description, bucket.amount, bucket.account, bucket.provenance, bucket.missing)
    debits = sum((-line.amount for line in book.lines if line.amount < 0), ZERO)
    credits = sum((line.amount for line in book.lines if line.amount > 0), ZERO)
    bank_line = -sum(
        (b.amount for (label, _), b in ledger.buckets.items() if label == "Bank: payout net"), ZERO
    )
    tieouts = (
        TieOut("debits = credits", debits, credits),
        TieOut("bank line = payout net", payout.net, bank_line),
        TieOut("payout net = balance transactions", payout.net, payout_lines),
        TieOut(
            "balance transactions accounted for once",
            Decimal(len([r for r in rows if not r.test])),
            Decimal(used),
        ),
        TieOut(
            "charges − refunds settled = Shopify Payments received − refunded", settled, received
        ),
    )
    flags = list(ledger.flags)
    add_payout_flags(flags, payout, tieouts, book.flags)

    counted = f"{len(sales)} orders, {len(refunds)} refunds"
    if posted_sales or posted_refunds:
        counted += f" ({len(posted_sales) + len(posted_refunds)} posted separately)"
    entry: dict[str, Any] = {
        "TxnDate": payout.local_date.isoformat(),
        "PrivateNote": f"{SUMMARY_NOTE} {payout.legacy_id}: {counted} · {key}",
        "Line": book.json_lines,
    }
    if ctx.company.multicurrency:
        entry["CurrencyRef"] = {"value": payout.currency}
    return Proposal(
        key=key, source_type=SourceType.PAYOUT, source_id=payout.id, entity_type="JournalEntry",
        txn_date=payout.local_date, currency=payout.currency, total=payout.net,
        body={"JournalEntry": entry}, lines=tuple(book.lines), tieouts=tieouts,
        flags=tuple(dict.fromkeys(flags)),
    )  # fmt: skip
