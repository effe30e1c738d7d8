"""The Unmatched SKUs tab: picking a candidate, searching, accepting in bulk after a
confirmation, and creating an item in QuickBooks (the sandbox emulator) all learn an alias and
rebuild the entries that sell the product."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.tui.tab_pilot import SIZE, press, settle
from workbench.services.item_mappings import match_all
from workbench.services.sandbox_session import Sandbox, fill_store, start_sandbox
from workbench.services.workspace import Workspace
from workbench.store.engine import Store, open_store
from workbench.store.tables import ItemAliasRow, ProposalRow
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.confirm import ConfirmScreen
from workbench.tui.screens.item_form import ItemForm
from workbench.tui.tabs.skus import UnmatchedSkusTab
from workbench.tui.widgets.item_picker import ItemPicker

HOODIE = "gid://shopify/ProductVariant/HD-HGR-S"


def _aliases(store: Store) -> dict[str, tuple[str, str]]:
    with store.session() as session:
        return {a.product_key: (a.item_id, a.origin) for a in session.scalars(select(ItemAliasRow))}


async def test_the_queue_lists_products_without_a_confident_item(books: Store) -> None:
    app = WorkbenchApp(Workspace(books), user="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        tab = app.screen.query_one(UnmatchedSkusTab)
        keys = {e.sku for e in tab.entries}
        # Aliased products are not in the queue; the others are, best suggestion first.
        assert keys == {"HD-HGR-S", "BNE-CHR", "GIFTWRAP", "STK-PACK"}
        assert tab.entries[-1].sku == "STK-PACK" and not tab.entries[-1].candidates
        assert all(len(e.candidates) <= 5 for e in tab.entries)


async def test_2_picks_the_second_candidate_and_rebuilds_the_entry(books: Store) -> None:
    with books.session() as session:
        result = next(r for r in match_all(session) if r.key == HOODIE)
    second = result.candidates[1].item_id
    app = WorkbenchApp(Workspace(books), user="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        tab = app.screen.query_one(UnmatchedSkusTab)
        assert tab.selected is not None and tab.selected.key == HOODIE
        await press(pilot, "2")
        assert HOODIE not in {e.key for e in tab.entries}
        assert app.screen.query_one("TabbedContent").active == "skus"  # 2 did not switch tabs
    assert _aliases(books)[HOODIE] == (second, "manual")
    with books.session() as session:
        order = session.get(ProposalRow, "shopify:order:1005:v1")
        assert order is not None
        assert any(line.get("target") == f"Item:{second}" for line in order.lines)


async def test_enter_accepts_the_best_candidate(books: Store) -> None:
    with books.session() as session:
        result = next(r for r in match_all(session) if r.key == HOODIE)
    app = WorkbenchApp(Workspace(books), user="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3", "enter")
    assert _aliases(books)[HOODIE] == (result.candidates[0].item_id, "accepted")


async def test_slash_searches_every_item(books: Store) -> None:
    app = WorkbenchApp(Workspace(books), user="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3", "j", "j", "j")  # Sticker Pack: no candidate at all
        tab = app.screen.query_one(UnmatchedSkusTab)
        assert tab.selected is not None and tab.selected.sku == "STK-PACK"
        await press(pilot, "slash")
        assert isinstance(app.screen, ItemPicker)
        await press(pilot, *"gift wrap")
        assert app.screen.choices[0].id == "15"
        await press(pilot, "enter")
    assert _aliases(books)["gid://shopify/ProductVariant/STK-PACK"] == ("15", "manual")


async def test_A_confirms_with_the_count_then_accepts_every_strong_suggestion(
    books: Store,
) -> None:
    with books.session() as session:
        strong = {
            r.key
            for r in match_all(session)
            if r.state == "suggested" and r.candidates[0].score >= 85
        }
    assert strong  # the fixture has some (and GIFTWRAP scores below)
    app = WorkbenchApp(Workspace(books), user="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3", "A")
        assert isinstance(app.screen, ConfirmScreen)
        assert f"Accept {len(strong)} " in app.screen.title_text
        await press(pilot, "n")
        assert set(_aliases(books)) & strong == set()
        await press(pilot, "A", "y")
        tab = app.screen.query_one(UnmatchedSkusTab)
        assert tab.acceptable == 0
    learned = {k for k, (_, origin) in _aliases(books).items() if origin == "accepted"}
    assert learned == strong


async def test_n_without_quickbooks_says_connect_first(books: Store) -> None:
    app = WorkbenchApp(Workspace(books, qbo=None), user="ana")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(pilot)
        await press(pilot, "3", "n")
        assert not isinstance(app.screen, ItemForm)
        messages = [n.message for n in app._notifications]
    assert any("Connect QuickBooks first" in m for m in messages)


@pytest.fixture
def sandbox_store(tmp_path: Path) -> Iterator[tuple[Store, Sandbox]]:
    store = open_store(f"sqlite:///{tmp_path / 'sandbox.db'}")
    sandbox = start_sandbox(orders=60, seed=9, end=date(2026, 11, 20))
    fill_store(store, sandbox)
    yield store, sandbox
    sandbox.close()
    store.close()


async def test_n_creates_the_item_in_quickbooks_and_maps_it(
    sandbox_store: tuple[Store, Sandbox],
) -> None:
    store, sandbox = sandbox_store
    app = WorkbenchApp(Workspace(store, qbo=sandbox.qbo_client), user="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "3")
        tab = app.screen.query_one(UnmatchedSkusTab)
        index = next(i for i, e in enumerate(tab.entries) if not e.candidates)
        entry = tab.entries[index]
        await press(pilot, *["j"] * index, "n")
        assert isinstance(app.screen, ItemForm)
        form = app.screen
        assert form.defaults.name == entry.title and form.defaults.item_type == "NonInventory"
        assert form.defaults.income_account is not None
        await press(pilot, "enter")
        assert entry.key not in {e.key for e in tab.entries}
    realm = sandbox.data.company.realm_id
    books = {i["Name"]: i for i in sandbox.qbo.entities(realm, "Item")}
    created = books[entry.title[:100]]
    assert created["Type"] == "NonInventory"
    assert created["IncomeAccountRef"]["value"] == form.defaults.income_account
    assert _aliases(store)[entry.key] == (created["Id"], "created")
