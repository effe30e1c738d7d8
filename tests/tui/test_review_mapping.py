"""`m` on an order maps a product line through the fuzzy item picker; the alias is learned
(with the reviewer's name) and the order's proposal is rebuilt with the item."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from tests.factories import order_node
from tests.tui.tab_pilot import press, settle
from workbench.domain.proposals import ProposalState
from workbench.errors import WorkbenchError
from workbench.qbo.models import QboObject
from workbench.services.propose import propose_all
from workbench.services.workspace import Workspace
from workbench.shopify.normalize import order_from_graphql
from workbench.store import shopify_repo
from workbench.store.engine import Store
from workbench.store.qbo_repo import save_objects
from workbench.store.tables import ItemAliasRow, LineItemRow, ProposalRow
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.line_chooser import LineChooser
from workbench.tui.screens.main import MainScreen
from workbench.tui.widgets.activity_list import ActivityList
from workbench.tui.widgets.item_picker import ItemPicker

TZ = ZoneInfo("America/New_York")
STICKER_ORDER, BEANIE_ORDER = "shopify:order:1005:v1", "shopify:order:1006:v1"
ITEMS = [
    ("7", "Hoodie Black M", "HD-BLK-M"),
    ("9", "Mug 12oz", "MUG-12OZ"),
    ("21", "T-Shirt Red Small", None),
    ("22", "Beanie Charcoal", None),
    ("23", "Gift wrap service", None),
    ("24", "Vinyl Decal Set", None),
]


def item(qbo_id: str, name: str, sku: str | None) -> QboObject:
    body: dict[str, Any] = {"Id": qbo_id, "Name": name, "FullyQualifiedName": name,
                            "Type": "NonInventory", "Active": True, "SyncToken": "0"}  # fmt: skip
    if sku:
        body["Sku"] = sku
    return QboObject.from_json("Item", body)


@pytest.fixture
def store(small_store: Store) -> Store:
    """The small store, its QuickBooks items, and two new orders whose product no item
    matches for sure: #1005's sticker pack (nothing alike) and #1006's beanie (suggested)."""
    nodes = [
        order_node(1005, processed_at="2026-11-05T15:00:00Z", total="12.00",
                   lines=[("STK-PACK", "Sticker Pack", 1, "12.00")]),
        order_node(1006, processed_at="2026-11-06T15:00:00Z", total="28.00",
                   lines=[("BNE-MER", "Merino Beanie", 1, "28.00")]),
    ]  # fmt: skip
    with small_store.session() as session:
        save_objects(session, "9130", [item(*i) for i in ITEMS])
        orders = [order_from_graphql(n, TZ) for n in nodes]
        shopify_repo.save_orders(session, orders, nodes, "api")
    propose_all(small_store)
    return small_store


def proposal(store: Store, key: str) -> ProposalRow:
    with store.session() as session:
        row = session.get(ProposalRow, key)
        assert row is not None
        return row


def alias_of(store: Store, sku: str) -> ItemAliasRow | None:
    with store.session() as session:
        key = session.scalars(
            select(LineItemRow.product_key).where(LineItemRow.sku == sku)  # type: ignore[arg-type]
        ).one()
        return session.get(ItemAliasRow, key)


async def test_m_maps_the_unmapped_line_by_search_and_rebuilds_the_proposal(store: Store) -> None:
    before = proposal(store, STICKER_ORDER)
    assert before.state == ProposalState.NEEDS_ATTENTION
    assert before.lines[0]["target"] is None
    app = WorkbenchApp(Workspace(store), user="ana")
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "j")
        row = app.screen.query_one(ActivityList).row_at(1)
        assert row is not None and row.label == "#1005 Order"
        await press(pilot, "m")
        picker = app.screen
        # One line, unmapped: straight to the picker, which names the line.
        assert isinstance(picker, ItemPicker)
        assert "Sticker Pack (STK-PACK)" in picker.title_text
        await press(pilot, *"decal")
        assert picker.choices[0].id == "24"
        await press(pilot, "enter")
        assert isinstance(app.screen, MainScreen)
        assert any("Vinyl Decal Set" in n.message for n in app._notifications)
    alias = alias_of(store, "STK-PACK")
    assert alias is not None and (alias.item_id, alias.decided_by) == ("24", "ana")
    after = proposal(store, STICKER_ORDER)
    assert after.lines[0]["target"] == "Item:24"
    assert after.state == ProposalState.PENDING


async def test_m_offers_the_matchers_suggestions_and_enter_takes_the_first(store: Store) -> None:
    app = WorkbenchApp(Workspace(store), user="ana")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")  # #1006, the newest: a merino beanie
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, ItemPicker)
        assert [c.id for c in picker.choices] == ["22"]  # Beanie Charcoal, suggested
        assert "beanie" in picker.choices[0].note
        await press(pilot, "enter")
    alias = alias_of(store, "BNE-MER")
    assert alias is not None and alias.item_id == "22"
    assert proposal(store, BEANIE_ORDER).lines[0]["target"] == "Item:22"


async def test_m_on_an_order_of_mapped_lines_asks_which_line(store: Store) -> None:
    app = WorkbenchApp(Workspace(store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("G")  # #1001: Hoodie (item 7) and Mug (item 9), both mapped
        await settle(pilot)
        await press(pilot, "m")
        chooser = app.screen
        assert isinstance(chooser, LineChooser)
        assert [line.sku for line in chooser.lines] == ["HD-BLK-M", "MUG-12OZ"]
        await press(pilot, "2")
        picker = app.screen
        assert isinstance(picker, ItemPicker)
        # Changing a mapping: the current item is offered first, marked as such.
        assert picker.choices[0].id == "9" and picker.choices[0].note == "current mapping"
        await press(pilot, "escape")
        assert isinstance(app.screen, MainScreen)
    with store.session() as session:
        aliases = {a.product_key: a.item_id for a in session.scalars(select(ItemAliasRow))}
    assert aliases["gid://shopify/ProductVariant/MUG-12OZ"] == "9"


async def test_m_is_not_offered_on_a_payout(store: Store) -> None:
    app = WorkbenchApp(Workspace(store))
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        activity = app.screen.query_one(ActivityList)
        labels = [r.label for i in range(activity.row_count) if (r := activity.row_at(i))]
        activity.move_to(labels.index("Payout 77"))
        await settle(pilot)
        await press(pilot, "m")
        assert isinstance(app.screen, MainScreen)


async def test_a_failed_mapping_is_a_notification_and_the_app_carries_on(
    store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    workspace = Workspace(store)

    def broken(*args: object, **kwargs: object) -> None:
        raise WorkbenchError("item 24 is inactive in QuickBooks: pick an active one")

    monkeypatch.setattr(workspace, "map_product", broken)
    app = WorkbenchApp(workspace)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "j", "m")
        assert isinstance(app.screen, ItemPicker)
        await press(pilot, *"decal", "enter")
        screen = app.screen
        assert isinstance(screen, MainScreen) and app.is_running
        assert any("inactive in QuickBooks" in n.message for n in app._notifications)
        assert not screen.mapping and not screen.has_class("-syncing")
        assert screen.check_action("map_line", ())  # `m` works again
