"""``?``: every key of the workbench and what it does (the footer shows those that apply now)."""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

KEYS = [
    ("j / k, ↓ / ↑", "move down / up"),
    ("PgDn / PgUp", "move a page"),
    ("g / G, Home / End", "first / last row"),
    ("space", "select / unselect the row; a, x, u act on the selection"),
    ("a", "approve the selection, or the current row"),
    ("A", "approve every clean row in view, after a confirmation"),
    ("x", "reject: never post"),
    ("u", "undo an approval or rejection"),
    ("m", "map a product line to a QuickBooks item (fuzzy picker)"),
    ("c", "commit approved entries to QuickBooks (asks first)"),
    ("s", "sync now (it also runs by itself on a timer)"),
    ("/", "filter: words state: flag: gateway: kind: date: amount:"),
    ("Esc", "clear the filter, then the selection"),
    ("o", "sort: newest, oldest, largest, smallest amount"),
    ("1 – 5", "Review, Payouts, Unmatched SKUs, Mappings, History"),
    ("?", "this help"),
    ("ctrl+p", "command palette: jump to #1001, filters, tabs, sync, commit"),
    ("f2", "settings: shop, QuickBooks connection, workflow"),
    ("q", "quit"),
]
# Keys of the other tabs, while that tab has the focus.
TAB_KEYS = [
    ("Payouts", "l link the candidate · P post anyway (with a reason) · K skip"),
    ("Unmatched SKUs", "Enter accept best · 1–5 pick · / search items · n new item · A accept all"),
    ("Mappings", "Enter map the role · d delete the alias"),
    ("History", "U undo the batch (asks first) · r refresh"),
]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss_help", "Close", id="help.close")
    ]

    def compose(self) -> ComposeResult:
        table = Table(box=None, show_header=False, padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for key, meaning in KEYS:
            table.add_row(key, meaning)
        tabs = Table(box=None, show_header=False, padding=(0, 2))
        tabs.add_column(style="bold")
        tabs.add_column()
        for tab, keys in TAB_KEYS:
            tabs.add_row(tab, keys)
        with Vertical(id="help-box"):
            yield Static("Keys", id="help-title")
            yield Static(table)
            yield Static("On the other tabs", classes="dim")
            yield Static(tabs)
            yield Static("Esc closes this window.", classes="dim")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
