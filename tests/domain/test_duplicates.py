"""The duplicate guard, one test for each kind the bookkeeper has been burnt by."""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from workbench.domain.duplicates import (
    DuplicateKind,
    OrderFacts,
    PayoutFacts,
    QboRecord,
    guard_orders,
    guard_payouts,
    identify,
)

D = Decimal
DAY = date(2026, 11, 4)
BANK = "35"


def payout(n: int, net: str = "812.10", day: date = DAY) -> PayoutFacts:
    return PayoutFacts(f"shopify:payout:{n}:v1", str(n), day, D(net), "USD", BANK)


def deposit(
    n: str, amount: str = "812.10", day: date = DAY, memo: str = "", **kw: object
) -> QboRecord:
    values: dict[str, object] = dict(qbo_type="Deposit", id=n, txn_date=day, amount=D(amount),
                                     currency="USD", account_id=BANK, memo=memo)  # fmt: skip
    values.update(kw)
    return QboRecord(**values)  # type: ignore[arg-type]


def only(flags: list, key: str):  # type: ignore[no-untyped-def,type-arg]
    return next(f for f in flags if f.key == key)


def test_a_bank_feed_deposit_of_the_payout_is_flagged_with_its_evidence() -> None:
    flags = guard_payouts(
        [payout(4403)], [deposit("91", day=DAY + timedelta(days=1), memo="SHOPIFY TRANSFER ST-1")]
    )
    flag = only(flags, "shopify:payout:4403:v1")
    assert flag.kind is DuplicateKind.DUPLICATE_PAYOUT and flag.chosen is not None
    reasons = " / ".join(flag.candidates[0].reasons)
    assert "amount 812.10" in reasons and "1 day(s) after" in reasons and "Shopify" in reasons


def test_the_key_identifies_our_own_entry_and_nothing_else() -> None:
    ours = deposit("7", memo="Shopify payout 4403 · shopify:payout:4403:v1")
    look_alike = deposit("8", memo="SHOPIFY")
    flags = guard_payouts([payout(4403)], [ours, look_alike])
    flag = only(flags, "shopify:payout:4403:v1")
    assert flag.kind is DuplicateKind.ALREADY_POSTED and flag.chosen == ours
    assert not flag.needs_review


def test_a_linked_id_is_never_matched_to_another_payout() -> None:
    ours = deposit("7", memo="shopify:payout:4403:v1")
    flags = guard_payouts([payout(5000)], [ours])
    assert flags == []


def test_a_record_linked_by_the_bookkeeper_is_never_offered_to_another_payout() -> None:
    bank_feed = deposit("91", memo="SHOPIFY TRANSFER")
    linked = {"shopify:payout:1:v1": ("Deposit", "91")}
    flags = guard_payouts([payout(1), payout(2)], [bank_feed], linked)
    first = only(flags, "shopify:payout:1:v1")
    assert first.kind is DuplicateKind.ALREADY_POSTED and first.chosen == bank_feed
    assert not [f for f in flags if f.key == "shopify:payout:2:v1"]


def test_keys_are_exact_tokens_and_versioned() -> None:
    assert identify([deposit("1", memo="shopify:payout:44030:v1")]).keys() == {
        "shopify:payout:44030:v1"
    }
    # A record posted under an older key format still identifies that payout (same id), so a
    # new key version never posts it twice.
    old = deposit("2", memo="shopify:payout:4403:v0")
    assert identify([old])["shopify:payout:4403:v1"] == old
    flag = only(guard_payouts([payout(4403)], [old]), "shopify:payout:4403:v1")
    assert flag.kind is DuplicateKind.ALREADY_POSTED


def test_amount_one_cent_off_does_not_match() -> None:
    assert guard_payouts([payout(1)], [deposit("9", amount="812.11")]) == []


def test_a_refund_never_matches_a_charge_of_the_same_absolute_amount() -> None:
    assert guard_payouts([payout(1, net="-50.00")], [deposit("9", amount="50.00")]) == []


def test_currency_must_agree() -> None:
    assert guard_payouts([payout(1)], [deposit("9", currency="CAD")]) == []


def test_window_edges() -> None:
    for days, expected in ((-2, 1), (-3, 0), (7, 1), (8, 0)):
        flags = guard_payouts([payout(1)], [deposit("9", day=DAY + timedelta(days=days))])
        assert len(flags) == expected, days


def test_other_bank_account_is_not_a_candidate() -> None:
    assert guard_payouts([payout(1)], [deposit("9", account_id="99")]) == []


