"""Re-assembling bulk JSONL: Shopify's sample files, and children far from their parents."""

from __future__ import annotations

import itertools
import json
import random
import tempfile
from pathlib import Path
from typing import IO, Any

import pytest

from workbench.shopify.bulk_jsonl import BulkResultError, BulkTree, default_field

JSON = dict[str, Any]


def as_file(text: str | bytes) -> IO[bytes]:
    file = tempfile.TemporaryFile()  # noqa: SIM115 - the caller closes it
    file.write(text.encode() if isinstance(text, str) else text)
    file.flush()
    return file


def read(text: str | bytes, fields: dict[str, str] | None = None) -> list[JSON]:
    with as_file(text) as file:
        return list(BulkTree(file, fields))


def dump(row: JSON) -> str:
    """One line as Shopify writes it: compact, slashes escaped."""
    return json.dumps(row, separators=(",", ":")).replace("/", "\\/")


# --- Shopify's sample files -----------------------------------------------------------------------


def test_fulfillment_orders_sample(shared_fixtures: Path) -> None:
    raw = (shared_fixtures / "shopify/bulk_result_fulfillment_orders.jsonl").read_bytes()
    fields = {
        "FulfillmentOrderLineItem": "lineItems",
        "FulfillmentOrderMerchantRequest": "merchantRequests",
    }
    [order] = read(raw, fields)
    assert order["id"] == "gid://shopify/Order/1"
    [fulfillment] = order["fulfillmentOrders"]
    assert fulfillment["id"] == "gid://shopify/FulfillmentOrder/2"
    assert "__parentId" not in fulfillment
    assert fulfillment["assignedLocation"]["location"]["locationId"] == "gid://shopify/Location/123"
    assert [li["id"] for li in fulfillment["lineItems"]] == [
        "gid://shopify/FulfillmentOrderLineItem/3"
    ]
    assert fulfillment["merchantRequests"][0]["kind"] == "FULFILLMENT_REQUEST"


def test_inventory_levels_sample(shared_fixtures: Path) -> None:
    raw = (shared_fixtures / "shopify/bulk_result_inventory_levels.jsonl").read_bytes()
    [location] = read(raw)
    levels = location["inventoryLevels"]  # the default field name for InventoryLevel rows
    assert [level["available"] for level in levels] == [15, 8]
    assert levels[0]["id"].endswith("?inventory_item_id=42185200631997")


def test_inlined_transactions_sample(shared_fixtures: Path) -> None:
    raw = (shared_fixtures / "shopify/bulk_result_order_transactions_inline.jsonl").read_bytes()
    [order] = read(raw)
    [transaction] = order["transactions"]
    assert transaction["amount"] == "102.00" and transaction["kind"] == "SALE"
    assert transaction["paymentDetails"]["creditCardNumber"] == "•••• •••• •••• 1"


# --- order of rows -------------------------------------------------------------------------------


def tree(orders: int, seed: int) -> list[JSON]:
    rng = random.Random(seed)
    out = []
    for n in range(orders):
        order: JSON = {"id": f"gid://shopify/Order/{n}", "name": f"#{1000 + n}", "tags": ["a/b"]}
        order["lineItems"] = [
            {"__typename": "LineItem", "id": f"gid://shopify/LineItem/{n}{k}", "sku": f"S/{k}"}
            for k in range(rng.randrange(0, 4))
        ]
        order["fulfillmentOrders"] = [
            {
                "__typename": "FulfillmentOrder",
                "id": f"gid://shopify/FulfillmentOrder/{n}{k}",
                "lineItems": [
                    {"__typename": "FulfillmentOrderLineItem", "id": f"gid://x/FOLI/{n}{k}{j}"}
                    for j in range(rng.randrange(1, 3))
                ],
            }
            for k in range(rng.randrange(0, 3))
        ]
        out.append(order)
    return out


