"""Reading the Orders export into Order records: formats, conventions, gaps and every way a
row can be wrong. No store here; see test_csv_import_store for what is written."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.csv_import.csv_files import ORDERS_HEADER, first_row, next_row, row, write
from tests.csv_import.realistic import write_realistic
from workbench.domain.records import Order
from workbench.shopify.csv_common import open_rows
from workbench.shopify.csv_order_rules import split_tax_name
from workbench.shopify.csv_orders import OrdersReader, ParsedOrder

H = ORDERS_HEADER
D = Decimal


def parse(
    path: Path, tz: ZoneInfo | None = None, **shop: object
) -> tuple[list[ParsedOrder], list[str], list[str]]:
    header, rows, handle = open_rows(path, "orders")
    with handle:
        reader = OrdersReader(header, file=path.name, tz=tz, **shop)  # type: ignore[arg-type]
        parsed = list(reader.orders(rows))
    return (
        parsed,
        [i.format(path.name) for i in sorted(reader.issues, key=lambda i: i.line)],
        [i.format(path.name) for i in sorted(reader.warnings, key=lambda i: i.line)],
    )


def by_name(parsed: list[ParsedOrder]) -> dict[str, Order]:
    return {p.order.name: p.order for p in parsed}


# The realistic file ---------------------------------------------------------------------------


def test_realistic_file_totals_tie(tmp_path: Path) -> None:
    parsed, errors, warnings = parse(write_realistic(tmp_path / "orders_export_1.csv"))
    assert errors == [] and warnings == []
    orders = by_name(parsed)
    assert list(orders) == ["#1001", "#1002", "#1003", "#1004", "#1005", "#1006"]
    for order in orders.values():
        goods = sum((li.original_total for li in order.line_items), D(0))
        discount = sum((li.discount for li in order.line_items), D(0)) + sum(
            (s.discount for s in order.shipping_lines), D(0)
        )
        shipping = sum((s.price for s in order.shipping_lines), D(0))
        assert discount == order.total_discounts, order.name
        assert shipping == order.total_shipping, order.name
        assert sum((t.amount for t in order.tax_lines), D(0)) == order.total_tax, order.name
        assert goods - discount + shipping + order.total_tax == order.total_price, order.name
        assert goods - discount == order.subtotal, order.name


def test_realistic_first_order_reads_like_the_api(tmp_path: Path) -> None:
    parsed, _, _ = parse(write_realistic(tmp_path / "orders_export_1.csv"))
    first = parsed[0]
    order = first.order
    assert order.id == "gid://shopify/Order/5001"
    assert (order.name, order.number, order.currency) == ("#1001", 1001, "USD")
    assert order.created_at == datetime(2025, 12, 6, 15, 36, 16, tzinfo=UTC)
    assert order.local_date == date(2025, 12, 6)
    assert order.financial_status == "PAID"
    assert order.customer_name == "Zoë K." and order.email == "zoe@example.com"
    assert order.tags == ("vip", "newsletter") and order.source_name == "web"
    assert order.gateways == ("shopify_payments",)
    assert [(t.title, t.rate, t.amount) for t in order.tax_lines] == [
        ("NY State Tax", D("0.04"), D("3.67")),
        ("New York City Tax", D("0.045"), D("4.13")),
        ("Metropolitan Commuter Transportation District", D("0.00375"), D("0.34")),
    ]
    hoodie, mug = order.line_items
    assert hoodie.id == "gid://shopify/LineItem/csv-5001-1"
    assert (hoodie.sku, hoodie.title, hoodie.quantity) == ("HD-BLK-M", "Hoodie - Black / M", 2)
    assert (hoodie.unit_price, hoodie.original_total, hoodie.discount) == (
        D("45.00"), D("90.00"), D("9.00")
    )  # fmt: skip
    assert (mug.position, mug.discount, mug.product_key) == (1, D("1.20"), "sku:MUG-12OZ")
    assert [(s.title, s.price) for s in order.shipping_lines] == [("Standard Shipping", D("5.99"))]
    (sale,) = order.transactions
    assert (sale.kind, sale.status, sale.gateway, sale.amount) == (
        "SALE", "SUCCESS", "shopify_payments", D("105.93")
    )  # fmt: skip
    assert sale.id == "gid://shopify/OrderTransaction/csv-5001-sale"
    assert order.total_received == D("105.93") and order.refunds == ()
    # the raw payload is the merchant's cells, with the multi-line note intact
    assert first.raw["lines"] == [2, 4]
    assert first.raw["rows"][0]["Notes"] == "Leave at the door, please\nbuzzer broken"
    assert first.raw["rows"][0]["Billing Street"] == "12 Main St, Apt 4"


def test_realistic_refunds_and_statuses(tmp_path: Path) -> None:
    orders = by_name(parse(write_realistic(tmp_path / "x.csv"))[0])
    split = orders["#1002"]
    assert split.gateways == ("gift_card", "shopify_payments")
    assert [(t.gateway, t.amount) for t in split.transactions] == [
        ("gift_card + shopify_payments", D("60.22"))
    ]
    (refund,) = split.refunds
    assert refund.id == "gid://shopify/Refund/csv-5002"
    assert refund.total == D("20.06") and refund.lines == ()
    # dated at the latest instant the export knows: the fulfilment
    assert refund.created_at == datetime(2025, 12, 8, 14, 0, tzinfo=UTC)
    (refund_tx,) = refund.transactions
    assert (refund_tx.kind, refund_tx.status, refund_tx.amount) == ("REFUND", "SUCCESS", D("20.06"))
    assert split.total_refunded == D("20.06")

    gift = orders["#1003"]
    assert gift.transactions == () and gift.total_received == 0
    assert gift.line_items[0].is_gift_card and gift.line_items[0].sku is None
    assert gift.gateways == ("Cash on Delivery (COD)",)

    cancelled = orders["#1004"]
    assert cancelled.cancelled_at == datetime(2025, 12, 7, 16, 0, tzinfo=UTC)
    assert cancelled.refunds[0].created_at == cancelled.cancelled_at
    assert cancelled.financial_status == "REFUNDED"
    assert cancelled.transactions[0].amount == D("34.50")
    assert cancelled.shipping_lines[0].title == "Economy"

    assert orders["#1005"].transactions == ()
    partly = orders["#1006"]
    assert partly.total_received == D("60.00") and partly.transactions[0].amount == D("60.00")


def test_bom_crlf_and_plain_files_read_the_same(tmp_path: Path) -> None:
    excel = parse(write_realistic(tmp_path / "a.csv", bom=True, crlf=True))[0]
    plain = parse(write_realistic(tmp_path / "b.csv", bom=False, crlf=False))[0]
    assert [p.order for p in excel] == [p.order for p in plain]
    assert [p.fingerprint for p in excel] == [p.fingerprint for p in plain]


# Header tolerance ---------------------------------------------------------------------------


def test_reordered_added_and_missing_optional_columns(tmp_path: Path) -> None:
    baseline = parse(write_realistic(tmp_path / "a.csv"))[0]
    shuffled = list(reversed(H))
    extra = ["Payout ID", "VAT", "Business Entity Name", "Business Entity ID", "Sales Channel"]
    wanted = [c for c in [*extra, *shuffled] if c not in {"Employee", "Device ID", "Phone"}]
    from tests.csv_import.realistic import realistic_rows

    rows = []
    for cells in realistic_rows():
        named = dict(zip(H, cells, strict=True))
        rows.append([named.get(c, "junk, with a comma") for c in wanted])
    parsed, errors, _ = parse(write(tmp_path / "b.csv", wanted, rows))
    assert errors == []
    assert [p.order for p in parsed] == [p.order for p in baseline]
    # order-independent fingerprint: the same cells in another column order
    assert parsed[0].raw["rows"][0]["Payout ID"] == "junk, with a comma"


def test_header_names_ignore_case_and_spaces(tmp_path: Path) -> None:
    header = [f"  {c.upper()} " if c in {"Total", "Name"} else c for c in H]
    path = write(tmp_path / "x.csv", header, [row(H, first_row("#1", "1"))])
    parsed, errors, _ = parse(path)
    assert errors == [] and parsed[0].order.total_price == D("90.00")


def test_quoted_newlines_advance_the_line_numbers(tmp_path: Path) -> None:
    rows = [
        row(H, first_row("#1", "1", Notes="three\nline\nnote")),
        row(H, first_row("#2", "2", Total="oops")),
    ]
    _, errors, _ = parse(write(tmp_path / "x.csv", H, rows))
    assert errors == [
        "x.csv:5: Total 'oops' is not an amount (expected e.g. 1234.50); order #2 skipped"
    ]


# Gaps filled deterministically ----------------------------------------------------------------


def test_tax_names_carry_the_rate() -> None:
    assert split_tax_name("CGST 9%") == ("CGST", D("0.09"))
    assert split_tax_name("NY State Tax 4%") == ("NY State Tax", D("0.04"))
    assert split_tax_name("VAT 20% (included)") == ("VAT (included)", D("0.2"))
    assert split_tax_name("GST (12.5%)") == ("GST", D("0.125"))
    assert split_tax_name("Sales tax") == ("Sales tax", D(0))


def test_order_discount_not_on_the_lines_is_spread_to_the_cent(tmp_path: Path) -> None:
    rows = [
        row(H, first_row("#1", "1", Subtotal="92.00", Total="92.00",
                         **{"Discount Amount": "10.00", "Lineitem discount": ""})),
        row(H, next_row("#1")),
    ]  # fmt: skip
    (parsed,), errors, warnings = parse(write(tmp_path / "x.csv", H, rows))
    lines = parsed.order.line_items
    assert errors == warnings == []
    assert [li.discount for li in lines] == [D("8.83"), D("1.17")]  # 90:12 of 10.00
    assert sum(li.discount for li in lines) == D("10.00")


def test_free_shipping_discount_lands_on_shipping(tmp_path: Path) -> None:
    rows = [
        row(H, first_row("#1", "1", Subtotal="0.00", Shipping="5.00", Total="0.00",
                         **{"Discount Amount": "5.00", "Lineitem price": "0.00"})),
    ]  # fmt: skip
    (parsed,), _, warnings = parse(write(tmp_path / "x.csv", H, rows))
    assert warnings == []
    assert parsed.order.shipping_lines[0].discount == D("5.00")


def test_taxes_included_inferred_or_taken_from_the_shop(tmp_path: Path) -> None:
    vat = {"Tax 1 Name": "VAT 20%", "Tax 1 Value": "15.00"}
    rows = [row(H, first_row("#1", "1", Taxes="15.00", Total="90.00", **vat))]
    path = write(tmp_path / "x.csv", H, rows)
    (inferred,), _, warnings = parse(path)
    assert inferred.order.taxes_included and warnings == []
    (from_shop,), _, warnings = parse(path, taxes_included=True)
    assert from_shop.order.taxes_included and warnings == []
    _, _, warnings = parse(path, taxes_included=False)
    assert warnings == [
        "x.csv:2: order #1: totals do not tie: lines 90.00 − discount 0.00 + shipping 0.00 + "
        "taxes 15.00 = 105.00, but Total is 90.00 (imported as exported; posting will flag it)"
    ]


def test_test_gateway_marks_a_test_order(tmp_path: Path) -> None:
    rows = [row(H, first_row("#1", "1", **{"Payment Method": "(for testing) Bogus Gateway"}))]
    (parsed,), _, _ = parse(write(tmp_path / "x.csv", H, rows))
    assert parsed.order.test and parsed.order.gateways == ("bogus",)
    assert not parsed.order.is_proposable


def test_shop_zone_decides_the_local_date(tmp_path: Path) -> None:
    # 23:30 in New York is already the next day in London.
    rows = [row(H, first_row("#1", "1", **{"Created at": "2025-12-06 23:30:00 -0500"}))]
    path = write(tmp_path / "x.csv", H, rows)
    assert parse(path)[0][0].order.local_date == date(2025, 12, 6)
    assert parse(path, ZoneInfo("Europe/London"))[0][0].order.local_date == date(2025, 12, 7)


def test_times_without_offset_need_the_shop_zone(tmp_path: Path) -> None:
    rows = [row(H, first_row("#1", "1", **{"Created at": "2025-12-06 10:00:00"}))]
    path = write(tmp_path / "x.csv", H, rows)
    parsed, errors, _ = parse(path)
    assert parsed == [] and "has no UTC offset and the shop's time zone is unknown" in errors[0]
    (parsed_tz,), _, _ = parse(path, ZoneInfo("America/New_York"))
    assert parsed_tz.order.created_at == datetime(2025, 12, 6, 15, 0, tzinfo=UTC)


def test_paid_order_without_outstanding_column_received_the_total(tmp_path: Path) -> None:
    header = [c for c in H if c != "Outstanding Balance"]
    cells = first_row("#1", "1")
    del cells["Outstanding Balance"]
    (parsed,), _, _ = parse(write(tmp_path / "x.csv", header, [row(header, cells)]))
    assert parsed.order.total_received == D("90.00")


def test_same_order_twice_warns_and_keeps_both_occurrences(tmp_path: Path) -> None:
    rows = [row(H, first_row("#1", "1")), row(H, first_row("#1", "1", Total="91.00"))]
    parsed, errors, warnings = parse(write(tmp_path / "x.csv", H, rows))
    assert len(parsed) == 2 and errors == []
    assert "x.csv:3: order #1 appears again (first at line 2); the later rows win" in warnings


# Every way a row can be wrong -----------------------------------------------------------------


def _errors(tmp_path: Path, rows: list[list[str]], header: list[str] = H) -> list[str]:
    return parse(write(tmp_path / "bad.csv", header, rows))[1]


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"Total": "12,50"}, "bad.csv:3: Total '12,50' is not an amount (expected e.g. 1234.50)"),
        ({"Total": "NaN"}, "bad.csv:3: Total 'NaN' is not an amount"),
        ({"Subtotal": ""}, "bad.csv:3: Subtotal is empty"),
        ({"Created at": "06/12/2025 10:36"},
         "bad.csv:3: Created at '06/12/2025 10:36' is not a date and time (expected e.g. "
         "2025-12-06 10:36:16 -0500)"),
        ({"Cancelled at": "yesterday"}, "bad.csv:3: Cancelled at 'yesterday' is not a date"),
        ({"Financial Status": "sort_of_paid"}, "bad.csv:3: Financial Status 'sort_of_paid' is "
                                               "unknown (expected one of authorized, expired,"),
        ({"Id": "abc"}, "bad.csv:3: Id 'abc' is not a Shopify order id (digits)"),
        ({"Lineitem quantity": "1.5"}, "bad.csv:3: Lineitem quantity '1.5' is not a whole number"),
        ({"Lineitem quantity": "-1"}, "bad.csv:3: Lineitem quantity '-1' is not a whole number"),
        ({"Lineitem taxable": "maybe"}, "bad.csv:3: Lineitem taxable 'maybe' is not true or false"),
        ({"Tax 1 Name": "GST 5%", "Tax 1 Value": "five"},
         "bad.csv:3: Tax 1 Value 'five' is not an"),
        ({"Currency": "", "Total": "90.00"}, None),  # a first row still (Total, Id); no currency
    ],
)  # fmt: skip
def test_bad_first_row_skips_that_order_only(
    tmp_path: Path, cells: dict[str, str], expected: str | None
) -> None:
    rows = [row(H, first_row("#1", "1")), row(H, first_row("#2", "2", **cells)),
            row(H, next_row("#2")), row(H, first_row("#3", "3"))]  # fmt: skip
    parsed, errors, _ = parse(write(tmp_path / "bad.csv", H, rows))
    if expected is None:
        expected = "bad.csv:3: Currency is empty and no shop currency is known"
    assert [p.order.name for p in parsed] == ["#1", "#3"]
    assert len(errors) == 1 and errors[0].startswith(expected), errors
    assert errors[0].endswith("; order #2 skipped")


def test_bad_later_row_names_its_own_line(tmp_path: Path) -> None:
    rows = [row(H, first_row("#1", "1")), row(H, next_row("#1")),
            row(H, next_row("#1", **{"Lineitem price": "twelve"}))]  # fmt: skip
    parsed, errors, _ = parse(write(tmp_path / "bad.csv", H, rows))
    assert parsed == []
    assert errors == [
        "bad.csv:4: Lineitem price 'twelve' is not an amount (expected e.g. 1234.50); "
        "order #1 skipped"
    ]


def test_missing_name(tmp_path: Path) -> None:
    rows = [row(H, first_row("#1", "1")), row(H, next_row(""))]
    parsed, errors, _ = parse(write(tmp_path / "bad.csv", H, rows))
    assert [p.order.name for p in parsed] == ["#1"]
    assert errors == ["bad.csv:3: Name is empty: the row cannot be tied to an order"]


def test_row_of_an_order_whose_first_row_is_missing(tmp_path: Path) -> None:
    rows = [row(H, first_row("#1", "1")), row(H, next_row("#7")), row(H, first_row("#2", "2"))]
    parsed, errors, _ = parse(write(tmp_path / "bad.csv", H, rows))
    assert [p.order.name for p in parsed] == ["#1", "#2"]
    assert errors == [
        "bad.csv:3: row of order #7 whose first row (the one with Id, Financial Status and "
        "Total) is missing"
    ]


def test_rows_of_an_order_split_apart(tmp_path: Path) -> None:
    rows = [row(H, first_row("#1", "1")), row(H, first_row("#2", "2")), row(H, next_row("#1"))]
    _, errors, _ = parse(write(tmp_path / "bad.csv", H, rows))
    assert errors[0].startswith(
        "bad.csv:4: row of order #1 is not next to that order's other rows (first at line 2)"
    )


def test_too_few_and_too_many_cells(tmp_path: Path) -> None:
    good = row(H, first_row("#1", "1"))
    text = ",".join(H) + "\n" + ",".join(good) + "\n#1,a@b.c,,3\n#2,x\n"
    text += ",".join(row(H, first_row("#3", "3"))) + ",,\n"  # trailing empty cells: fine
    text += ",".join(row(H, first_row("#4", "4"))) + ",surprise\n"
    (tmp_path / "bad.csv").write_text(text)
    parsed, errors, _ = parse(tmp_path / "bad.csv")
    assert [p.order.name for p in parsed] == ["#3"]
    assert errors == [
        "bad.csv:2: order #1 skipped: its row at line 3 cannot be read",
        "bad.csv:3: row has 4 cells but the header has 79",
        "bad.csv:4: row has 2 cells but the header has 79",
        "bad.csv:6: row has 80 cells but the header has 79",
    ]


def test_undecodable_bytes_are_reported_not_fatal(tmp_path: Path) -> None:
    good = ",".join(row(H, first_row("#1", "1"))).encode()
    latin = ",".join(row(H, first_row("#2", "2", **{"Billing Name": "Zoë"}))).encode("cp1252")
    (tmp_path / "bad.csv").write_bytes(b",".join(h.encode() for h in H) + b"\n" + latin + b"\n"
                                       + good + b"\n")  # fmt: skip
    parsed, errors, _ = parse(tmp_path / "bad.csv")
    assert [p.order.name for p in parsed] == ["#1"]
    assert errors == ["bad.csv:2: not UTF-8 text (re-export the file, or save it as 'CSV UTF-8')"]


def test_blank_lines_are_not_rows(tmp_path: Path) -> None:
    text = ",".join(H) + "\n\n" + ",".join(row(H, first_row("#1", "1"))) + "\n\n"
    text += ",".join(row(H, first_row("#2", "2", Total="x"))) + "\n"
    (tmp_path / "x.csv").write_text(text)
    parsed, errors, _ = parse(tmp_path / "x.csv")
    assert len(parsed) == 1 and errors[0].startswith("x.csv:5: Total 'x'")
