"""A fuzzy picker over QBO items (or accounts): type to filter, arrows to move, Enter to choose.

Usage (any screen or widget)::

    from workbench.services.item_search import item_search
    from workbench.tui.widgets.item_picker import ItemPicker

    picker = ItemPicker(item_search(workspace.store), "Map “Hoodie - Black / M”")
    self.app.push_screen(picker, on_chosen)      # on_chosen(item_id: str | None)

``search`` is any ``Callable[[str], list[ItemChoice]]``; it is called from a thread worker on
each keystroke (and once with the empty query on open), so it may read the store or rank
20,000 names without freezing the screen. ``suggestions`` (e.g. the matcher's top five) are
shown, numbered, while the query is empty. The screen dismisses
with the chosen ``ItemChoice.id``, or None on Escape.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from workbench.services.item_search import ItemChoice, Search
from workbench.tui.failures import ReportsWorkerFailures

NAME_WIDTH = 46
SKU_WIDTH = 16
NOTE_WIDTH = 16


def choice_prompt(choice: ItemChoice, number: int | None = None) -> Content:
    """One aligned row: [n] name, SKU and note muted, score right-aligned."""
    name = choice.name if len(choice.name) <= NAME_WIDTH else choice.name[: NAME_WIDTH - 1] + "…"
    parts: list[str | tuple[str, str]] = []
    if number is not None:
        parts.append((f"{number} ", "$accent bold"))
    parts.append(name.ljust(NAME_WIDTH))
    parts.append((" " + (choice.sku or "")[:SKU_WIDTH].ljust(SKU_WIDTH), "$text-muted"))
    parts.append((" " + choice.note[:NOTE_WIDTH].ljust(NOTE_WIDTH), "$text-muted"))
    parts.append(f"{choice.score:5.0f}" if choice.score else "     ")
    return Content.assemble(*parts)


class ItemPicker(ModalScreen[str | None], ReportsWorkerFailures):
    # Carried here, not in app.tcss, so the picker looks right in any app that pushes it.
    DEFAULT_CSS = """
    ItemPicker {
        align: center middle;
    }
    ItemPicker #picker-box {
        width: 96;
        height: 26;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    ItemPicker #picker-title {
        text-style: bold;
        padding: 0 0 1 0;
    }
    ItemPicker #picker-list {
        height: 1fr;
        border: none;
        background: $surface;
    }
    ItemPicker .picker-muted {
        color: $text-muted;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="picker.cancel"),
        Binding("down", "move(1)", "Next", show=False, id="picker.down"),
        Binding("up", "move(-1)", "Previous", show=False, id="picker.up"),
        Binding("pagedown", "move(10)", "Page down", show=False, id="picker.pagedown"),
        Binding("pageup", "move(-10)", "Page up", show=False, id="picker.pageup"),
    ]

    class Results(Message):
        """The ranked choices for one query (a stale query's results are dropped)."""

        def __init__(self, query: str, choices: list[ItemChoice]) -> None:
            super().__init__()
            self.query = query
            self.choices = choices

    def __init__(
        self,
        search: Search,
        title: str,
        *,
        suggestions: Sequence[ItemChoice] = (),
    ) -> None:
        super().__init__()
        self.search = search
        self.title_text = title
        self.suggestions = list(suggestions)
        self.choices: list[ItemChoice] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box"):
            yield Static(self.title_text, id="picker-title")
            yield Input(placeholder="Type a name or SKU…", id="picker-input")
            yield OptionList(id="picker-list")
            yield Static(
                "↑/↓ move · Enter choose · Esc cancel", id="picker-hint", classes="picker-muted"
            )

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        self._lookup("")

    @on(Input.Changed, "#picker-input")
    def _typed(self, event: Input.Changed) -> None:
        self._lookup(event.value)

    def _lookup(self, query: str) -> None:
        if not query.strip() and self.suggestions:
            self._show(self.suggestions, numbered=True)
        else:
            self.run_search(query)

    @work(thread=True, exclusive=True, exit_on_error=False, group="item-search")
    def run_search(self, query: str) -> None:
        self.post_message(self.Results(query, self.search(query)))

    @on(Results)
    def _results(self, message: Results) -> None:
        if message.query == self.query_one(Input).value:
            self._show(message.choices, numbered=False)

    def _show(self, choices: Sequence[ItemChoice], *, numbered: bool) -> None:
        self.choices = list(choices)
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(
            Option(choice_prompt(c, i if numbered else None), id=f"c{i}")
            for i, c in enumerate(self.choices, start=1)
        )
        if self.choices:
            options.highlighted = 0
        count = len(self.choices)
        hint = "no match: try fewer letters" if not count else f"{count} shown"
        self.query_one("#picker-hint", Static).update(
            f"{hint} · ↑/↓ move · Enter choose · Esc cancel"
        )

    def action_move(self, step: int) -> None:
        options = self.query_one(OptionList)
        if not self.choices:
            return
        current = options.highlighted or 0
        options.highlighted = max(0, min(len(self.choices) - 1, current + step))

    @on(Input.Submitted, "#picker-input")
    def _submitted(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None and index < len(self.choices):
            self.dismiss(self.choices[index].id)

    @on(OptionList.OptionSelected, "#picker-list")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        if event.option_index < len(self.choices):
            self.dismiss(self.choices[event.option_index].id)

    def action_cancel(self) -> None:
        self.dismiss(None)