def test_the_closer_date_wins() -> None:
    far, near = deposit("1", day=DAY + timedelta(days=5)), deposit("2", day=DAY + timedelta(days=1))
    flag = only(guard_payouts([payout(1)], [far, near]), "shopify:payout:1:v1")
    assert flag.chosen == near and [c.record for c in flag.candidates] == [near, far]


def test_same_amount_and_date_but_different_payouts_stay_two() -> None:
    flags = guard_payouts([payout(1), payout(2)], [deposit("A")])
    chosen = [f.chosen for f in flags if f.chosen]
    assert len(chosen) == 1, "one deposit can stand for at most one payout"
    assert all(f.needs_review for f in flags)


def test_two_identical_payouts_and_deposits_pair_one_to_one_in_any_order() -> None:
    payouts = [payout(1), payout(2)]
    deposits = [deposit("A"), deposit("B")]
    results = set()
    for p_order, d_order in (
        (payouts, deposits),
        (payouts[::-1], deposits[::-1]),
        (payouts, deposits[::-1]),
    ):
        flags = guard_payouts(p_order, d_order)
        pairs = frozenset((f.key, f.chosen.id) for f in flags if f.chosen)
        assert len(pairs) == 2 and len({d for _, d in pairs}) == 2
        assert all("equally likely" in " ".join(f.notes) for f in flags)
        results.add(pairs)
    assert len(results) == 1


def test_a_reconciled_deposit_is_only_ever_linked() -> None:
    flag = guard_payouts([payout(1)], [deposit("9", reconciled=True)])[0]
    assert any("reconciled" in note for note in flag.notes)


def test_an_order_posted_by_another_tool() -> None:
    order = OrderFacts("shopify:order:55:v1", "#1043", D("84.20"), "USD")
    other = QboRecord("SalesReceipt", "300", DAY, D("84.20"), "USD", doc_number="1043")
    different_total = QboRecord("SalesReceipt", "301", DAY, D("84.21"), "USD", doc_number="1043")
    flags = guard_orders([order], [other, different_total])
    assert len(flags) == 1 and flags[0].kind is DuplicateKind.POSSIBLY_POSTED_ELSEWHERE
    assert [c.record.id for c in flags[0].candidates] == ["300"]
    ours = QboRecord(
        "SalesReceipt", "302", DAY, D("84.20"), "USD", memo="shopify:order:55:v1", doc_number="1043"
    )
    flags = guard_orders([order], [other, ours])
    assert flags[0].kind is DuplicateKind.ALREADY_POSTED and flags[0].chosen == ours


@settings(max_examples=60, deadline=None)
@given(st.randoms(use_true_random=False), st.integers(2, 12))
def test_result_does_not_depend_on_input_order(rng: random.Random, n: int) -> None:
    nets = [str(D(rng.choice([100, 250, 999])) / 10) for _ in range(n)]
    payouts = [payout(i, nets[i], DAY + timedelta(days=rng.randint(0, 3))) for i in range(n)]
    deposits = [
        deposit(f"D{i}", nets[i % n], DAY + timedelta(days=rng.randint(0, 5)),
                memo=rng.choice(["", "SHOPIFY", f"SHOPIFY {i}"]))
        for i in range(n)
    ]  # fmt: skip

    def outcome(ps: list[PayoutFacts], ds: list[QboRecord]) -> set[tuple[str, str | None]]:
        return {(f.key, f.chosen.id if f.chosen else None) for f in guard_payouts(ps, ds)}

    expected = outcome(payouts, deposits)
    shuffled_p, shuffled_d = payouts[:], deposits[:]
    rng.shuffle(shuffled_p)
    rng.shuffle(shuffled_d)
    assert outcome(shuffled_p, shuffled_d) == expected


def test_many_candidates_stay_within_a_latency_cap() -> None:
    payouts = [payout(i, "500.00", DAY + timedelta(days=i % 10)) for i in range(400)]
    deposits = [deposit(str(i), "500.00", DAY + timedelta(days=i % 12)) for i in range(400)]
    started = time.perf_counter()
    flags = guard_payouts(payouts, deposits)
    elapsed = time.perf_counter() - started
    assert len({f.chosen.id for f in flags if f.chosen}) == sum(1 for f in flags if f.chosen)
    # 160,000 pairs: generous cap for a 2-core CI machine; the point is no quadratic blow-up.
    assert elapsed < 5.0, elapsed
