"""The Mappings tab: what each role (bank, clearing, fees, …) maps to in QuickBooks and every
learned product alias, with who decided and when. Enter on a role picks its record among those
of an allowed type; `d` on an alias forgets it. Either change rebuilds the affected entries."""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from rich.text import Text
from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Static

from workbench.services.mapping_view import AliasView, Mappings, MappingView, RoleView
from workbench.services.workspace import Workspace
from workbench.tui.failures import ReportsWorkerFailures
from workbench.tui.screens.confirm import ConfirmScreen
from workbench.tui.widgets.item_picker import ItemPicker
from workbench.tui.widgets.nav_table import NavTable

MUTED = "dim"
STATE_STYLE = {"decided": "green", "suggested": "yellow", "missing": "bold red"}


def _when(by: str | None, at: datetime | None) -> Text:
    if not by:
        return Text("—", style=MUTED)
    stamp = at.astimezone().strftime("%Y-%m-%d %H:%M") if at else ""
    return Text.assemble(by, (f"  {stamp}", MUTED))


class MappingsTab(Vertical, ReportsWorkerFailures):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "map_role", "Map role", id="mappings.map_role"),
        Binding("d", "delete_alias", "Delete alias", id="mappings.delete_alias"),
    ]

    class Loaded(Message):
        def __init__(self, mappings: Mappings) -> None:
            super().__init__()
            self.mappings = mappings

    class Changed(Message):
        def __init__(self, text: str, rebuilt: int) -> None:
            super().__init__()
            self.text = text
            self.rebuilt = rebuilt

    def __init__(self, workspace: Workspace, *, user: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.user = user
        self.view = MappingView(workspace.store, posting=lambda: workspace.settings)
        self.roles: list[RoleView] = []
        self.aliases: list[AliasView] = []
        self.busy = False

    def compose(self) -> ComposeResult:
        yield Static("Account roles", id="roles-title", classes="pane-title")
        yield NavTable(id="roles-list")
        yield Static("Learned product aliases", id="aliases-title", classes="pane-title")
        yield NavTable(id="aliases-list")

    def on_mount(self) -> None:
        roles = self.query_one("#roles-list", NavTable)
        roles.add_column("Role", width=26)
        roles.add_column("Meaning", width=34)
        roles.add_column("QuickBooks", width=30)
        roles.add_column("State", width=9)
        roles.add_column("Decided", width=24)
        aliases = self.query_one("#aliases-list", NavTable)
        aliases.add_column("Shopify product", width=46)
        aliases.add_column("QuickBooks item", width=36)
        aliases.add_column("Origin", width=9)
        aliases.add_column("Decided", width=28)

    def on_show(self) -> None:
        if self.screen.focused is None or self not in self.screen.focused.ancestors:
            self.query_one("#roles-list", NavTable).focus()
        if not self.busy:
            self.load()

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="mappings")
    def load(self) -> None:
        self.post_message(self.Loaded(self.view.load()))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        m = message.mappings
        roles_table = self.query_one("#roles-list", NavTable)
        aliases_table = self.query_one("#aliases-list", NavTable)
        role_row = roles_table.current_row or 0
        alias_row = aliases_table.current_row or 0
        self.roles, self.aliases = m.roles, m.aliases
        roles_table.clear()
        for r in self.roles:
            target = Text(r.target or "—", style="" if r.target else MUTED)
            if r.state == "suggested":
                target.append("?", style="yellow")
            roles_table.add_row(
                r.role, Text(r.label, style=MUTED), target,
                Text(r.state, style=STATE_STYLE.get(r.state, "")),
                _when(r.decided_by, r.decided_at), key=r.role,
            )  # fmt: skip
        aliases_table.clear()
        for a in self.aliases:
            aliases_table.add_row(
                a.product, a.item_name, Text(a.origin, style=MUTED),
                _when(a.decided_by, a.decided_at), key=a.product_key,
            )  # fmt: skip
        decided = sum(1 for r in self.roles if r.state == "decided")
        self.query_one("#roles-title", Static).update(
            f"Account roles · {decided} of {len(self.roles)} decided"
        )
        more = f" of {m.alias_total:,}" if m.alias_total > len(self.aliases) else ""
        self.query_one("#aliases-title", Static).update(
            f"Learned product aliases · {len(self.aliases):,}{more}"
        )
        if self.roles:
            roles_table.move_cursor(row=min(role_row, len(self.roles) - 1))
        if self.aliases:
            aliases_table.move_cursor(row=min(alias_row, len(self.aliases) - 1))
        self.refresh_bindings()

    def _selected_role(self) -> RoleView | None:
        table = self.query_one("#roles-list", NavTable)
        index = table.current_row
        return self.roles[index] if index is not None and index < len(self.roles) else None

    def _selected_alias(self) -> AliasView | None:
        table = self.query_one("#aliases-list", NavTable)
        index = table.current_row
        return self.aliases[index] if index is not None and index < len(self.aliases) else None

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "map_role":
            return (
                not self.busy
                and self.query_one("#roles-list", NavTable).has_focus
                and self._selected_role() is not None
            )
        if action == "delete_alias":
            return (
                not self.busy
                and self.query_one("#aliases-list", NavTable).has_focus
                and self._selected_alias() is not None
            )
        return True

    def action_map_role(self) -> None:
        role = self._selected_role()
        if self.busy or role is None or not self.query_one("#roles-list", NavTable).has_focus:
            return
        picker = ItemPicker(
            self.view.search_for(role.role),
            f"Map {role.role} ({role.label}) to {self.view.allowed(role.role)}",
        )

        def chosen(qbo_id: str | None) -> None:
            if qbo_id:
                self._set_busy(True)
                self.run_set_role(role.role, qbo_id)

        self.app.push_screen(picker, chosen)

    def action_delete_alias(self) -> None:
        alias = self._selected_alias()
        if self.busy or alias is None or not self.query_one("#aliases-list", NavTable).has_focus:
            return
        confirm = ConfirmScreen(
            "Forget this mapping?",
            f"{alias.product}\n→ {alias.item_name}\n\nThe product goes back to the matcher "
            "(and to the Unmatched SKUs queue when it is not sure); its entries are rebuilt.",
            yes="Delete",
            no="Keep",
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._set_busy(True)
                self.run_delete_alias(alias.product_key, alias.product)

        self.app.push_screen(confirm, answered)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.set_class(busy, "-busy")
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="mappings-change")
    def run_set_role(self, role: str, qbo_id: str) -> None:
        try:
            rebuilt = self.view.set_role(role, qbo_id, reviewer=self.user)
            self.post_message(self.Changed(f"{role} mapped", rebuilt))
        finally:
            self._reload_after_work()

    @work(thread=True, exclusive=True, exit_on_error=False, group="mappings-change")
    def run_delete_alias(self, key: str, label: str) -> None:
        try:
            rebuilt = self.view.delete_alias(key, reviewer=self.user)
            self.post_message(self.Changed(f"alias for {label} deleted", rebuilt))
        finally:
            self._reload_after_work()

    def _reload_after_work(self) -> None:
        try:
            self.post_message(self.Loaded(self.view.load()))
        finally:
            self.app.call_from_thread(self._set_busy, False)

    @on(Changed)
    def _changed(self, message: Changed) -> None:
        n = message.rebuilt
        self.app.notify(
            f"{message.text} · {n} entr{'y' if n == 1 else 'ies'} updated", title="Mapping saved"
        )
