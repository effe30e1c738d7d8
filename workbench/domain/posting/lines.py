"""Building QBO lines while keeping, for each, where it came from and whether it is mapped.

A line whose item or account is not mapped yet is still built (with no reference) so the
bookkeeper sees the whole entry; the proposal carries a flag and can never be approved as clean.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from workbench.domain.money import CENT
from workbench.domain.posting.context import PostingContext, Ref, clearing_role
from workbench.domain.proposal_model import Flag, FlagCode, ProposalLine


@dataclass
class LineBook:
    """Accumulates QBO ``Line`` JSON and the matching explained lines."""

    json_lines: list[dict[str, Any]] = field(default_factory=list)
    lines: list[ProposalLine] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)

    def _unmapped(self, code: FlagCode, what: str) -> None:
        flag = Flag(code, what)
        if flag not in self.flags:
            self.flags.append(flag)

    def missing(self, what: str) -> None:
        """Something the entry needs is not mapped (once per entry, however many lines)."""
        self._unmapped(FlagCode.UNMAPPED_ACCOUNT, what)

    def sales_item(
        self,
        description: str,
        item: Ref | None,
        quantity: Decimal,
        unit_price: Decimal,
        provenance: str,
        *,
        tax_code: Ref | None,
        missing: str,
        confidence: int | None = None,
    ) -> Decimal:
        """A SalesItemLineDetail line: Amount is exactly Qty × UnitPrice, as QBO insists."""
        amount = quantity * unit_price
        if amount != amount.quantize(CENT):
            # QBO rejects Amount ≠ Qty × UnitPrice to the cent; post one unit of the rounded
            # total instead and say so in the description.
            description = f"{description} ({quantity:g} × {unit_price})"
            amount = amount.quantize(CENT)
            quantity, unit_price = Decimal(1), amount
        detail: dict[str, Any] = {"Qty": quantity, "UnitPrice": unit_price}
        if item is not None:
            detail["ItemRef"] = item.json()
        else:
            self._unmapped(FlagCode.UNMAPPED_ITEM, missing)
        if tax_code is not None:
            detail["TaxCodeRef"] = tax_code.json()
        self.json_lines.append(
            {
                "DetailType": "SalesItemLineDetail",
                "Amount": amount,
                "Description": description,
                "SalesItemLineDetail": detail,
            }
        )
        self.lines.append(
            ProposalLine(
                description, amount, provenance,
                target=f"Item:{item.value}" if item else None,
                target_name=item.name if item else None,
                quantity=quantity, unit_price=unit_price, confidence=confidence,
            )
        )  # fmt: skip
        return amount

    def discount(self, amount: Decimal, account: Ref | None, provenance: str) -> None:
        detail: dict[str, Any] = {"PercentBased": False}
        if account is not None:
            detail["DiscountAccountRef"] = account.json()
        else:
            self._unmapped(FlagCode.UNMAPPED_ACCOUNT, "no account mapped for discounts")
        self.json_lines.append(
            {"DetailType": "DiscountLineDetail", "Amount": amount, "DiscountLineDetail": detail}
        )
        self.lines.append(
            ProposalLine(
                "Discounts", -amount, provenance,
                target=f"Account:{account.value}" if account else None,
                target_name=account.name if account else None,
            )
        )  # fmt: skip

    def deposit(
        self, description: str, amount: Decimal, account: Ref | None, provenance: str, missing: str
    ) -> None:
        detail: dict[str, Any] = {}
        if account is not None:
            detail["AccountRef"] = account.json()
        else:
            self._unmapped(FlagCode.UNMAPPED_ACCOUNT, missing)
        self.json_lines.append(
            {
                "DetailType": "DepositLineDetail",
                "Amount": amount,
                "Description": description,
                "DepositLineDetail": detail,
            }
        )
        self.lines.append(
            ProposalLine(
                description, amount, provenance,
                target=f"Account:{account.value}" if account else None,
                target_name=account.name if account else None,
            )
        )  # fmt: skip

    def journal(
        self,
        description: str,
        amount: Decimal,
        account: Ref | None,
        provenance: str,
        missing: str,
    ) -> None:
        """A JournalEntry line; a positive amount is a credit, a negative one a debit."""
        if amount == 0:
            return
        detail: dict[str, Any] = {"PostingType": "Credit" if amount > 0 else "Debit"}
        if account is not None:
            detail["AccountRef"] = account.json()
        else:
            self._unmapped(FlagCode.UNMAPPED_ACCOUNT, missing)
        self.json_lines.append(
            {
                "DetailType": "JournalEntryLineDetail",
                "Amount": abs(amount),
                "Description": description,
                "JournalEntryLineDetail": detail,
            }
        )
        self.lines.append(
            ProposalLine(
                description, amount, provenance,
                target=f"Account:{account.value}" if account else None,
                target_name=account.name if account else None,
            )
        )  # fmt: skip


def deposit_to(
    header: dict[str, Any], ctx: PostingContext, gateway: str, flags: list[Flag]
) -> None:
    """Where a receipt's money goes (the gateway's clearing account) and how it was paid."""
    clearing = ctx.account(clearing_role(gateway))
    if clearing is None:
        flags.append(Flag(FlagCode.UNMAPPED_ACCOUNT, f"no clearing account for {gateway}"))
    else:
        header["DepositToAccountRef"] = clearing.json()
    method = ctx.payment_methods.get(gateway)
    if method is not None:
        header["PaymentMethodRef"] = method.json()
