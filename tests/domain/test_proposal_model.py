"""The proposal model's own rules: what makes one clean, and when it needs attention."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from workbench.domain.proposal_model import Flag, FlagCode, Proposal, ProposalLine, TieOut
from workbench.domain.proposals import ProposalState, SourceType


def proposal(**overrides: object) -> Proposal:
    values: dict[str, object] = dict(
        key="shopify:order:1001:v1", source_type=SourceType.ORDER, source_id="1001",
        entity_type="SalesReceipt", txn_date=date(2026, 11, 2), currency="USD",
        total=Decimal("129.00"), body={},
        lines=(ProposalLine("Hoodie", Decimal("90.00"), "lineItems[0]", target="Item:7"),),
        tieouts=(TieOut("total", Decimal("129.00"), Decimal("129.00")),),
    )  # fmt: skip
    values.update(overrides)
    return Proposal(**values)  # type: ignore[arg-type]


def test_clean_when_mapped_tied_and_unflagged() -> None:
    p = proposal()
    assert p.clean and p.review_state() is ProposalState.PENDING


def test_a_failed_tie_out_keeps_both_amounts_and_needs_attention() -> None:
    tie = TieOut("total", Decimal("129.00"), Decimal("128.99"))
    p = proposal(tieouts=(tie,))
    assert not p.clean
    assert tie.difference == Decimal("-0.01")
    assert p.review_state() is ProposalState.NEEDS_ATTENTION


def test_unmapped_line_or_flag_is_not_clean() -> None:
    assert not proposal(lines=(ProposalLine("Mug", Decimal("1"), "lineItems[1]"),)).clean
    flagged = proposal(flags=(Flag(FlagCode.ROUNDING, "0.02 rounding on tax"),))
    assert not flagged.clean
    assert flagged.review_state() is ProposalState.NEEDS_ATTENTION


def test_decided_states_are_kept() -> None:
    flagged = proposal(state=ProposalState.POSTED, flags=(Flag(FlagCode.STALE, "x"),))
    assert flagged.review_state() is ProposalState.POSTED
