"""The sandbox generator: deterministic, vendor-shaped, and tied out to the cent.

Every expected number here is recomputed from the generated data itself (lines → totals,
rows → payout nets, transactions → received), never copied from a previous run, so a change
that breaks a tie-out fails here instead of in a downstream test that is harder to read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workbench.sandbox.dataset import JSON, SandboxData
from workbench.sandbox.generator import generate


def words(text: str) -> list[str]:
    return text.split()


END = dt.date(2026, 11, 20)
SHOP_TZ = ZoneInfo("America/New_York")
CENT = Decimal("0.01")
ZERO = Decimal("0")
MONEY_RE = re.compile(r"^-?(0|[1-9]\d*)\.(0|\d?[1-9])$")
UTC_RE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
GATEWAYS = {"shopify_payments", "paypal", "gift_card", "manual"}
ORDER_KEYS = words(
    """id legacyResourceId name number createdAt processedAt updatedAt cancelledAt cancelReason
closedAt currencyCode presentmentCurrencyCode test taxesIncluded taxExempt edited sourceName
tags email note customer displayFinancialStatus displayFulfillmentStatus subtotalPriceSet
totalDiscountsSet totalShippingPriceSet totalTaxSet totalPriceSet totalTipReceivedSet
currentSubtotalPriceSet currentTotalDiscountsSet currentTotalTaxSet currentTotalPriceSet
totalReceivedSet totalRefundedSet totalRefundedShippingSet netPaymentSet totalOutstandingSet
paymentGatewayNames discountCodes taxLines lineItems shippingLines discountApplications
refunds transactions"""
)
LINE_KEYS = words(
    """id name title variantTitle sku vendor quantity currentQuantity isGiftCard taxable
requiresShipping originalUnitPriceSet originalTotalSet discountedTotalSet
discountedUnitPriceSet totalDiscountSet discountAllocations taxLines product variant"""
)
PAYOUT_SUMMARY = words(
    """chargesGross chargesFee refundsFeeGross refundsFee adjustmentsGross adjustmentsFee
reservedFundsGross reservedFundsFee retriedPayoutsGross retriedPayoutsFee advanceGross
advanceFees"""
)


# -- helpers ----------------------------------------------------------------------------


def bag(value: JSON) -> Decimal:
    """A MoneyBag's shop amount; the presentment side must say the same in a USD-only shop."""
    shop, shown = value["shopMoney"], value["presentmentMoney"]
    assert shop == shown, value
    assert shop["currencyCode"] == "USD"
    return Decimal(shop["amount"])


def money(value: JSON) -> Decimal:
    assert value["currencyCode"] == "USD"
    return Decimal(value["amount"])


