"""The filter line above the review list (`/`): one input in the filter language of
services/review_filter.py, read when Enter is pressed; a mistake is shown under it, never
applied, so the list never silently turns empty because of a typo."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Static

from workbench.services.review_filter import SYNTAX, FilterError, ReviewFilter, parse_filter


class FilterBar(Vertical):
    """Hidden until `/` opens it; stays visible (showing the filter) while one applies."""

    DEFAULT_CSS = """
    FilterBar {
        height: auto;
        display: none;
        padding: 0 1;
        background: $boost;
    }
    FilterBar.-open, FilterBar.-active {
        display: block;
    }
    FilterBar Input {
        border: none;
        height: 1;
        padding: 0;
        background: $boost;
    }
    FilterBar #filter-note {
        color: $text-muted;
        height: auto;
        display: none;
    }
    FilterBar.-open #filter-note {
        display: block;
    }
    FilterBar.-error #filter-note {
        color: $error;
    }
    """

    class Applied(Message):
        """The user pressed Enter on a filter that reads correctly."""

        def __init__(self, view: ReviewFilter) -> None:
            super().__init__()
            self.view = view

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter: " + SYNTAX, id="filter-input", select_on_focus=False)
        yield Static("Enter applies · Esc clears", id="filter-note")

    @property
    def input(self) -> Input:
        return self.query_one("#filter-input", Input)

    def open(self) -> None:
        self.add_class("-open")
        self.input.focus()
        self.input.cursor_position = len(self.input.value)

    def close(self) -> None:
        self.remove_class("-open")
        self.set_class(False, "-error")
        self.query_one("#filter-note", Static).update("Enter applies · Esc clears")

    def show(self, view: ReviewFilter) -> None:
        """Reflect the filter in force (set from elsewhere, e.g. the command palette)."""
        self.input.value = view.describe()
        self.set_class(view.active, "-active")

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    @on(Input.Submitted, "#filter-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        try:
            view = parse_filter(event.value)
        except FilterError as error:
            self.set_class(True, "-error")
            self.query_one("#filter-note", Static).update(str(error))
            return
        self.close()
        self.post_message(self.Applied(view))
