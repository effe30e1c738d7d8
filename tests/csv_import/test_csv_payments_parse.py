"""Reading the Shopify Payments transactions export into BalanceTransaction records, from every
known header variant (reference/shopify.md §9)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.csv_import.csv_files import (
    PAYMENTS_HEADER,
    PAYMENTS_HEADER_OLD,
    PAYMENTS_HEADER_PAYOUT_ID,
    payment,
    row,
    write,
)
from workbench.shopify.csv_common import open_rows
from workbench.shopify.csv_payments import ParsedBalance, PaymentsReader, balance_type

D = Decimal


def parse(
    path: Path, tz: ZoneInfo | None = None
) -> tuple[list[ParsedBalance], list[str], list[str]]:
    header, rows, handle = open_rows(path, "payments")
    with handle:
        reader = PaymentsReader(header, file=path.name, tz=tz)
        parsed = list(reader.balances(rows))
    return (
        parsed,
        [i.format(path.name) for i in reader.issues],
        [i.format(path.name) for i in reader.warnings],
    )


def test_the_2025_file_reads_every_field(tmp_path: Path) -> None:
    rows = [
        row(PAYMENTS_HEADER, payment()),
        row(PAYMENTS_HEADER, payment(Type="refund", Amount="-30.05", Fee="0.00", Net="-30.05",
                                     **{"Presentment Amount": "30.05", "Order": "#1002",
                                        "Payout Status": "pending", "Payout Date": ""})),
    ]  # fmt: skip
    parsed, errors, warnings = parse(write(tmp_path / "p.csv", PAYMENTS_HEADER, rows, bom=True))
    assert errors == warnings == []
    charge, refund = (p.record for p in parsed)
    assert (charge.type, charge.known_type, charge.amount, charge.fee, charge.net) == (
        "CHARGE", True, D("28.25"), D("1.22"), D("27.03")
    )  # fmt: skip
    assert charge.transaction_date == datetime(2025, 11, 4, 23, 58, 25, tzinfo=UTC)
    assert charge.local_date == date(2025, 11, 4)
    assert (charge.order_name, charge.order_id, charge.currency) == ("#1001", None, "USD")
    assert (charge.payout_id, charge.payout_status) == (None, "PAID")
    assert charge.id.startswith("gid://shopify/ShopifyPaymentsBalanceTransaction/csv-")
    assert (refund.type, refund.amount, refund.payout_status) == ("REFUND", D("-30.05"), "PENDING")
    assert parsed[0].raw["cells"]["Checkout"] == "#38060178800897"
    assert parsed[0].raw["line"] == 2


def test_payout_id_links_the_payout(tmp_path: Path) -> None:
    h = PAYMENTS_HEADER_PAYOUT_ID
    rows = [row(h, {**payment(), "Payout ID": "128765432"})]
    (parsed,), errors, _ = parse(write(tmp_path / "p.csv", h, rows, crlf=True))
    assert errors == []
    assert parsed.record.payout_id == "gid://shopify/ShopifyPaymentsPayout/128765432"
    assert parsed.record.payout_status == "PAID"


def test_variants_give_the_same_ids(tmp_path: Path) -> None:
    """The same transaction in the 12-, 16-, 17- and 19-column files is the same record."""
    cells = payment()
    old = row(PAYMENTS_HEADER_OLD, {k: v for k, v in cells.items() if k in PAYMENTS_HEADER_OLD})
    eu = [*PAYMENTS_HEADER, "VAT", "Business Entity Name", "Business Entity ID"]
    eu_cells = {**cells, "VAT": "0.24", "Business Entity Name": "Fernwood BV"}
    payout_id = PAYMENTS_HEADER_PAYOUT_ID
    reordered = list(reversed(PAYMENTS_HEADER))
    files = {
        "old": (PAYMENTS_HEADER_OLD, [old]),
        "2025": (PAYMENTS_HEADER, [row(PAYMENTS_HEADER, cells)]),
        "2026": (payout_id, [row(payout_id, {**cells, "Payout ID": "9"})]),
        "eu": (eu, [row(eu, {**eu_cells, "Business Entity ID": "77"})]),
        "reordered": (reordered, [row(reordered, cells)]),
    }
    ids = set()
    for name, (header, rows) in files.items():
        (parsed,), errors, _ = parse(write(tmp_path / f"{name}.csv", header, rows))
        assert errors == [], name
        ids.add(parsed.record.id)
        assert parsed.record.net == D("27.03")
    assert len(ids) == 1


def test_status_changes_keep_the_id_but_not_the_fingerprint(tmp_path: Path) -> None:
    pending = payment(**{"Payout Status": "pending", "Payout Date": ""})
    (before,), _, _ = parse(
        write(tmp_path / "a.csv", PAYMENTS_HEADER, [row(PAYMENTS_HEADER, pending)])
    )
    (after,), _, _ = parse(
        write(tmp_path / "b.csv", PAYMENTS_HEADER, [row(PAYMENTS_HEADER, payment())])
    )
    assert before.record.id == after.record.id
    assert before.fingerprint != after.fingerprint


def test_identical_rows_are_kept_apart_by_ordinal(tmp_path: Path) -> None:
    credit = payment(Type="shop_cash_credit", Amount="15.00", Fee="0.37", Net="14.63")
    rows = [row(PAYMENTS_HEADER, credit)] * 2 + [row(PAYMENTS_HEADER, payment())]
    path = write(tmp_path / "p.csv", PAYMENTS_HEADER, rows)
    first, second, charge = (p.record.id for p in parse(path)[0])
    assert first.endswith("-1") and second.endswith("-2") and first[:-2] == second[:-2]
    assert len({first, second, charge}) == 3
    assert [p.record.id for p in parse(path)[0]] == [first, second, charge]  # deterministic


@pytest.mark.parametrize(
    ("written", "stored", "known"),
    [
        ("charge", "CHARGE", True),
        ("refund", "REFUND", True),
        ("marketplace sales tax", "MARKETPLACE_SALES_TAX", False),
        ("shop_cash_campaign_billing_debit", "SHOP_CASH_CAMPAIGN_BILLING_DEBIT", False),
        ("payout", "TRANSFER", True),
        ("Chargeback Fee", "CHARGEBACK_FEE", True),
        ("some-future type", "SOME_FUTURE_TYPE", False),
    ],
)
def test_types_are_normalised_and_unknown_ones_kept(
    tmp_path: Path, written: str, stored: str, known: bool
) -> None:
    assert balance_type(written) == stored
    rows = [row(PAYMENTS_HEADER, payment(Type=written))]
    (parsed,), errors, _ = parse(write(tmp_path / "p.csv", PAYMENTS_HEADER, rows))
    assert errors == []
    assert (parsed.record.type, parsed.record.known_type) == (stored, known)


def test_shop_zone_decides_the_local_date(tmp_path: Path) -> None:
    rows = [row(PAYMENTS_HEADER, payment(**{"Transaction Date": "2025-11-04 21:30:00 -0500"}))]
    path = write(tmp_path / "p.csv", PAYMENTS_HEADER, rows)
    assert parse(path)[0][0].record.local_date == date(2025, 11, 4)
    assert parse(path, ZoneInfo("Europe/Berlin"))[0][0].record.local_date == date(2025, 11, 5)


def test_net_that_does_not_tie_is_kept_with_a_warning(tmp_path: Path) -> None:
    rows = [row(PAYMENTS_HEADER, payment(Net="27.00"))]
    (parsed,), errors, warnings = parse(write(tmp_path / "p.csv", PAYMENTS_HEADER, rows))
    assert errors == [] and parsed.record.net == D("27.00")
    assert warnings == ["p.csv:2: Net 27.00 is not Amount 28.25 − Fee 1.22 (kept as exported)"]


@pytest.mark.parametrize(
    ("cells", "reason"),
    [
        ({"Amount": "28,25"}, "Amount '28,25' is not an amount (expected e.g. 1234.50)"),
        ({"Fee": ""}, "Fee is empty"),
        ({"Transaction Date": "Nov 4"}, "Transaction Date 'Nov 4' is not a date and time"),
        ({"Type": " "}, "Type is empty"),
        ({"Currency": ""}, "Currency is empty and no shop currency is known"),
    ],
)
def test_bad_rows_are_reported_by_line_and_the_rest_kept(
    tmp_path: Path, cells: dict[str, str], reason: str
) -> None:
    rows = [row(PAYMENTS_HEADER, payment()), row(PAYMENTS_HEADER, payment(**cells)),
            row(PAYMENTS_HEADER, payment(Order="#1003"))]  # fmt: skip
    parsed, errors, _ = parse(write(tmp_path / "p.csv", PAYMENTS_HEADER, rows))
    assert [p.record.order_name for p in parsed] == ["#1001", "#1003"]
    assert len(errors) == 1 and errors[0].startswith(f"p.csv:3: {reason}")


def test_bad_payout_id_and_short_rows(tmp_path: Path) -> None:
    h = PAYMENTS_HEADER_PAYOUT_ID
    text = ",".join(h) + "\n" + ",".join(row(h, {**payment(), "Payout ID": "P-1"})) + "\n"
    text += "2025-11-04 18:58:25 -0500,charge,#1001\n"
    (tmp_path / "p.csv").write_text(text)
    parsed, errors, _ = parse(tmp_path / "p.csv")
    assert parsed == []
    assert errors == [
        "p.csv:2: Payout ID 'P-1' is not a Shopify payout id (digits)",
        "p.csv:3: row has 3 cells but the header has 17",
    ]


def test_unclosed_quote_is_reported_with_its_line(tmp_path: Path) -> None:
    good = ",".join(row(PAYMENTS_HEADER, payment()))
    text = ",".join(PAYMENTS_HEADER) + "\n" + good + '\n"2025-11-04,charge\n' + good + "\n"
    (tmp_path / "p.csv").write_text(text)
    parsed, errors, _ = parse(tmp_path / "p.csv")
    # The open quote swallows the rest of the file into one cell: that record is refused.
    assert len(parsed) == 1
    assert errors == ["p.csv:3: row has 1 cells but the header has 16"]
