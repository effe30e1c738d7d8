"""The Mappings tab: a role is mapped through a picker that offers only accounts of the types
the role allows; an alias is deleted after a confirmation. Both are audited with the user."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import col

from tests.tui.tab_pilot import SIZE, press, settle
from workbench.services.workspace import Workspace
from workbench.store.engine import Store
from workbench.store.tables import AuditRow, ItemAliasRow, RoleMappingRow
from workbench.tui.app import WorkbenchApp
from workbench.tui.screens.confirm import ConfirmScreen
from workbench.tui.tabs.mappings import MappingsTab
from workbench.tui.widgets.item_picker import ItemPicker

MUG = "gid://shopify/ProductVariant/MUG-12OZ"


async def test_enter_maps_a_role_to_an_account_of_an_allowed_type(books: Store) -> None:
    app = WorkbenchApp(Workspace(books), user="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "4")
        tab = app.screen.query_one(MappingsTab)
        index = next(i for i, r in enumerate(tab.roles) if r.role == "clearing:paypal")
        await press(pilot, *["j"] * index, "enter")
        picker = app.screen
        assert isinstance(picker, ItemPicker)
        offered = {c.name for c in picker.choices}
        # PayPal clearing takes a bank or current-asset account: never an expense or income.
        assert {"Checking", "Savings", "Shopify Payments Clearing"} <= offered
        assert not offered & {"Merchant fees", "Sales of Product Income", "Sales Tax Payable"}
        await press(pilot, *"savings", "enter")
        assert not isinstance(app.screen, ItemPicker)
        row = next(r for r in tab.roles if r.role == "clearing:paypal")
        assert (row.state, row.target, row.decided_by) == ("decided", "Savings", "ana")
    with books.session() as session:
        mapping = session.get(RoleMappingRow, "clearing:paypal")
        assert mapping is not None and mapping.qbo_id == "36"
        audit = session.scalars(
            select(AuditRow).where(col(AuditRow.subject) == "clearing:paypal")
        ).all()
    assert [(a.action, a.actor) for a in audit] == [("set_role", "ana")]


async def test_escape_in_the_picker_changes_nothing(books: Store) -> None:
    app = WorkbenchApp(Workspace(books), user="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "4", "enter", "escape")
    with books.session() as session:
        bank = session.get(RoleMappingRow, "bank")
        assert bank is not None and bank.qbo_id == "35"


async def test_d_deletes_an_alias_after_confirmation(books: Store) -> None:
    app = WorkbenchApp(Workspace(books), user="ana")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "4")
        tab = app.screen.query_one(MappingsTab)
        index = next(i for i, a in enumerate(tab.aliases) if a.product_key == MUG)
        await press(pilot, "d")  # roles table focused: d does nothing there
        assert not isinstance(app.screen, ConfirmScreen)
        await press(pilot, "tab", *["j"] * index, "d")
        assert isinstance(app.screen, ConfirmScreen)
        await press(pilot, "n")
        await press(pilot, "d", "y")
        assert MUG not in {a.product_key for a in tab.aliases}
    with books.session() as session:
        assert session.get(ItemAliasRow, MUG) is None
        assert session.get(ItemAliasRow, "gid://shopify/ProductVariant/HD-BLK-M") is not None
        audit = session.scalars(select(AuditRow).where(col(AuditRow.subject) == MUG)).all()
    assert [(a.action, a.actor) for a in audit] == [("delete_alias", "ana")]
