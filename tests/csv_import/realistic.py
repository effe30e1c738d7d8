"""A small, realistic Orders export written by hand (79 columns, as Shopify writes them):
discounts, multi-jurisdiction tax, shipping, a partial refund, a split tender, a gift card, a
cancelled and refunded order, a voided one and a partly paid one; addresses and notes with
commas and line breaks; empty cells written as ``""`` where Shopify writes them so."""

from __future__ import annotations

from pathlib import Path

from tests.csv_import.csv_files import ORDERS_HEADER, csv_text, first_row, next_row, row

NY = {
    "Tax 1 Name": "NY State Tax 4%",
    "Tax 2 Name": "New York City Tax 4.5%",
    "Tax 3 Name": "Metropolitan Commuter Transportation District 0.375%",
}


def realistic_rows() -> list[list[str]]:
    h = ORDERS_HEADER
    # #1001: 10% code over two lines, shipping, three NY taxes. 102.00 − 10.20 = 91.80.
    first_1001 = first_row("#1001", "5001", Subtotal="91.80", Shipping="5.99", Taxes="8.14")
    first_1001.update(NY)
    first_1001.update(
        {
            "Total": "105.93",
            "Tax 1 Value": "3.67",
            "Tax 2 Value": "4.13",
            "Tax 3 Value": "0.34",
            "Discount Code": "WELCOME10",
            "Discount Amount": "10.20",
            "Shipping Method": "Standard Shipping",
            "Lineitem discount": "9.00",
            "Billing Street": "12 Main St, Apt 4",
            "Notes": "Leave at the door, please\nbuzzer broken",
            "Tags": "vip, newsletter",
        }
    )
    # #1002: split tender (gift card + card), partially refunded, taxed.
    split_1002 = first_row("#1002", "5002", Subtotal="55.50", Taxes="4.72", Total="60.22")
    split_1002.update(
        {
            "Tax 1 Name": "NY State Tax 4%",
            "Tax 1 Value": "2.22",
            "Tax 2 Name": "New York City Tax 4.5%",
            "Tax 2 Value": "2.50",
            "Financial Status": "partially_refunded",
            "Refunded Amount": "20.06",
            "Payment Method": "gift_card + shopify_payments",
            "Lineitem quantity": "3",
            "Lineitem name": "Soy Candle - Lavender",
            "Lineitem price": "18.50",
            "Lineitem sku": "CNDL-LAV",
            "Fulfilled at": "2025-12-08 09:00:00 -0500",
        }
    )
    # #1003: a gift card sold, cash on delivery, not paid yet.
    gift_1003 = first_row("#1003", "5003", Subtotal="50.00", Total="50.00")
    gift_1003.update(
        {
            "Financial Status": "pending",
            "Paid at": "",
            "Outstanding Balance": "50.00",
            "Payment Method": "Cash on Delivery (COD)",
            "Lineitem quantity": "1",
            "Lineitem name": "Fernwood Gift Card - $50",
            "Lineitem price": "50.00",
            "Lineitem sku": "",
            "Lineitem requires shipping": "false",
            "Lineitem taxable": "false",
        }
    )
    # #1004: cancelled and refunded in full, tax exempt, shipped by Economy.
    cancelled_1004 = first_row("#1004", "5004", Subtotal="30.00", Shipping="4.50", Total="34.50")
    cancelled_1004.update(
        {
            "Financial Status": "refunded",
            "Refunded Amount": "34.50",
            "Cancelled at": "2025-12-07 11:00:00 -0500",
            "Shipping Method": "Economy",
            "Lineitem quantity": "1",
            "Lineitem name": "Linen Apron - Natural",
            "Lineitem price": "30.00",
            "Lineitem sku": "APR-NAT",
        }
    )
    # #1005: voided authorisation.
    voided_1005 = first_row("#1005", "5005", Subtotal="20.00", Total="20.00")
    voided_1005.update(
        {
            "Financial Status": "voided",
            "Paid at": "",
            "Lineitem quantity": "1",
            "Lineitem name": "Tea Towel",
            "Lineitem price": "20.00",
            "Lineitem sku": "TT-1",
        }
    )
    # #1006: partly paid (deposit of 60.00 on 100.00), POS.
    partly_1006 = first_row("#1006", "5006", Subtotal="100.00", Total="100.00", Source="pos")
    partly_1006.update(
        {
            "Financial Status": "partially_paid",
            "Outstanding Balance": "40.00",
            "Lineitem quantity": "4",
            "Lineitem name": "Stool",
            "Lineitem price": "25.00",
            "Lineitem sku": "STL",
        }
    )
    return [
        row(h, first_1001),
        row(h, next_row("#1001", **{"Lineitem discount": "1.20"})),
        row(h, split_1002),
        row(h, gift_1003),
        row(h, cancelled_1004),
        row(h, voided_1005),
        row(h, partly_1006),
    ]


def write_realistic(path: Path, *, bom: bool = True, crlf: bool = True) -> Path:
    """As Excel on Windows would leave it: BOM and CRLF."""
    text = csv_text(ORDERS_HEADER, realistic_rows(), crlf=crlf)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8"))
    return path
