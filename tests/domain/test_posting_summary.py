"""Summary per payout: one balanced JournalEntry per payout, by account, tied to the net."""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.builders import (
    balance,
    context,
    line,
    order,
    payout,
    refund,
    refund_tx,
    sale,
    shipping_line,
)
from tests.domain.test_posting_orders import orders as random_orders
from workbench.domain.posting.context import Company, PostingContext, Ref, Role, clearing_role
from workbench.domain.posting.summary import propose_payout_summary
from workbench.domain.proposal_model import FlagCode, Proposal
from workbench.domain.records import RefundLine

D = Decimal


def summary_context(**overrides: object) -> PostingContext:
    """The builders' context plus what a summary needs: each item's income account, the tax
    payable, rounding and gift-card liability accounts."""
    base = context()
    accounts = dict(base.accounts)
    accounts.update(
        {
            Role.SALES_TAX.value: Ref("70", "Sales Tax Payable"),
            Role.ROUNDING.value: Ref("71", "Rounding"),
            Role.GIFT_CARD_LIABILITY.value: Ref("25", "Gift Card Liability"),
        }
    )
    item_accounts = {str(100 + n): Ref("40", "Product income") for n in range(1, 10)}
    item_accounts["103"] = Ref("41", "Service income")
    item_accounts.update(
        {
            "201": Ref("45", "Shipping income"),
            "202": Ref("46", "Tips income"),
            "203": Ref("25", "Gift Card Liability"),
            "204": Ref("71", "Rounding"),
            "205": Ref("47", "Refund adjustments"),
        }
    )
    values: dict[str, Any] = {"accounts": accounts, "item_accounts": item_accounts}
    values.update(overrides)
    return context(**values)


def je_lines(p: Proposal) -> Counter[tuple[str | None, str, Decimal]]:
    """(account, Debit|Credit, amount) of every line as QBO would receive it."""
    found: Counter[tuple[str | None, str, Decimal]] = Counter()
    for json_line in p.body["JournalEntry"]["Line"]:
        detail = json_line["JournalEntryLineDetail"]
        account = detail.get("AccountRef", {}).get("value")
        found[(account, detail["PostingType"], json_line["Amount"])] += 1
    return found


def sides(p: Proposal) -> tuple[Decimal, Decimal]:
    debits = credits = D(0)
    for (_, posting, amount), n in je_lines(p).items():
        if posting == "Debit":
            debits += amount * n
        else:
            credits += amount * n
    return debits, credits


def codes(p: Proposal) -> set[FlagCode]:
    return {f.code for f in p.flags}


def _two_orders_and_a_refund() -> tuple[Any, Any, Any]:
    a = order(
        (line(1, "45.00", 2, tax="7.20"), line(2, "39.00", tax="3.12")),
        (sale(1, "shopify_payments", "144.32"),),
        shipping=(shipping_line("5.00"),),
        number=1001,
    )
    b = order(
        (line(3, "20.00", discount="5.00"),),
        (sale(2, "gift_card", "7.00"), sale(3, "shopify_payments", "10.00")),
        tip="2.00",
        number=1002,
    )
    returned = refund(
        (RefundLine(a.line_items[0].id, 1, D("45.00"), D("3.60")),),
        (refund_tx("shopify_payments", "48.60"),),
    )
    return a, b, returned


