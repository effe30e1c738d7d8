"""Which line of the order `m` should map, when the order has more than one candidate.

Unmapped lines come first (they are usually why the bookkeeper pressed `m`); digits pick,
Enter chooses the highlighted line, Escape cancels.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from workbench.services.line_mapping import ProductLine


def line_prompt(number: int, line: ProductLine) -> Text:
    target = Text(line.target_name or "unmapped", style="" if line.mapped else "bold red")
    return Text.assemble((f"{number} ", "bold"), f"{line.label:<48.48} → ", target)


class LineChooser(ModalScreen[ProductLine | None]):
    DEFAULT_CSS = """
    LineChooser {
        align: center middle;
    }
    LineChooser #lines-box {
        width: 90;
        height: auto;
        max-height: 24;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    LineChooser #lines-title {
        text-style: bold;
        padding: 0 0 1 0;
    }
    LineChooser OptionList {
        height: auto;
        max-height: 16;
        border: none;
    }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="lines.cancel"),
        *[
            Binding(str(n), f"pick({n})", f"Line {n}", show=False, id=f"lines.pick{n}")
            for n in range(1, 10)
        ],
    ]

    def __init__(self, title: str, lines: Sequence[ProductLine]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = list(lines)

    def compose(self) -> ComposeResult:
        with Vertical(id="lines-box"):
            yield Static(self.title_text, id="lines-title")
            yield OptionList(
                *[Option(line_prompt(n, line)) for n, line in enumerate(self.lines, start=1)],
                id="lines-list",
            )
            yield Static("1–9 or Enter choose · Esc cancel", classes="dim")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = 0
        options.focus()

    @on(OptionList.OptionSelected, "#lines-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.lines[event.option_index])

    def action_pick(self, number: int) -> None:
        if 1 <= number <= len(self.lines):
            self.dismiss(self.lines[number - 1])

    def action_cancel(self) -> None:
        self.dismiss(None)