def flatten(orders: list[JSON], rng: random.Random) -> list[str]:
    """Rows with every child placed at a random position after its parent."""
    lines: list[tuple[JSON, str | None]] = []

    def place(row: JSON, parent: str | None, after: int) -> None:
        own = {k: v for k, v in row.items() if k not in {"lineItems", "fulfillmentOrders"}}
        if parent is not None:
            own["__parentId"] = parent
        at = rng.randrange(after + 1, len(lines) + 1) if lines else 0
        lines.insert(at, (own, parent))
        children = [*row.get("lineItems", ()), *row.get("fulfillmentOrders", ())]
        for child in children:
            place(child, row["id"], lines.index((own, parent)))

    for order in orders:
        place(order, None, len(lines) - 1)
    return [dump(row) for row, _ in lines]


FIELDS = {"FulfillmentOrderLineItem": "lineItems"}


def normal(orders: list[JSON]) -> list[JSON]:
    """Drop empty child lists (an object without children has no rows to attach)."""

    def clean(row: JSON) -> JSON:
        return {
            k: [clean(c) for c in v] if k in {"lineItems", "fulfillmentOrders"} else v
            for k, v in row.items()
            if not (k in {"lineItems", "fulfillmentOrders"} and not v)
        }

    return [clean(o) for o in orders]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_children_anywhere_after_their_parent(seed: int) -> None:
    orders = tree(60, seed)
    lines = flatten(orders, random.Random(seed))
    rows = [json.loads(line) for line in lines]
    # Some child is neither next to its parent nor to a sibling: not merely grouped.
    assert any(
        row.get("__parentId") not in (before.get("id"), before.get("__parentId"))
        for before, row in itertools.pairwise(rows)
        if "__parentId" in row
    )
    got = read("\n".join(lines) + "\n", FIELDS)
    got_by_id = {o["id"]: o for o in got}
    assert len(got) == 60
    for expected in normal(orders):
        order = got_by_id[expected["id"]]
        # Children in file order may differ from the original order; compare as sets per field.
        for field in ("lineItems", "fulfillmentOrders"):
            assert sorted(c["id"] for c in order.get(field, [])) == sorted(
                c["id"] for c in expected.get(field, [])
            )
        for fulfillment in order.get("fulfillmentOrders", []):
            assert fulfillment["lineItems"] and "__parentId" not in fulfillment
        assert order["tags"] == ["a/b"]  # escaped slashes read back


def test_roots_come_back_in_file_order_and_children_in_file_order() -> None:
    rows = [
        {"id": "gid://shopify/Order/2"},
        {"id": "gid://shopify/Order/1"},
        {
            "__typename": "LineItem",
            "id": "gid://shopify/LineItem/b",
            "__parentId": "gid://shopify/Order/1",
        },
        {"id": "gid://shopify/Order/3"},
        {
            "__typename": "LineItem",
            "id": "gid://shopify/LineItem/a",
            "__parentId": "gid://shopify/Order/1",
        },
        {"id": "gid://shopify/LineItem/c", "__parentId": "gid://shopify/Order/2"},  # no typename
    ]
    got = read("\n".join(dump(r) for r in rows))  # no final newline
    assert [o["id"] for o in got] == [f"gid://shopify/Order/{n}" for n in (2, 1, 3)]
    assert [li["id"][-1] for li in got[1]["lineItems"]] == ["b", "a"]
    assert got[0]["lineItems"] == [{"id": "gid://shopify/LineItem/c"}]
    assert "lineItems" not in got[2]


def test_a_nested_key_named_parent_id_is_not_taken_for_the_row_s() -> None:
    row = {"id": "gid://shopify/Order/1", "meta": {"__parentId": "gid://shopify/Order/9"}}
    assert read(dump(row)) == [row]


def test_orphans_and_bad_lines_are_errors() -> None:
    orphan = dump({"id": "gid://shopify/LineItem/1", "__parentId": "gid://shopify/Order/404"})
    with pytest.raises(BulkResultError, match="1 rows name a parent that is not in the file"):
        read(dump({"id": "gid://shopify/Order/1"}) + "\n" + orphan + "\n")
    with pytest.raises(BulkResultError, match="not valid JSON"):
        read('{"id": "gid://shopify/Order/1"}\n{"id": \n')


def test_empty_and_blank_files() -> None:
    assert read("") == []
    assert read("\n\n") == []


def test_default_field() -> None:
    assert default_field("LineItem") == "lineItems"
    assert default_field("ShippingLine") == "shippingLines"
