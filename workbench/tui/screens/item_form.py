"""The "new QuickBooks item" form: name, type and income account, pre-filled from the product.

``ItemForm(title, defaults)`` dismisses with a :class:`NewItem`, or None on Escape.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static

from workbench.services.sku_queue import ITEM_TYPES, NewItemDefaults


@dataclass(frozen=True, slots=True)
class NewItem:
    name: str
    item_type: str
    income_account: str | None


class ItemForm(ModalScreen[NewItem | None]):
    DEFAULT_CSS = """
    ItemForm {
        align: center middle;
    }
    ItemForm #item-form-box {
        width: 76;
        height: auto;
        border: round $accent;
        background: $surface;
        padding: 1 2;
    }
    ItemForm #item-form-title {
        text-style: bold;
        margin-bottom: 1;
    }
    ItemForm Label {
        color: $text-muted;
        margin-top: 1;
    }
    ItemForm #item-form-hint {
        color: $text-muted;
        margin-top: 1;
    }
    ItemForm.-invalid #item-form-hint {
        color: $error;
    }
    ItemForm #item-form-buttons {
        height: auto;
        align-horizontal: right;
        margin-top: 1;
    }
    ItemForm Button {
        margin-left: 2;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="item_form.cancel"),
    ]

    def __init__(self, title: str, defaults: NewItemDefaults) -> None:
        super().__init__()
        self.title_text = title
        self.defaults = defaults

    def compose(self) -> ComposeResult:
        d = self.defaults
        with Vertical(id="item-form-box"):
            yield Static(self.title_text, id="item-form-title")
            yield Label("Name")
            yield Input(d.name, id="item-name", max_length=100)
            yield Label("Type")
            yield Select(
                [(kind, kind) for kind in ITEM_TYPES],
                value=d.item_type,
                allow_blank=False,
                id="item-type",
            )
            yield Label("Income account")
            if d.income_accounts:
                yield Select(
                    [(a.name, a.id) for a in d.income_accounts],
                    value=d.income_account or d.income_accounts[0].id,
                    allow_blank=False,
                    id="item-income",
                )
            else:
                yield Static("No income account in QuickBooks: sync it first.", id="item-income")
            yield Static("Created in QuickBooks, then mapped.", id="item-form-hint")
            with Horizontal(id="item-form-buttons"):
                yield Button("Cancel", id="item-cancel")
                yield Button("Create item", id="item-create", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#item-name", Input).focus()

    @on(Input.Submitted, "#item-name")
    @on(Button.Pressed, "#item-create")
    def _create(self) -> None:
        name = self.query_one("#item-name", Input).value.strip()
        if not name:
            self.set_class(True, "-invalid")
            self.query_one("#item-form-hint", Static).update("The item needs a name.")
            return
        item_type = self.query_one("#item-type", Select).value
        income = self.query(Select).filter("#item-income")
        account = income.first().value if income else None
        self.dismiss(
            NewItem(name, str(item_type), str(account) if isinstance(account, str) else None)
        )

    @on(Button.Pressed, "#item-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