def half_up(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def local_day(stamp: str) -> dt.date:
    moment = dt.datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    return moment.astimezone(SHOP_TZ).date()


def walk(node: Any, path: str = "") -> Iterator[tuple[str, str, Any]]:
    """Every (path, key, value) in a nested JSON value."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield path, key, value
            yield from walk(value, f"{path}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}[{index}]")


def successes(order: JSON, *kinds: str) -> list[JSON]:
    return [t for t in order["transactions"] if t["kind"] in kinds and t["status"] == "SUCCESS"]


def check_order(order: JSON) -> None:
    """Every tie-out a bookkeeper relies on, recomputed from the order's own parts."""
    name = order["name"]
    assert set(ORDER_KEYS) <= set(order), name
    apps = {app["index"]: app for app in order["discountApplications"]}
    assert sorted(apps) == list(range(len(apps))), name
    codes = [app["code"] for app in order["discountApplications"] if "code" in app]
    assert order["discountCodes"] == codes

    line_original = line_discount = subtotal = tax = ZERO
    tax_by_title: defaultdict[str, Decimal] = defaultdict(Decimal)
    for line in order["lineItems"]:
        assert set(LINE_KEYS) <= set(line), name
        qty = line["quantity"]
        original = bag(line["originalTotalSet"])
        assert original == bag(line["originalUnitPriceSet"]) * qty, name
        allocated = sum((bag(a["allocatedAmountSet"]) for a in line["discountAllocations"]), ZERO)
        assert all(a["discountApplication"]["index"] in apps for a in line["discountAllocations"])
        assert bag(line["totalDiscountSet"]) == allocated, name
        discounted = bag(line["discountedTotalSet"])
        assert discounted == original - allocated and discounted >= 0, name
        for tax_line in line["taxLines"]:
            price = bag(tax_line["priceSet"])
            assert price == half_up(discounted * Decimal(str(tax_line["rate"]))), name
            assert isinstance(tax_line["rate"], float)
            assert tax_line["ratePercentage"] == pytest.approx(tax_line["rate"] * 100)
            tax_by_title[tax_line["title"]] += price
            tax += price
        if line["isGiftCard"]:
            assert not line["taxable"] and not line["taxLines"] and not allocated, name
            assert bag(line["originalUnitPriceSet"]) in {Decimal(25), Decimal(50), Decimal(100)}
        line_original += original
        line_discount += allocated
        subtotal += discounted
    ship_gross = ship_net = ship_discount = ZERO
    for ship in order["shippingLines"]:
        gross = bag(ship["originalPriceSet"])
        allocated = sum((bag(a["allocatedAmountSet"]) for a in ship["discountAllocations"]), ZERO)
        assert bag(ship["discountedPriceSet"]) == gross - allocated, name
        for tax_line in ship["taxLines"]:
            price = bag(tax_line["priceSet"])
            assert price == half_up((gross - allocated) * Decimal(str(tax_line["rate"]))), name
            tax_by_title[tax_line["title"]] += price
            tax += price
        ship_gross += gross
        ship_net += gross - allocated
        ship_discount += allocated
    tip = bag(order["totalTipReceivedSet"])
    total = bag(order["totalPriceSet"])
    assert bag(order["subtotalPriceSet"]) == subtotal, name
    assert bag(order["totalDiscountsSet"]) == line_discount + ship_discount, name
    assert bag(order["totalShippingPriceSet"]) == ship_gross, name
    assert bag(order["totalTaxSet"]) == tax, name
    assert {t["title"]: bag(t["priceSet"]) for t in order["taxLines"]} == dict(tax_by_title)
    # Both readings of the identity hold: after-discount subtotal + net shipping, and
    # gross lines − all discounts + gross shipping.
    assert subtotal + ship_net + tax + tip == total, name
    assert line_original - bag(order["totalDiscountsSet"]) + ship_gross + tax + tip == total
    if tip:
        assert order["sourceName"] == "pos", name

    received = sum((bag(t["amountSet"]) for t in successes(order, "SALE", "CAPTURE")), ZERO)
    refunded = sum((bag(t["amountSet"]) for t in successes(order, "REFUND")), ZERO)
    assert bag(order["totalReceivedSet"]) == received, name
    assert bag(order["totalRefundedSet"]) == refunded, name
    assert bag(order["netPaymentSet"]) == received - refunded, name
    assert ZERO <= refunded <= received, name
    assert set(order["paymentGatewayNames"]) <= GATEWAYS
    if any(line["isGiftCard"] for line in order["lineItems"]):
        assert "gift_card" not in order["paymentGatewayNames"], name  # Shopify forbids it
    by_id = {t["id"]: t for t in order["transactions"]}
    for txn in order["transactions"]:
        assert txn["test"] == order["test"], name
        fee_expected = (
            txn["gateway"] == "shopify_payments"
            and txn["status"] == "SUCCESS"
            and txn["kind"] in ("SALE", "CAPTURE")
        )
        if fee_expected:
            (fee,) = txn["fees"]
            amount = bag(txn["amountSet"])
            assert money(fee["amount"]) == half_up(amount * Decimal("0.029") + Decimal("0.30"))
            assert fee["rate"] == "0.029" and fee["type"] == "payment_processing"
        else:
            assert txn["fees"] == [], name
        if txn["kind"] in ("REFUND", "CAPTURE", "VOID"):
            parent = by_id[txn["parentTransaction"]["id"]]
            assert parent["gateway"] == txn["gateway"], name

    refund_sum = ZERO
    refunded_qty: Counter[str] = Counter()
    refunded_ship = ZERO
    for refund in order["refunds"]:
        computed = ZERO
        for row in refund["refundLineItems"]:
            refunded_qty[row["lineItem"]["id"]] += row["quantity"]
            computed += bag(row["subtotalSet"]) + bag(row["totalTaxSet"])
        for row in refund["refundShippingLines"]:
            computed += bag(row["subtotalAmountSet"]) + bag(row["taxAmountSet"])
            refunded_ship += bag(row["subtotalAmountSet"])
        for row in refund["orderAdjustments"]:
            assert row["reason"] == "REFUND_DISCREPANCY"
            computed -= bag(row["amountSet"]) + bag(row["taxAmountSet"])
        moved = sum((bag(t["amountSet"]) for t in refund["transactions"]), ZERO)
        assert all(
            t["kind"] == "REFUND" and t["status"] == "SUCCESS" for t in refund["transactions"]
        )
        assert all(t["id"] in by_id for t in refund["transactions"]), name
        assert bag(refund["totalRefundedSet"]) == computed == moved, name
        refund_sum += computed
    assert refund_sum == refunded, name
    assert bag(order["totalRefundedShippingSet"]) == refunded_ship, name
    voided = order["displayFinancialStatus"] == "VOIDED"
    for line in order["lineItems"]:
        left = line["quantity"] - refunded_qty[line["id"]]
        assert left >= 0, name
        assert line["currentQuantity"] == (0 if voided else left), name

    status = order["displayFinancialStatus"]
    if voided:
        assert received == 0 and order["cancelledAt"] is not None, name
        assert bag(order["currentTotalPriceSet"]) == 0
    else:
        assert bag(order["currentTotalPriceSet"]) == total - refunded, name
    if status == "PAID":
        assert received == total and refunded == 0, name
    elif status == "REFUNDED":
        assert received == total and refunded == received > 0, name
    elif status == "PARTIALLY_REFUNDED":
        assert received == total and 0 < refunded < received, name
    elif status in ("PENDING", "AUTHORIZED"):
        assert received == 0 and bag(order["totalOutstandingSet"]) == total, name
    elif status == "PARTIALLY_PAID":
        assert 0 < received < total, name
        assert bag(order["totalOutstandingSet"]) == total - received, name
    else:
        assert status == "VOIDED", (name, status)


def check_payments(data: SandboxData) -> None:
    """Payouts against their rows, and rows against the orders' Shopify Payments money."""
    store = data.store
    rows = store.balance_transactions
    payouts = {p["id"]: p for p in store.payouts}
    payout_day = {p["id"]: local_day(p["issuedAt"]) for p in store.payouts}
    members: dict[str, list[JSON]] = defaultdict(list)
    transfers: dict[str, list[JSON]] = defaultdict(list)
    for row in rows:
        assert money(row["net"]) == money(row["amount"]) - money(row["fee"]), row["id"]
        associated = row["associatedPayout"]
        if associated["id"] is None:
            assert associated["status"] == "PENDING"
            assert row["type"] != "TRANSFER"
            continue
        assert not row["test"], row["id"]
        assert associated["status"] == payouts[associated["id"]]["status"]
        (transfers if row["type"] == "TRANSFER" else members)[associated["id"]].append(row)

    ordered = sorted(store.payouts, key=lambda p: p["issuedAt"])
    if ordered:
        assert ordered[-1]["status"] == "SCHEDULED"
        assert all(p["status"] == "PAID" for p in ordered[:-1])
    days = sorted(payout_day.values())
    for payout_id, payout in payouts.items():
        net = sum((money(r["net"]) for r in members[payout_id]), ZERO)
        assert money(payout["net"]) == net, payout_id
        (transfer,) = transfers[payout_id]
        assert money(transfer["amount"]) == -net and money(transfer["fee"]) == 0
        assert payout["transactionType"] == ("DEPOSIT" if net >= 0 else "WITHDRAWAL")
        summary = payout["summary"]
        assert set(PAYOUT_SUMMARY) <= set(summary)
        charges = [r for r in members[payout_id] if r["type"] == "CHARGE"]
        assert money(summary["chargesGross"]) == sum((money(r["amount"]) for r in charges), ZERO)
        assert money(summary["chargesFee"]) == sum((money(r["fee"]) for r in charges), ZERO)
        pairs = zip(PAYOUT_SUMMARY[::2], PAYOUT_SUMMARY[1::2], strict=True)
        assert sum((money(summary[g]) - money(summary[f]) for g, f in pairs), ZERO) == net
        for row in members[payout_id]:
            # A row lands in the first payout issued at least two days after it happened.
            available = local_day(row["transactionDate"]) + dt.timedelta(days=2)
            assert available <= payout_day[payout_id], row["id"]
            assert not [d for d in days if available <= d < payout_day[payout_id]], row["id"]
    if ordered:
        cutoff = payout_day[ordered[-1]["id"]] - dt.timedelta(days=2)
        for row in rows:
            if row["associatedPayout"]["id"] is None and not row["test"]:
                assert local_day(row["transactionDate"]) > cutoff, row["id"]

    # Every Shopify Payments charge and refund of an order has exactly one balance row.
    by_source = {r["sourceOrderTransactionId"]: r for r in rows if r["sourceOrderTransactionId"]}
    expected = 0
    for order in store.orders:
        for txn in order["transactions"]:
            if txn["gateway"] != "shopify_payments" or txn["status"] != "SUCCESS":
                continue
            sign = {"SALE": 1, "CAPTURE": 1, "REFUND": -1}.get(txn["kind"])
            if sign is None:
                continue
            expected += 1
            row = by_source[txn["id"].rsplit("/", 1)[1]]
            assert row["type"] == ("CHARGE" if sign > 0 else "REFUND")
            assert money(row["amount"]) == sign * bag(txn["amountSet"])
            fee = money(txn["fees"][0]["amount"]) if sign > 0 else ZERO
            assert money(row["fee"]) == fee
            assert row["test"] == order["test"]
            assert row["associatedOrder"] == {"id": order["id"], "name": order["name"]}
    assert expected == len(by_source)

    for dispute in store.disputes:
        source = dispute["legacyResourceId"]
        related = {r["type"]: r for r in rows if r["sourceId"] == source}
        assert money(related["DISPUTE_WITHDRAWAL"]["amount"]) == -money(dispute["amount"])
        assert money(related["CHARGEBACK_FEE"]["amount"]) == Decimal("-15.00")
        assert related["DISPUTE_WITHDRAWAL"]["associatedOrder"] == dispute["order"]
    reserves: dict[str, list[JSON]] = defaultdict(list)
    for row in rows:
        if row["type"].startswith("RESERVED_FUNDS"):
            reserves[row["sourceId"]].append(row)
    for pair in reserves.values():
        held, released = sorted(pair, key=lambda r: r["transactionDate"])
        assert held["type"] == "RESERVED_FUNDS" and released["type"] == "RESERVED_FUNDS_REVERSAL"
        assert money(held["amount"]) == -money(released["amount"]) < 0


def check_wire(data: SandboxData) -> None:
    """Shopify's wire formats everywhere: unpadded money strings, UTC stamps, GIDs."""
    store = data.store
    everything = [
        store.shop,
        store.orders,
        store.payouts,
        store.balance_transactions,
        store.disputes,
    ]
    for path, key, value in walk(everything):
        if key == "amount" and not isinstance(value, dict):  # a dict is a MoneyV2: walked
            assert isinstance(value, str) and MONEY_RE.match(value), (path, value)
            assert value != "-0.0"
            Decimal(value)
        elif key.endswith("At") and value is not None:
            assert isinstance(value, str) and UTC_RE.match(value), (path, key, value)
        elif key == "id" and isinstance(value, str):
            assert value.startswith("gid://shopify/"), (path, value)
        elif key == "legacyResourceId":
            assert isinstance(value, str) and value.isdigit()
        elif isinstance(value, float):
            assert key in ("rate", "ratePercentage", "percentage"), (path, key)


def check_qbo(data: SandboxData) -> None:
    company = data.company
    entities = company.entities
    index = {kind: {e["Id"]: e for e in rows} for kind, rows in entities.items()}
    for kind, rows in entities.items():
        assert len(index[kind]) == len(rows), kind
        for entity in rows:
            assert isinstance(entity["Id"], str)
            if "SyncToken" in entity or kind != "TaxCode":
                assert entity["SyncToken"] == "0" and entity["domain"] == "QBO"
                assert entity["sparse"] is False
            assert {"CreateTime", "LastUpdatedTime"} <= set(entity["MetaData"])

    def points(ref: JSON, kind: str, name_key: str = "Name") -> JSON:
        target = index[kind][ref["value"]]
        if "name" in ref:
            assert ref["name"] == target[name_key], (ref, kind)
        return target

    accounts = entities["Account"]
    names = {a["Name"] for a in accounts}
    assert not any("clearing" in n.lower() and "shopify" in n.lower() for n in names)
    for account in accounts:
        assert ":" not in account["Name"] and '"' not in account["Name"]
        if account.get("ParentRef"):
            parent = points(account["ParentRef"], "Account")
            assert account["FullyQualifiedName"] == f"{parent['Name']}:{account['Name']}"
            assert account["SubAccount"] is True
        else:
            assert account["FullyQualifiedName"] == account["Name"]
    fqns = [i["FullyQualifiedName"].lower() for i in entities["Item"]]
    assert len(fqns) == len(set(fqns))
    for item in entities["Item"]:
        assert item["Type"] in ("Inventory", "NonInventory", "Service")
        income = points(item["IncomeAccountRef"], "Account")
        assert income["AccountType"] in ("Income", "Other Current Liability"), item["Name"]
        if item["Type"] == "Inventory":
            asset = points(item["AssetAccountRef"], "Account")
            assert asset["AccountSubType"] == "Inventory"
            cogs = points(item["ExpenseAccountRef"], "Account")
            assert cogs["AccountType"] == "Cost of Goods Sold"
            assert item["TrackQtyOnHand"] is True
        if item.get("SubItem"):
            parent = points(item["ParentRef"], "Item")
            assert item["FullyQualifiedName"] == f"{parent['Name']}:{item['Name']}"
        else:
            assert item["FullyQualifiedName"] == item["Name"]
    for code in entities["TaxCode"]:
        for detail in code.get("SalesTaxRateList", {}).get("TaxRateDetail", []):
            points(detail["TaxRateRef"], "TaxRate")
    for rate in entities["TaxRate"]:
        index["TaxAgency"][rate["AgencyRef"]["value"]]
    for customer in entities["Customer"]:
        if "DefaultTaxCodeRef" in customer:
            index["TaxCode"][customer["DefaultTaxCodeRef"]["value"]]
    for method in entities["PaymentMethod"]:
        assert method["Type"] in ("CREDIT_CARD", "NON_CREDIT_CARD") and len(method["Name"]) <= 31
    prefs = company.preferences
    assert index["Account"][prefs["SalesFormsPrefs"]["DefaultDiscountAccount"]]
    assert index["TaxCode"][prefs["TaxPrefs"]["TaxGroupCodeRef"]["value"]]
    for deposit in entities.get("Deposit", []):
        bank = points(deposit["DepositToAccountRef"], "Account")
        assert bank["AccountType"] in ("Bank", "Other Current Asset")
        for line in deposit["Line"]:
            points(line["DepositLineDetail"]["AccountRef"], "Account")

    # Ground truth for matching: every sold variant is judged; right answers are live items.
    sold = {
        line["variant"]["id"]
        for order in data.store.orders
        for line in order["lineItems"]
        if line["variant"]
    }
    assert sold <= set(data.item_truth)
    for item_id in data.item_truth.values():
        if item_id is not None:
            assert index["Item"][item_id]["Active"] is True


def check_all(data: SandboxData) -> None:
    for order in data.store.orders:
        check_order(order)
    check_payments(data)
    check_wire(data)
    check_qbo(data)


# -- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def data() -> SandboxData:
    return generate(7, 500, end=END)


# -- determinism and spread ---------------------------------------------------------------


def test_same_inputs_give_identical_output() -> None:
    assert generate(11, 150, end=END) == generate(11, 150, end=END)


def test_different_seeds_differ() -> None:
    one, two = generate(11, 150, end=END), generate(12, 150, end=END)
    assert one.store.orders != two.store.orders
    assert one.company.entities["Item"] != two.company.entities["Item"]


def test_global_random_state_is_left_alone() -> None:
    import random

    random.seed(1)
    before = random.random()
    random.seed(1)
    generate(3, 40, end=END)
    assert random.random() == before


def test_orders_spread_over_days_ending_at_end(data: SandboxData) -> None:
    orders = data.store.orders
    days = Counter(local_day(o["createdAt"]) for o in orders)
    assert max(days) == END
    assert len(days) == -(-500 // 30)
    assert min(days.values()) >= 20 and max(days.values()) <= 40
    stamps = [o["createdAt"] for o in orders]
    assert stamps == sorted(stamps)
    assert [o["name"] for o in orders] == [f"#{1001 + k}" for k in range(500)]
    assert len({o["id"] for o in orders}) == 500


def test_end_defaults_to_today() -> None:
    orders = generate(5, 12).store.orders
    assert local_day(orders[-1]["createdAt"]) == dt.date.today()


def test_zero_orders_is_a_valid_empty_shop() -> None:
    empty = generate(1, 0, end=END)
    assert empty.store.orders == [] and empty.store.payouts == []
    check_all(empty)


# -- invariants -----------------------------------------------------------------------------


def test_invariants_at_the_default_size(data: SandboxData) -> None:
    check_all(data)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
def test_invariants_over_several_seeds(seed: int) -> None:
    check_all(generate(seed, 300, end=END))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    orders=st.integers(min_value=0, max_value=120),
    offset=st.integers(min_value=0, max_value=400),
)
def test_invariants_hold_for_any_seed(seed: int, orders: int, offset: int) -> None:
    # Spans daylight-saving changes and year ends, since ``end`` moves too.
    check_all(generate(seed, orders, end=END - dt.timedelta(days=offset)))


def test_check_catches_a_broken_total(data: SandboxData) -> None:
    """The checks above can fail: a one-cent error in a total is caught."""
    import copy

    order = copy.deepcopy(next(o for o in data.store.orders if o["taxLines"]))
    money_set = order["totalPriceSet"]
    wrong = str(Decimal(money_set["shopMoney"]["amount"]) + CENT)
    money_set["shopMoney"]["amount"] = money_set["presentmentMoney"]["amount"] = wrong
    with pytest.raises(AssertionError):
        check_order(order)


def test_money_strings_are_unpadded() -> None:
    for good in ("0.0", "2000.0", "41.9", "12.35", "-3.45", "0.05"):
        assert MONEY_RE.match(good), good
    for bad in ("41.90", "2000", "2000.00", "01.5", "1.234", "4e1"):
        assert not MONEY_RE.match(bad), bad


# -- required cases at orders=500 -------------------------------------------------------------


def test_every_required_case_is_present(data: SandboxData) -> None:
    store = data.store
    orders = store.orders
    rows = store.balance_transactions
    types = Counter(r["type"] for r in rows)
    assert types["DISPUTE_WITHDRAWAL"] >= 1 and types["CHARGEBACK_FEE"] >= 1
    assert types["RESERVED_FUNDS"] >= 1 and types["RESERVED_FUNDS_REVERSAL"] >= 1
    assert types["ADJUSTMENT"] >= 1
    assert store.disputes and store.disputes[0]["type"] == "CHARGEBACK"
    # Account-level events fall inside paid-out payouts, not just pending.
    paid = {p["id"] for p in store.payouts if p["status"] == "PAID"}
    for kind in ("DISPUTE_WITHDRAWAL", "RESERVED_FUNDS", "RESERVED_FUNDS_REVERSAL", "ADJUSTMENT"):
        assert any(r["type"] == kind and r["associatedPayout"]["id"] in paid for r in rows), kind
    assert [p["status"] for p in store.payouts].count("SCHEDULED") == 1
    assert any(r["associatedPayout"] == {"id": None, "status": "PENDING"} for r in rows)

    tests = [o for o in orders if o["test"]]
    assert tests
    test_rows = [r for r in rows if r["test"]]
    assert test_rows and all(r["associatedPayout"]["id"] is None for r in test_rows)

    cancelled = [o for o in orders if o["cancelledAt"] and o["displayFinancialStatus"] == "VOIDED"]
    assert len(cancelled) == 1
    assert not successes(cancelled[0], "SALE", "CAPTURE")

    def gateways(order: JSON) -> set[str]:
        return {t["gateway"] for t in successes(order, "SALE", "CAPTURE")}

    assert any(gateways(o) == {"gift_card", "shopify_payments"} for o in orders)
    assert 1 <= sum(gateways(o) == {"paypal", "shopify_payments"} for o in orders) <= 2
    assert any(gateways(o) == {"gift_card"} for o in orders)
    assert {"paypal", "manual"} <= set().union(*(gateways(o) for o in orders))
    assert any(line["isGiftCard"] for o in orders for line in o["lineItems"])
    assert any(o["sourceName"] == "pos" and bag(o["totalTipReceivedSet"]) > 0 for o in orders)
    assert any(o["sourceName"] == "shopify_draft_order" for o in orders)
    assert any(
        o["edited"] and bag(o["currentTotalPriceSet"]) != bag(o["totalPriceSet"]) for o in orders
    )
    statuses = Counter(o["displayFinancialStatus"] for o in orders)
    assert {"PAID", "PARTIALLY_REFUNDED", "REFUNDED", "PENDING", "VOIDED"} <= set(statuses)
    assert {"PARTIALLY_PAID", "AUTHORIZED"} <= set(statuses)
    all_txns = [t for o in orders for t in o["transactions"]]
    assert any(t["status"] == "FAILURE" for t in all_txns)
    assert any(t["status"] == "PENDING" for t in all_txns)
    assert any(t["kind"] == "CAPTURE" for t in all_txns)

    refunds = [r for o in orders for r in o["refunds"]]
    assert any(r["refundShippingLines"] and not r["refundLineItems"] for r in refunds)
    assert any(a["reason"] == "REFUND_DISCREPANCY" for r in refunds for a in r["orderAdjustments"])
    full = [o for o in orders if o["displayFinancialStatus"] == "REFUNDED"]
    assert full and any(o["cancelledAt"] for o in full)

    charge_payout = {
        r["associatedOrder"]["id"]: r["associatedPayout"]["id"]
        for r in rows
        if r["type"] == "CHARGE"
    }
    later = [
        r
        for r in rows
        if r["type"] == "REFUND"
        and r["associatedPayout"]["id"] is not None
        and charge_payout.get(r["associatedOrder"]["id"]) not in (None, r["associatedPayout"]["id"])
    ]
    assert later, "no Shopify Payments refund landed in a later payout than its charge"

    typenames = {a["__typename"] for o in orders for a in o["discountApplications"]}
    assert typenames == {
        "DiscountCodeApplication",
        "AutomaticDiscountApplication",
        "ManualDiscountApplication",
    }
    values = {a["value"]["__typename"] for o in orders for a in o["discountApplications"]}
    assert values == {"MoneyV2", "PricingPercentageValue"}
    assert any(s["discountAllocations"] for o in orders for s in o["shippingLines"])
    assert any(o["taxExempt"] for o in orders)
    assert any(line["variant"] is None for o in orders for line in o["lineItems"])

    names = {o["customer"]["displayName"] for o in orders if o["customer"]}
    assert {"Siobhan O'Brien", "Zoë Kowalski"} <= names
    assert any("\\" in n for n in names)
    assert any(o["customer"] is None for o in orders)


def test_payout_nets_equal_their_rows_exactly(data: SandboxData) -> None:
    rows = data.store.balance_transactions
    assert len(data.store.payouts) >= 10
    for payout in data.store.payouts:
        mine = [r for r in rows if r["associatedPayout"]["id"] == payout["id"]]
        body = [r for r in mine if r["type"] != "TRANSFER"]
        (transfer,) = [r for r in mine if r["type"] == "TRANSFER"]
        net = sum((Decimal(r["net"]["amount"]) for r in body), ZERO)
        assert Decimal(payout["net"]["amount"]) == net
        assert Decimal(transfer["amount"]["amount"]) == -net


def test_the_bank_feed_deposit_duplicates_one_paid_payout(data: SandboxData) -> None:
    (deposit,) = data.company.entities["Deposit"]
    accounts = {a["Id"]: a for a in data.company.entities["Account"]}
    assert accounts[deposit["DepositToAccountRef"]["value"]]["Name"] == "Checking"
    assert "SHOPIFY" in deposit["PrivateNote"] and "ST-" in deposit["PrivateNote"]
    (line,) = deposit["Line"]
    assert line["DetailType"] == "DepositLineDetail"
    assert Decimal(str(line["Amount"])) == Decimal(str(deposit["TotalAmt"]))
    matches = [
        p
        for p in data.store.payouts
        if p["status"] == "PAID"
        and Decimal(p["net"]["amount"]) == Decimal(str(deposit["TotalAmt"]))
        and local_day(p["issuedAt"]) + dt.timedelta(days=1)
        == dt.date.fromisoformat(deposit["TxnDate"])
    ]
    assert len(matches) == 1


def test_qbo_company_shape(data: SandboxData) -> None:
    company = data.company
    assert company.realm_id.isdigit() and len(company.realm_id) == 16
    assert company.company_info["Country"] == "US"
    prefs = company.preferences
    assert prefs["SalesFormsPrefs"]["CustomTxnNumbers"] is True
    assert prefs["CurrencyPrefs"] == {
        "HomeCurrency": {"value": "USD"},
        "MultiCurrencyEnabled": False,
    }
    assert prefs["TaxPrefs"]["UsingSalesTax"] is True and prefs["TaxPrefs"]["PartnerTaxEnabled"]
    kinds = {(a["AccountType"], a["AccountSubType"]) for a in company.entities["Account"]}
    for wanted in [
        ("Bank", "Checking"),
        ("Other Current Asset", "UndepositedFunds"),
        ("Income", "SalesOfProductIncome"),
        ("Income", "DiscountsRefundsGiven"),
        ("Other Current Liability", "SalesTaxPayable"),
        ("Expense", "BankCharges"),
        ("Cost of Goods Sold", "SuppliesMaterialsCogs"),
        ("Other Current Asset", "Inventory"),
        ("Accounts Receivable", "AccountsReceivable"),
    ]:
        assert wanted in kinds, wanted
    codes = {c["Id"] for c in company.entities["TaxCode"]}
    assert {"TAX", "NON"} <= codes and len(codes - {"TAX", "NON", "CustomSalesTax"}) >= 1
    methods = {m["Name"] for m in company.entities["PaymentMethod"]}
    assert {"Cash", "Check", "Visa", "MasterCard", "American Express", "PayPal"} <= methods
    customers = {c["DisplayName"] for c in company.entities["Customer"]}
    assert "Shopify Customer" in customers and "Siobhan O'Brien" in customers
    services = {i["Name"] for i in company.entities["Item"] if i["Type"] == "Service"}
    assert {"Shipping", "Discount", "Gift Card"} <= services


def test_items_differ_from_the_store_like_real_books(data: SandboxData) -> None:
    items = {i["Id"]: i for i in data.company.entities["Item"]}
    lines = {
        line["variant"]["id"]: line
        for order in data.store.orders
        for line in order["lineItems"]
        if line["variant"]
    }
    truth = data.item_truth
    assert any(v is None for v in truth.values())
    exact_sku = named_only = nested = 0
    for variant_id, item_id in truth.items():
        if item_id is None or variant_id not in lines:
            continue
        item, line = items[item_id], lines[variant_id]
        if line["sku"] and item.get("Sku") == line["sku"]:
            exact_sku += 1
        if "Sku" not in item:
            named_only += 1
        if item.get("SubItem"):
            nested += 1
    assert exact_sku and named_only and nested
    assert any(not i["Active"] and i["Name"].endswith("(deleted)") for i in items.values())
    # A decoy: a variant with no item while its sibling variants have one.
    by_product: dict[str, list[str | None]] = defaultdict(list)
    for variant_id, line in lines.items():
        by_product[line["product"]["id"] if line["product"] else variant_id].append(
            truth[variant_id]
        )
    assert any(None in ids and any(ids) for ids in by_product.values())
    assert any(line["sku"] == "" for line in lines.values())
    assert any(line["sku"] is None and not line["isGiftCard"] for line in lines.values())


def test_shop_shape(data: SandboxData) -> None:
    shop = data.store.shop
    assert shop["id"].startswith("gid://shopify/Shop/")
    assert shop["myshopifyDomain"].endswith(".myshopify.com")
    assert shop["currencyCode"] == "USD" and shop["ianaTimezone"] == "America/New_York"
    assert shop["taxesIncluded"] is False
    assert set(shop["primaryDomain"]) == {"host", "url"}