def test_a_payout_summary_posts_its_sales_refunds_and_fees_by_account() -> None:
    a, b, returned = _two_orders_and_a_refund()
    rows = [
        balance(1, "CHARGE", "144.32", fee="4.49"),
        balance(2, "CHARGE", "10.00", fee="0.59"),
        balance(3, "REFUND", "-48.60"),
        balance(4, "TRANSFER", "-100.64"),
    ]
    p = propose_payout_summary(payout("100.64"), rows, [a, b], [(returned, a)], summary_context())
    assert p.entity_type == "JournalEntry" and p.key == "shopify:payout:77:v1"
    assert p.total == D("100.64")
    # Worked by hand: income by each item's account, tax, discounts, the gift card redeemed,
    # the return, the fees and the bank. Shopify Payments clearing is debited by the sales
    # (154.32) and the refund's payout line (48.60) and credited by the charges (154.32) and
    # the refund (48.60): it nets to nothing, so it has no line.
    assert je_lines(p) == Counter(
        {
            ("40", "Credit", D("129.00")): 1,
            ("41", "Credit", D("20.00")): 1,
            ("45", "Credit", D("5.00")): 1,
            ("46", "Credit", D("2.00")): 1,
            ("70", "Credit", D("10.32")): 1,
            ("86", "Debit", D("5.00")): 1,
            ("25", "Debit", D("7.00")): 1,
            ("40", "Debit", D("45.00")): 1,
            ("70", "Debit", D("3.60")): 1,
            ("60", "Debit", D("5.08")): 1,
            ("35", "Debit", D("100.64")): 1,
        }
    )
    assert sides(p) == (D("166.32"), D("166.32"))
    assert p.tied_out and p.clean, (p.tieouts, p.flags)
    assert "shopify:payout:77:v1" in p.body["JournalEntry"]["PrivateNote"]


def test_the_share_paid_through_another_gateway_stays_on_its_clearing_account() -> None:
    c = order(
        (line(1, "17.00"),),
        (sale(1, "shopify_payments", "10.00"), sale(2, "paypal", "7.00")),
    )
    rows = [balance(1, "CHARGE", "10.00", fee="0.50")]
    p = propose_payout_summary(payout("9.50"), rows, [c], [], summary_context())
    assert je_lines(p) == Counter(
        {
            ("40", "Credit", D("17.00")): 1,
            ("91", "Debit", D("7.00")): 1,  # PayPal clearing, cleared by PayPal's own payouts
            ("60", "Debit", D("0.50")): 1,
            ("35", "Debit", D("9.50")): 1,
        }
    )
    assert p.tied_out and p.clean


def test_a_sale_already_posted_on_its_own_is_not_posted_again() -> None:
    a, b, _ = _two_orders_and_a_refund()
    rows = [balance(1, "CHARGE", "144.32"), balance(2, "CHARGE", "10.00")]
    p = propose_payout_summary(payout("154.32"), rows, [a], [], summary_context(), posted_sales=[b])
    lines = je_lines(p)
    # b's sale receipt already debited the clearing account; its charge now credits it.
    assert lines[("90", "Credit", D("10.00"))] == 1
    assert ("41", "Credit", D("20.00")) not in lines
    assert p.tied_out and sides(p)[0] == sides(p)[1]


def test_a_charge_without_its_sale_is_a_failed_tie_out_and_the_entry_still_balances() -> None:
    a, _, _ = _two_orders_and_a_refund()
    rows = [balance(1, "CHARGE", "144.32"), balance(2, "CHARGE", "10.00")]
    p = propose_payout_summary(payout("154.32"), rows, [a], [], summary_context())
    failed = [t for t in p.tieouts if not t.ok]
    assert [t.name for t in failed] == [
        "charges − refunds settled = Shopify Payments received − refunded"
    ]
    assert (failed[0].expected, failed[0].actual) == (D("154.32"), D("144.32"))
    assert FlagCode.TIEOUT_FAILED in codes(p)
    debits, credits = sides(p)
    assert debits == credits


def test_an_item_whose_income_account_is_unknown_is_flagged_not_dropped() -> None:
    a, _, _ = _two_orders_and_a_refund()
    ctx = summary_context(item_accounts={})
    p = propose_payout_summary(payout("144.32"), [balance(1, "CHARGE", "144.32")], [a], [], ctx)
    assert FlagCode.UNMAPPED_ACCOUNT in codes(p) and not p.clean
    unmapped = sorted(k for k in je_lines(p) if k[0] is None)
    # Still shown with their amounts: each item on a line naming what is missing, and the
    # shipping (whose item has no known account and no shipping-income role either).
    assert unmapped == [
        (None, "Credit", D("5.00")),
        (None, "Credit", D("39.00")),
        (None, "Credit", D("90.00")),
    ]
    messages = " ".join(f.message for f in p.flags)
    assert "item 101" in messages and "item 102" in messages


