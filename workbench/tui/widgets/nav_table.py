"""A read-only DataTable for the tabs: j/k move, and Enter is left to the tab.

DataTable binds Enter to "select", which would swallow the tab's own Enter (accept a SKU's first
candidate, map a role). Bindings are not inherited here, and only the movement keys come back.
"""

from __future__ import annotations

from typing import ClassVar

from textual.binding import Binding, BindingType
from textual.widgets import DataTable


class NavTable(DataTable[object], inherit_bindings=False):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("down,j", "cursor_down", "Down", show=False, id="table.down"),
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="table.pagedown"),
        Binding("pageup", "page_up", "Page up", show=False, id="table.pageup"),
        Binding("home,g", "scroll_top", "First", show=False, id="table.first"),
        Binding("end,G", "scroll_bottom", "Last", show=False, id="table.last"),
    ]

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(
            id=id,
            classes=classes,
            cursor_type="row",
            zebra_stripes=False,
            cursor_foreground_priority="renderable",
        )

    @property
    def current_row(self) -> int | None:
        """The highlighted row's index, None when the table is empty."""
        return self.cursor_row if self.row_count else None
