"""``?``: every key the current screen answers to, taken from the live bindings."""

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
    ("a", "approve the selected entry"),
    ("x", "reject it (never post)"),
    ("u", "undo an approval or rejection"),
    ("s", "sync now"),
    ("?", "this help"),
    ("ctrl+p", "command palette"),
    ("q", "quit"),
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
        with Vertical(id="help-box"):
            yield Static("Keys", id="help-title")
            yield Static(table)
            yield Static("Esc closes this window.", classes="dim")

    def action_dismiss_help(self) -> None:
        self.dismiss(None)