def test_a_negative_payout_credits_the_bank() -> None:
    rows = [balance(1, "REFUND", "-30.00"), balance(2, "ADJUSTMENT", "-2.00")]
    r = refund((), (refund_tx("shopify_payments", "30.00"),), adjustments="-30.00")
    a, _, _ = _two_orders_and_a_refund()
    p = propose_payout_summary(
        payout("-32.00", kind="WITHDRAWAL"), rows, [], [(r, a)], summary_context()
    )
    assert je_lines(p)[("35", "Credit", D("32.00"))] == 1
    assert p.tied_out and sides(p)[0] == sides(p)[1]


def test_tax_included_sales_credit_income_net_of_tax() -> None:
    o = order(
        (line(1, "120.00", tax="20.00"),),
        (sale(1, "shopify_payments", "120.00"),),
        taxes_included=True,
    )
    ctx = summary_context(company=Company(country="GB", home_currency="GBP"))
    p = propose_payout_summary(payout("120.00"), [balance(1, "CHARGE", "120.00")], [o], [], ctx)
    assert je_lines(p) == Counter(
        {
            ("40", "Credit", D("100.00")): 1,
            ("70", "Credit", D("20.00")): 1,
            ("35", "Debit", D("120.00")): 1,
        }
    )
    assert p.tied_out and p.clean


OTHER_TYPES = ["ADJUSTMENT", "RESERVED_FUNDS", "RESERVED_FUNDS_REVERSAL", "CHARGEBACK_FEE",
               "DISPUTE_WITHDRAWAL", "DISPUTE_REVERSAL"]  # fmt: skip
signed_cents = st.integers(min_value=-20_000, max_value=20_000).map(lambda n: D(n) / 100)
fees = st.integers(min_value=0, max_value=500).map(lambda n: D(n) / 100)


@st.composite
def payouts(draw: st.DrawFn) -> Any:
    sales = draw(st.lists(random_orders(), min_size=0, max_size=5))
    rows = []
    refunds = []
    n = 0
    for o in sales:
        received = sum((t.amount for t in o.transactions if t.gateway == "shopify_payments"), D(0))
        if received:
            n += 1
            rows.append(balance(n, "CHARGE", str(received), fee=str(draw(fees))))
        if received and draw(st.booleans()):
            first = o.line_items[0]
            amount = min(first.unit_price, received)
            r = refund(
                (RefundLine(first.id, 1, amount, D(0)),),
                (refund_tx("shopify_payments", str(amount)),),
            )
            refunds.append((r, o))
            n += 1
            rows.append(balance(n, "REFUND", str(-amount)))
    for kind in draw(st.lists(st.sampled_from(OTHER_TYPES), max_size=3)):
        n += 1
        rows.append(balance(n, kind, str(draw(signed_cents)), fee=str(draw(fees))))
    net = sum((r.amount - r.fee for r in rows), D(0))
    everything_mapped = dict(summary_context().accounts)
    everything_mapped.update({Role.CHARGEBACKS.value: Ref("61"), Role.RESERVES.value: Ref("62")})
    return (
        payout(str(net), kind="WITHDRAWAL" if net < 0 else "DEPOSIT"),
        rows,
        sales,
        refunds,
        everything_mapped,
    )


@settings(max_examples=120, deadline=None)
@given(payouts())
def test_random_payouts_give_balanced_journal_entries_tied_to_the_net(case: Any) -> None:
    po, rows, sales, refunds, accounts = case
    ctx = summary_context(accounts=accounts)
    p = propose_payout_summary(po, rows, sales, refunds, ctx)
    debits, credits = sides(p)
    assert debits == credits
    bank = je_lines(p)
    bank_amount = sum(
        (amount * k if posting == "Debit" else -amount * k)
        for (account, posting, amount), k in bank.items()
        if account == ctx.accounts[Role.BANK.value].value
    )
    assert bank_amount == po.net
    assert all(amount > 0 for (_, _, amount) in bank)
    assert p.tied_out, p.tieouts
    assert p.clean, p.flags
    assert ctx.accounts[clearing_role("shopify_payments")].value not in {a for (a, _, _) in bank}, (
        "every charge and refund of the payout matches a sale or refund it summarises"
    )
