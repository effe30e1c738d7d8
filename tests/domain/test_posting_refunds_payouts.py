"""Refunds and payouts: every cent of Shopify's ledger lands on exactly one line."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.builders import balance, context, line, order, payout, refund, refund_tx, sale
from workbench.domain.posting.payouts import propose_payout
from workbench.domain.posting.refunds import propose_refund
from workbench.domain.proposal_model import FlagCode
from workbench.domain.records import RefundLine

D = Decimal


def deposit_total(body: dict[str, Any]) -> Decimal:
    return sum((ln["Amount"] for ln in body["Line"]), D(0))


def paid_order() -> Any:
    return order(
        (line(1, "45.00", 2, tax="7.20"), line(2, "50.00", gift_card=True, taxable=False)),
        (sale(1, "shopify_payments", "147.20"),),
    )


def test_refund_becomes_a_refund_receipt_from_the_clearing_account() -> None:
    o = paid_order()
    r = refund(
        (RefundLine(o.line_items[0].id, 1, D("45.00"), D("3.60")),),
        (refund_tx("shopify_payments", "53.60"),),
        shipping="5.00",
    )
    p = propose_refund(r, o, context())
    assert p is not None and p.entity_type == "RefundReceipt"
    body = p.body["RefundReceipt"]
    assert body["DepositToAccountRef"]["value"] == "90"
    assert [ln["Amount"] for ln in body["Line"]] == [D("45.00"), D("5.00")]
    assert body["Line"][0]["SalesItemLineDetail"]["ItemRef"]["value"] == "101"
    assert body["TxnTaxDetail"]["TotalTax"] == D("3.60")
    assert body["DocNumber"] == "1001-R" and "shopify:refund:9:v1" in body["PrivateNote"]
    assert p.total == D("53.60") and p.clean, p.flags


def test_refund_unit_price_that_does_not_divide_posts_one_unit() -> None:
    o = paid_order()
    r = refund(
        (RefundLine(o.line_items[0].id, 3, D("10.00"), D("0")),),
        (refund_tx("shopify_payments", "10.00"),),
    )
    p = propose_refund(r, o, context())
    assert p is not None
    detail = p.body["RefundReceipt"]["Line"][0]["SalesItemLineDetail"]
    assert detail["Qty"] * detail["UnitPrice"] == D("10.00")


def test_refund_to_a_gift_card_goes_back_to_the_liability() -> None:
    o = paid_order()
    r = refund(
        (RefundLine(o.line_items[0].id, 1, D("45.00"), D("0")),),
        (refund_tx("gift_card", "20.00"), refund_tx("shopify_payments", "25.00")),
    )
    p = propose_refund(r, o, context())
    assert p is not None and p.total == D("25.00") and p.tied_out
    assert p.body["RefundReceipt"]["Line"][-1]["Amount"] == D("-20.00")


def test_refund_without_money_moving_is_flagged() -> None:
    o = paid_order()
    r = refund(
        (RefundLine(o.line_items[0].id, 1, D("45.00"), D("0")),),
        (refund_tx("shopify_payments", "45.00", status="FAILURE"),),
    )
    p = propose_refund(r, o, context())
    assert p is not None and FlagCode.TIEOUT_FAILED in {f.code for f in p.flags}


def test_refund_discrepancy_adjustment_is_its_own_line() -> None:
    o = paid_order()
    r = refund((), (refund_tx("shopify_payments", "10.00"),), adjustments="-10.00")
    p = propose_refund(r, o, context())
    assert p is not None and p.tied_out
    assert p.body["RefundReceipt"]["Line"][0]["SalesItemLineDetail"]["ItemRef"]["value"] == "205"


def full_payout_rows() -> list[Any]:
    return [
        balance(1, "CHARGE", "100.00", "3.20"), balance(2, "CHARGE", "50.00", "1.75"),
        balance(3, "REFUND", "-20.00"), balance(4, "DISPUTE_WITHDRAWAL", "-30.00"),
        balance(5, "CHARGEBACK_FEE", "-15.00"), balance(6, "RESERVED_FUNDS", "-10.00"),
        balance(7, "RESERVED_FUNDS_REVERSAL", "4.00"), balance(8, "ADJUSTMENT", "1.25"),
    ]  # fmt: skip


def test_payout_deposit_lines_sum_to_the_net() -> None:
    rows = full_payout_rows()
    net = sum((r.net for r in rows), D(0))
    rows.append(balance(9, "TRANSFER", str(-net)))
    p = propose_payout(payout(str(net)), rows, context())
    body = p.body["Deposit"]
    assert p.entity_type == "Deposit" and body["DepositToAccountRef"]["value"] == "35"
    assert deposit_total(body) == net == p.total
    by_description = {ln["Description"]: ln for ln in body["Line"]}
    assert by_description["Charges (2)"]["Amount"] == D("150.00")
    assert by_description["Charges (2)"]["DepositLineDetail"]["AccountRef"]["value"] == "90"
    assert by_description["Shopify Payments fees"]["Amount"] == D("-4.95")
    assert by_description["Chargebacks (1)"]["DepositLineDetail"]["AccountRef"]["value"] == "61"
    assert by_description["Reserved funds (1)"]["DepositLineDetail"]["AccountRef"]["value"] == "62"
    assert p.clean, p.flags


def test_unknown_balance_type_is_kept_on_its_own_line_and_flagged() -> None:
    rows = [balance(1, "CHARGE", "100.00", "3.20"), balance(2, "SHOP_CASH_CREDIT", "5.00")]
    p = propose_payout(payout("101.80"), rows, context())
    assert p.tied_out
    assert FlagCode.UNKNOWN_TRANSACTION_TYPE in {f.code for f in p.flags}
    assert any("SHOP_CASH_CREDIT" in ln["Description"] for ln in p.body["Deposit"]["Line"])


def test_a_net_that_does_not_match_is_a_failed_tie_out() -> None:
    p = propose_payout(payout("100.00"), [balance(1, "CHARGE", "100.00", "3.20")], context())
    assert not p.tied_out and FlagCode.TIEOUT_FAILED in {f.code for f in p.flags}


def test_failed_and_scheduled_payouts_are_flagged() -> None:
    rows = [balance(1, "CHARGE", "10.00")]
    failed = propose_payout(payout("10.00", status="FAILED"), rows, context())
    assert FlagCode.FAILED_PAYOUT in {f.code for f in failed.flags}
    scheduled = propose_payout(payout("10.00", status="SCHEDULED"), rows, context())
    assert not scheduled.clean


def test_negative_payout_becomes_a_balanced_journal_entry() -> None:
    rows = [balance(1, "REFUND", "-80.00"), balance(2, "CHARGE", "30.00", "1.20")]
    p = propose_payout(payout("-51.20", kind="WITHDRAWAL"), rows, context())
    assert p.entity_type == "JournalEntry"
    lines = p.body["JournalEntry"]["Line"]
    debits = sum(
        ln["Amount"] for ln in lines if ln["JournalEntryLineDetail"]["PostingType"] == "Debit"
    )
    credits = sum(
        ln["Amount"] for ln in lines if ln["JournalEntryLineDetail"]["PostingType"] == "Credit"
    )
    assert debits == credits
    bank = next(ln for ln in lines if ln["JournalEntryLineDetail"]["AccountRef"]["value"] == "35")
    assert bank["JournalEntryLineDetail"]["PostingType"] == "Credit" and bank["Amount"] == D(
        "51.20"
    )


KINDS = ["CHARGE", "REFUND", "DISPUTE_WITHDRAWAL", "DISPUTE_REVERSAL", "CHARGEBACK_FEE",
         "RESERVED_FUNDS", "RESERVED_FUNDS_REVERSAL", "ADJUSTMENT"]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(KINDS), st.integers(-50_000, 50_000), st.integers(0, 2_000)),
        min_size=1,
        max_size=30,
    )
)
def test_random_payouts_always_tie_out(spec: list[tuple[str, int, int]]) -> None:
    rows = [balance(i, k, str(D(a) / 100), str(D(f) / 100)) for i, (k, a, f) in enumerate(spec)]
    net = sum((r.net for r in rows), D(0))
    rows.append(balance(999, "TRANSFER", str(-net)))
    p = propose_payout(
        payout(str(net), kind="DEPOSIT" if net >= 0 else "WITHDRAWAL"), rows, context()
    )
    assert p.tied_out, p.tieouts
    if p.entity_type == "Deposit":
        assert deposit_total(p.body["Deposit"]) == net
    else:
        lines = p.body["JournalEntry"]["Line"]
        signed = sum(
            ln["Amount"]
            if ln["JournalEntryLineDetail"]["PostingType"] == "Debit"
            else -ln["Amount"]
            for ln in lines
        )
        assert signed == 0
