"""Shopify Payments payout → Deposit into the bank (or a JournalEntry when it is negative).

The deposit's lines say where the net came from: gross charges and refunds out of the Shopify
Payments clearing account, fees to the fee expense, disputes to chargebacks, reserves to the
reserve asset, adjustments to their account. Every balance transaction of the payout lands on
exactly one line, so the deposit's total is the payout's net to the cent, and a type we do not
know is shown on its own line with a flag instead of being dropped.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from workbench.domain.posting.context import PostingContext, Ref, Role, clearing_role
from workbench.domain.posting.lines import LineBook
from workbench.domain.proposal_model import Flag, FlagCode, Proposal, TieOut
from workbench.domain.proposals import SourceType, proposal_key
from workbench.domain.records import BalanceTransaction, Payout

ZERO = Decimal(0)
SHOPIFY_PAYMENTS = "shopify_payments"

# Balance-transaction type → (line label, account role). TRANSFER is the payout itself.
GROUPS: dict[str, tuple[str, str]] = {
    "CHARGE": ("Charges", clearing_role(SHOPIFY_PAYMENTS)),
    "REFUND": ("Refunds", clearing_role(SHOPIFY_PAYMENTS)),
    "REFUND_FAILURE": ("Failed refunds", clearing_role(SHOPIFY_PAYMENTS)),
    "REFUND_ADJUSTMENT": ("Refund adjustments", Role.ADJUSTMENTS),
    "CHARGE_ADJUSTMENT": ("Charge adjustments", Role.ADJUSTMENTS),
    "DISPUTE_WITHDRAWAL": ("Chargebacks", Role.CHARGEBACKS),
    "DISPUTE_REVERSAL": ("Chargebacks won", Role.CHARGEBACKS),
    "CHARGEBACK_HOLD": ("Chargeback holds", Role.CHARGEBACKS),
    "CHARGEBACK_HOLD_RELEASE": ("Chargeback hold releases", Role.CHARGEBACKS),
    "CHARGEBACK_FEE": ("Chargeback fees", Role.FEES),
    "CHARGEBACK_FEE_REFUND": ("Chargeback fee refunds", Role.FEES),
    "RESERVED_FUNDS": ("Reserved funds", Role.RESERVES),
    "RESERVED_FUNDS_REVERSAL": ("Reserve released", Role.RESERVES),
    "RESERVED_FUNDS_WITHDRAWAL": ("Reserve withdrawn", Role.RESERVES),
    "ADJUSTMENT": ("Adjustments", Role.ADJUSTMENTS),
    "TRANSFER_FAILURE": ("Failed payout returned", Role.ADJUSTMENTS),
    "TRANSFER_CANCEL": ("Cancelled payout returned", Role.ADJUSTMENTS),
    "TRANSFER_REFUND": ("Payout refund", Role.ADJUSTMENTS),
}
TRANSFER = "TRANSFER"


def propose_payout(
    payout: Payout, rows: Sequence[BalanceTransaction], ctx: PostingContext
) -> Proposal:
    key = proposal_key(SourceType.PAYOUT, payout.id)
    book = LineBook()
    flags: list[Flag] = []
    grouped: dict[str, list[BalanceTransaction]] = defaultdict(list)
    transfers = []
    for row in rows:
        if row.test:
            continue
        if row.type == TRANSFER:
            transfers.append(row)
        else:
            grouped[row.type].append(row)

    fees_total = ZERO
    for kind in sorted(grouped, key=lambda k: (k not in GROUPS, k)):
        members = grouped[kind]
        amount = sum((r.amount for r in members), ZERO)
        fee = sum((r.fee for r in members), ZERO)
        label, role = GROUPS.get(kind, (f"Unknown type {kind}", f"unknown:{kind}"))
        if kind not in GROUPS:
            flags.append(
                Flag(
                    FlagCode.UNKNOWN_TRANSACTION_TYPE,
                    f"{len(members)} balance transaction(s) of type {kind}: choose an account",
                )
            )
        book.deposit(
            f"{label} ({len(members)})", amount, ctx.account(role),
            f"balanceTransactions[type={kind}].amount", f"no account for {label.lower()}",
        )  # fmt: skip
        fees_total += fee
    if fees_total:
        book.deposit(
            "Shopify Payments fees", -fees_total, ctx.account(Role.FEES),
            "balanceTransactions[*].fee", "no account for processing fees",
        )  # fmt: skip

    lines_total = sum((line.amount for line in book.lines), ZERO)
    counted = sum(len(v) for v in grouped.values())
    tieouts = [TieOut("payout net = deposit lines", payout.net, lines_total)]
    if transfers:
        tieouts.append(
            TieOut(
                "transfer row = −payout net", -payout.net, sum((t.amount for t in transfers), ZERO)
            )
        )
    tieouts.append(
        TieOut(
            "balance transactions accounted for once",
            Decimal(len([r for r in rows if not r.test])),
            Decimal(counted + len(transfers)),
        )
    )
    add_payout_flags(flags, payout, tieouts, book.flags)

    bank = ctx.account(Role.BANK)
    if bank is None:
        flags.append(Flag(FlagCode.UNMAPPED_ACCOUNT, "no bank account chosen for payouts"))
    note = f"Shopify payout {payout.legacy_id} · {key}"
    negative = payout.net < 0 or payout.transaction_type == "WITHDRAWAL"
    if negative:
        entity, body = "JournalEntry", _journal(payout, book, bank, note)
    else:
        deposit: dict[str, Any] = {
            "TxnDate": payout.local_date.isoformat(),
            "PrivateNote": note,
            "Line": book.json_lines,
        }
        if bank is not None:
            deposit["DepositToAccountRef"] = bank.json()
        if ctx.company.multicurrency:
            deposit["CurrencyRef"] = {"value": payout.currency}
        entity, body = "Deposit", {"Deposit": deposit}
    return Proposal(
        key=key, source_type=SourceType.PAYOUT, source_id=payout.id, entity_type=entity,
        txn_date=payout.local_date, currency=payout.currency, total=payout.net, body=body,
        lines=tuple(book.lines), tieouts=tuple(tieouts), flags=tuple(dict.fromkeys(flags)),
    )  # fmt: skip


def _journal(payout: Payout, deposit_book: LineBook, bank: Ref | None, note: str) -> dict[str, Any]:
    """A withdrawal: the same lines as credits/debits, and the bank credited by the net."""
    book = LineBook()
    for line, json_line in zip(deposit_book.lines, deposit_book.json_lines, strict=True):
        account = json_line["DepositLineDetail"].get("AccountRef")
        ref = None if account is None else Ref(account["value"], account.get("name", ""))
        book.journal(line.description, line.amount, ref, line.provenance, "unmapped")
    # Deposit lines credit their accounts and debit the bank by the net; for a withdrawal the
    # net is negative, so the bank is credited by its size.
    book.journal("Withdrawn from the bank", -payout.net, bank, "net", "no bank account")
    return {
        "JournalEntry": {
            "TxnDate": payout.local_date.isoformat(),
            "PrivateNote": note,
            "Line": book.json_lines,
        }
    }


def add_payout_flags(
    flags: list[Flag], payout: Payout, tieouts: Iterable[TieOut], more: Iterable[Flag]
) -> None:
    """What every payout entry (deposit or summary journal) says about itself: each failed
    tie-out with its two amounts, a failed or not-yet-paid payout, then the lines' own flags."""
    for tie in tieouts:
        if not tie.ok:
            flags.append(
                Flag(FlagCode.TIEOUT_FAILED, f"{tie.name}: Shopify {tie.expected} vs {tie.actual}")
            )
    if payout.status == "FAILED":
        flags.append(Flag(FlagCode.FAILED_PAYOUT, "Shopify reports this payout as failed"))
    elif payout.status in {"SCHEDULED", "CANCELED"}:
        flags.append(
            Flag(FlagCode.STALE, f"payout is {payout.status.lower()}: not in the bank yet")
        )
    flags.extend(f for f in more if f not in flags)
