"""The Unmatched SKUs tab: Shopify products without a confident QuickBooks item, each with the
matcher's top five candidates and why. Enter accepts the best, 1–5 pick one, `/` searches every
item, `n` creates a new item in QuickBooks, `A` accepts every strong suggestion at once. Each
resolution is learned as an alias and rebuilds the proposals that sell the product."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.widgets import DataTable, Static

from workbench.services.sku_queue import NewItemDefaults, Resolution, SkuEntry, SkuQueue
from workbench.services.workspace import Workspace
from workbench.tui.failures import ReportsWorkerFailures
from workbench.tui.screens.confirm import ConfirmScreen
from workbench.tui.screens.item_form import ItemForm, NewItem
from workbench.tui.widgets.item_picker import ItemPicker
from workbench.tui.widgets.nav_table import NavTable

MUTED = "dim"


def _score_style(score: float) -> str:
    return "bold green" if score >= 95 else "bold yellow" if score >= 80 else "bold"


def render_candidates(entry: SkuEntry) -> RenderableType:
    head: list[RenderableType] = [
        Text(entry.title, style="bold"),
        Text.assemble(
            ("SKU ", MUTED),
            (entry.sku or "—", ""),
            ("   sold on ", MUTED),
            (f"{entry.lines:,} order line(s)", ""),
        ),
        Text(entry.key, style=MUTED, overflow="ellipsis", no_wrap=True),
        Text(""),
    ]
    if not entry.candidates:
        head.append(
            Text(
                "No item looks like it. Press / to search every item, or n to create one.",
                style=MUTED,
            )
        )
        return Group(*head)
    table = Table(box=None, expand=True, pad_edge=False, show_edge=False, header_style="bold")
    table.add_column("#", width=2, no_wrap=True)
    table.add_column("QuickBooks item · why", ratio=1, overflow="fold")
    table.add_column("Score", justify="right", width=5, no_wrap=True)
    for n, c in enumerate(entry.candidates, start=1):
        table.add_row(
            Text(str(n), style="bold"),
            Text.assemble(c.name, "\n", (c.note, MUTED)),
            Text(f"{c.score:.0f}", style=_score_style(c.score)),
        )
    return Group(*head, table)


class UnmatchedSkusTab(Vertical, ReportsWorkerFailures):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "accept", "Accept best", id="skus.accept"),
        Binding("1", "pick(1)", "Pick", key_display="1–5", id="skus.pick1"),
        *[
            Binding(str(n), f"pick({n})", f"Pick {n}", show=False, id=f"skus.pick{n}")
            for n in range(2, 6)
        ],
        Binding("slash", "search", "Search items", key_display="/", id="skus.search"),
        Binding("n", "new_item", "New item", id="skus.new_item"),
        Binding("A", "accept_all", "Accept all strong", id="skus.accept_all"),
    ]

    class Loaded(Message):
        def __init__(self, entries: list[SkuEntry], acceptable: int) -> None:
            super().__init__()
            self.entries = entries
            self.acceptable = acceptable

    class Resolved(Message):
        def __init__(self, text: str, resolution: Resolution) -> None:
            super().__init__()
            self.text = text
            self.resolution = resolution

    class FormReady(Message):
        def __init__(self, entry: SkuEntry, defaults: NewItemDefaults) -> None:
            super().__init__()
            self.entry = entry
            self.defaults = defaults

    def __init__(self, workspace: Workspace, *, user: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self.workspace = workspace
        self.user = user
        self.queue = SkuQueue(workspace.store, posting=lambda: workspace.settings)
        self.entries: list[SkuEntry] = []
        self.acceptable = 0
        self.busy = False
        self.loaded = False

    def compose(self) -> ComposeResult:
        with Horizontal(id="skus-panes"):
            with Vertical(id="skus-left"):
                yield Static("Unmatched SKUs", id="skus-title", classes="pane-title")
                yield NavTable(id="skus-list")
            with Vertical(id="skus-right"):
                yield Static("Candidates", id="skus-heading", classes="pane-title")
                with VerticalScroll(id="skus-scroll"):
                    yield Static(Text("Loading…", style=MUTED), id="skus-detail")

    def on_mount(self) -> None:
        table = self.query_one("#skus-list", NavTable)
        table.add_column("SKU", width=12)
        table.add_column("Product", width=30)
        table.add_column(Text("Lines", justify="right"), width=5)
        table.add_column(Text("Best", justify="right"), width=4)
        table.add_column("State", width=9)

    def on_show(self) -> None:
        if self.screen.focused is None or self not in self.screen.focused.ancestors:
            self.query_one("#skus-list", NavTable).focus()
        if not self.busy:
            self.load()

    # Loading -------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, exit_on_error=False, group="skus")
    def load(self) -> None:
        entries = self.queue.load()
        self.post_message(self.Loaded(entries, len(self.queue.acceptable())))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        table = self.query_one("#skus-list", NavTable)
        keep = self.selected.key if self.selected else None
        old_index = table.current_row or 0
        self.entries, self.acceptable, self.loaded = message.entries, message.acceptable, True
        table.clear()
        for e in self.entries:
            best = e.best
            table.add_row(
                Text(e.sku or "—", style="" if e.sku else MUTED),
                e.title,
                Text(f"{e.lines:,}", justify="right"),
                Text(f"{best.score:.0f}", justify="right", style=_score_style(best.score))
                if best
                else Text("—", justify="right", style=MUTED),
                Text(e.state, style="yellow" if e.state == "suggested" else "red"),
                key=e.key,
            )
        strong = f" · {self.acceptable} at ≥ {self.queue.accept_at}" if self.acceptable else ""
        self.query_one("#skus-title", Static).update(
            f"Unmatched SKUs · {len(self.entries):,}{strong}"
        )
        if self.entries:
            index = next((i for i, e in enumerate(self.entries) if e.key == keep), None)
            table.move_cursor(row=min(old_index, len(self.entries) - 1) if index is None else index)
        self._show_selected()
        self.refresh_bindings()

    @property
    def selected(self) -> SkuEntry | None:
        index = self.query_one("#skus-list", NavTable).current_row
        return self.entries[index] if index is not None and index < len(self.entries) else None

    @on(DataTable.RowHighlighted, "#skus-list")
    def _highlighted(self) -> None:
        self._show_selected()
        self.refresh_bindings()

    def _show_selected(self) -> None:
        entry = self.selected
        detail = self.query_one("#skus-detail", Static)
        if entry is None:
            message = "Every product has an item." if self.loaded else "Loading…"
            detail.update(Text(message, style=MUTED))
            self.query_one("#skus-heading", Static).update("Candidates")
            return
        self.query_one("#skus-heading", Static).update(f"Candidates for {entry.sku or entry.title}")
        detail.update(render_candidates(entry))

    # Keys ----------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        entry = self.selected
        if action == "accept":
            return not self.busy and entry is not None and entry.best is not None
        if action == "pick":
            n = parameters[0] if parameters else 1
            return (
                not self.busy
                and entry is not None
                and isinstance(n, int)
                and n <= len(entry.candidates)
            )
        if action in {"search", "new_item"}:
            return not self.busy and entry is not None
        if action == "accept_all":
            return not self.busy and self.acceptable > 0
        return True

    def action_accept(self) -> None:
        self.action_pick(1, origin="accepted")

    def action_pick(self, n: int, origin: str = "manual") -> None:
        entry = self.selected
        if self.busy or entry is None or not 1 <= n <= len(entry.candidates):
            return
        choice = entry.candidates[n - 1]
        self._start_resolve(entry, choice.id, choice.name, origin)

    def action_search(self) -> None:
        entry = self.selected
        if self.busy or entry is None:
            return
        picker = ItemPicker(
            self.workspace.item_search(),
            f"Map “{entry.title}”" + (f" ({entry.sku})" if entry.sku else ""),
            suggestions=entry.candidates,
        )

        def chosen(item_id: str | None) -> None:
            if item_id:
                self._start_resolve(entry, item_id, f"item {item_id}", "manual")

        self.app.push_screen(picker, chosen)

    def action_new_item(self) -> None:
        entry = self.selected
        if self.busy or entry is None:
            return
        if not self.workspace.can_post:
            self.app.notify(
                self.workspace.qbo_problem
                or "Connect QuickBooks first: items are created in your company.",
                title="QuickBooks not connected",
                severity="warning",
                markup=False,
            )
            return
        self.prepare_form(entry)

    @work(thread=True, exclusive=True, exit_on_error=False, group="skus-form")
    def prepare_form(self, entry: SkuEntry) -> None:
        self.post_message(self.FormReady(entry, self.queue.new_item_defaults(entry)))

    @on(FormReady)
    def _form_ready(self, message: FormReady) -> None:
        entry = message.entry
        form = ItemForm(f"New QuickBooks item for {entry.sku or entry.title}", message.defaults)

        def submitted(item: NewItem | None) -> None:
            if item is not None:
                self._set_busy(True)
                self.run_create(entry, item)

        self.app.push_screen(form, submitted)

    def action_accept_all(self) -> None:
        if self.busy or not self.acceptable:
            return
        strong = self.queue.acceptable()
        sample = "\n".join(
            f"  {e.sku or e.title[:24]:<16} → {e.best.name}" for e in strong[:5] if e.best
        )
        more = f"\n  … and {len(strong) - 5} more" if len(strong) > 5 else ""
        confirm = ConfirmScreen(
            f"Accept {len(strong)} suggestion(s)?",
            f"Every product whose best candidate scores {self.queue.accept_at} or more is "
            f"mapped to it, and its entries are rebuilt:\n\n{sample}{more}",
            yes=f"Accept {len(strong)}",
            no="Cancel",
        )

        def answered(yes: bool | None) -> None:
            if yes:
                self._set_busy(True)
                self.run_accept_all()

        self.app.push_screen(confirm, answered)

    # Work ----------------------------------------------------------------------------------

    def _start_resolve(self, entry: SkuEntry, item_id: str, name: str, origin: str) -> None:
        self._set_busy(True)
        self.run_resolve(entry, item_id, name, origin)

    def _set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.set_class(busy, "-busy")
        if busy:
            self.query_one("#skus-heading", Static).update("Updating mappings and entries…")
        self.refresh_bindings()

    @work(thread=True, exclusive=True, exit_on_error=False, group="skus-resolve")
    def run_resolve(self, entry: SkuEntry, item_id: str, name: str, origin: str) -> None:
        try:
            done = self.queue.resolve(entry.key, item_id, reviewer=self.user, origin=origin)
            label = entry.sku or entry.title
            self.post_message(self.Resolved(f"{label} → {name}", done))
        finally:
            self._reload_after_work()

    @work(thread=True, exclusive=True, exit_on_error=False, group="skus-resolve")
    def run_accept_all(self) -> None:
        try:
            done = self.queue.accept_all(reviewer=self.user)
            self.post_message(self.Resolved(f"{done.mapped} product(s) mapped", done))
        finally:
            self._reload_after_work()

    @work(thread=True, exclusive=True, exit_on_error=False, group="skus-resolve")
    def run_create(self, entry: SkuEntry, item: NewItem) -> None:
        factory = self.workspace.qbo
        try:
            if factory is None:
                raise RuntimeError("connect QuickBooks first")
            with factory() as client:
                created, done = self.queue.create(
                    client, entry.key, reviewer=self.user, item_type=item.item_type,
                    income_account=item.income_account, name=item.name,
                )  # fmt: skip
            label = entry.sku or entry.title
            text = f"created Item {created.qbo_id} “{item.name}”; {label} maps to it"
            self.post_message(self.Resolved(text, done))
        finally:
            self._reload_after_work()

    def _reload_after_work(self) -> None:
        """Runs in the worker thread whatever happened: the queue is re-read, the tab freed."""
        try:
            entries = self.queue.load()
            self.post_message(self.Loaded(entries, len(self.queue.acceptable())))
        finally:
            self.app.call_from_thread(self._set_busy, False)

    @on(Resolved)
    def _resolved(self, message: Resolved) -> None:
        rebuilt = message.resolution.rebuilt
        self.app.notify(
            f"{message.text} · {rebuilt} entr{'y' if rebuilt == 1 else 'ies'} updated",
            title="Mapping saved",
        )
