"""A virtual list of Shopify activity: paints only the visible rows, reads them by window.

Textual's DataTable keeps every cell in memory and measures each on insert (10–16 s at 100,000
rows); this list keeps only the ordered keys (in the queue) and a small LRU of row pages, so its
cost does not grow with the number of rows.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import ClassVar, Protocol

from rich.segment import Segment
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from workbench.domain.money import format_amount
from workbench.services.activity import ActivityRow

PAGE = 200
CACHE_PAGES = 16


class RowSource(Protocol):
    def __len__(self) -> int: ...

    def rows(self, start: int, stop: int) -> list[ActivityRow]: ...


SELECTED = "■"


def format_row(row: ActivityRow, width: int, *, selected: bool = False) -> str:
    """One line: selection, mark, date, label, who, amount right-aligned to the width."""
    amount = format_amount(row.amount, row.currency)
    mark = row.marks[:1] or " "
    chosen = SELECTED if selected else " "
    left = (
        f"{chosen}{mark} {row.local_date.isoformat()} {row.label:<18.18} {row.counterparty:<16.16}"
    )
    room = max(width - len(left) - 1, len(amount))
    return f"{left} {amount:>{room}}"[:width].ljust(width)


class ActivityList(ScrollView, can_focus=True):
    """Keyboard-first list; the highlighted row is announced with a message."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j,down", "cursor_down", "Down", show=False, id="list.down"),
        Binding("k,up", "cursor_up", "Up", show=False, id="list.up"),
        Binding("pagedown", "page_down", "Page down", show=False, id="list.page_down"),
        Binding("pageup", "page_up", "Page up", show=False, id="list.page_up"),
        Binding("home,g", "first", "First", show=False, id="list.first"),
        Binding("end,G", "last", "Last", show=False, id="list.last"),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "activity-list--cursor",
        "activity-list--refund",
        "activity-list--payout",
        "activity-list--mark",
        "activity-list--selected",
    }

    cursor: reactive[int] = reactive(0, init=False)

    class Highlighted(Message):
        """The row under the cursor changed (or the list was reloaded)."""

        def __init__(self, row: ActivityRow | None, index: int) -> None:
            super().__init__()
            self.row = row
            self.index = index

    def __init__(self, source: RowSource, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._source = source
        self._pages: OrderedDict[int, list[ActivityRow]] = OrderedDict()
        # (kind, id) of the selected records: stable across reloads, unlike row positions.
        self.selected: set[tuple[str, str]] = set()

    class SelectionChanged(Message):
        def __init__(self, count: int) -> None:
            super().__init__()
            self.count = count

    def toggle_selection(self, index: int) -> None:
        row = self.row_at(index)
        if row is None:
            return
        self.selected.symmetric_difference_update({(row.kind, row.id)})
        self.refresh_line_at(index)
        self.post_message(self.SelectionChanged(len(self.selected)))

    def clear_selection(self) -> None:
        if self.selected:
            self.selected = set()
            self.refresh()
            self.post_message(self.SelectionChanged(0))

    def move_to(self, index: int) -> None:
        if self.row_count:
            self.cursor = max(0, min(self.row_count - 1, index))

    @property
    def row_count(self) -> int:
        return len(self._source)

    def reload(self) -> None:
        """Forget cached rows after the queue changed; keep the cursor where it can stay."""
        self._pages.clear()
        self.virtual_size = Size(self.size.width, self.row_count)
        self.cursor = min(self.cursor, max(self.row_count - 1, 0))
        self.refresh()
        self.post_message(self.Highlighted(self.row_at(self.cursor), self.cursor))

    def on_mount(self) -> None:
        self.reload()

    def on_resize(self) -> None:
        self.virtual_size = Size(self.size.width, self.row_count)

    def row_at(self, index: int) -> ActivityRow | None:
        if not 0 <= index < self.row_count:
            return None
        page_no = index // PAGE
        page = self._pages.get(page_no)
        if page is None:
            page = self._source.rows(page_no * PAGE, (page_no + 1) * PAGE)
            self._pages[page_no] = page
            while len(self._pages) > CACHE_PAGES:
                self._pages.popitem(last=False)
        else:
            self._pages.move_to_end(page_no)
        offset = index - page_no * PAGE
        return page[offset] if offset < len(page) else None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.scrollable_content_region.width
        row = self.row_at(index)
        if row is None:
            return Strip.blank(width, self.rich_style)
        style = self.rich_style
        if row.kind == "refund":
            style += self.get_component_rich_style("activity-list--refund")
        elif row.kind == "payout":
            style += self.get_component_rich_style("activity-list--payout")
        selected = (row.kind, row.id) in self.selected
        if selected:
            style += self.get_component_rich_style("activity-list--selected")
        if index == self.cursor:
            style += self.get_component_rich_style("activity-list--cursor")
        text = format_row(row, width, selected=selected)
        segments = [Segment(text, style)]
        if row.marks and index != self.cursor:
            mark_style = style + self.get_component_rich_style("activity-list--mark")
            segments = [Segment(text[:1], style), Segment(text[1:2], mark_style),
                        Segment(text[2:], style)]  # fmt: skip
        return Strip(segments, width).crop(scroll_x, scroll_x + width)

    def watch_cursor(self, old: int, new: int) -> None:
        self.refresh_line_at(old)
        self.refresh_line_at(new)
        self.scroll_to_region(Region(0, new, 1, 1), animate=False, force=True, immediate=True)
        self.post_message(self.Highlighted(self.row_at(new), new))

    def refresh_line_at(self, index: int) -> None:
        _, scroll_y = self.scroll_offset
        self.refresh(Region(0, index - scroll_y, self.size.width, 1))

    def _move(self, delta: int) -> None:
        if self.row_count:
            self.cursor = max(0, min(self.row_count - 1, self.cursor + delta))

    def action_cursor_down(self) -> None:
        self._move(1)

    def action_cursor_up(self) -> None:
        self._move(-1)

    def action_page_down(self) -> None:
        self._move(max(self.scrollable_content_region.height - 1, 1))

    def action_page_up(self) -> None:
        self._move(-max(self.scrollable_content_region.height - 1, 1))

    def action_first(self) -> None:
        self._move(-self.row_count)

    def action_last(self) -> None:
        self._move(self.row_count)

    def on_click(self, event: object) -> None:
        offset = getattr(event, "y", None)
        if isinstance(offset, int):
            _, scroll_y = self.scroll_offset
            self._move(scroll_y + offset - self.cursor)

    DEFAULT_CSS = """
    ActivityList > .activity-list--cursor {
        color: $block-cursor-blurred-foreground;
        background: $block-cursor-blurred-background;
        text-style: $block-cursor-blurred-text-style;
    }
    ActivityList:focus > .activity-list--cursor {
        color: $block-cursor-foreground;
        background: $block-cursor-background;
        text-style: $block-cursor-text-style;
    }
    ActivityList > .activity-list--refund { color: $warning; }
    ActivityList > .activity-list--payout { color: $success; }
    ActivityList > .activity-list--mark { color: $error; text-style: bold; }
    ActivityList > .activity-list--selected { background: $accent 30%; text-style: bold; }
    """
