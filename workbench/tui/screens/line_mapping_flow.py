"""`m` on the Review tab: map one product line of the current order to a QuickBooks item.

Which line (asked only when it is not obvious), the matcher's suggestions in the fuzzy picker,
then the alias is learned and the proposals rebuilt in a worker with progress. A mixin of the
main screen, listed after the Textual base class (see ``failures.py``); the screen provides the
parts declared below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import on, work
from textual.dom import DOMNode

from workbench.services.activity import ActivityRow
from workbench.services.progress import Progress
from workbench.services.workspace import Workspace
from workbench.tui.messages import LinesLoaded, MappingDone, SuggestionsLoaded, SyncProgressed

if TYPE_CHECKING:
    # The matcher and the pickers load with the first `m`, not with the first screen.
    from workbench.services.line_mapping import ProductLine
    from workbench.tui.widgets.activity_list import ActivityList


class MapsProductLines(DOMNode):
    workspace: Workspace
    app_user: str
    mapping: bool

    if TYPE_CHECKING:

        @property
        def activity(self) -> ActivityList: ...

        @property
        def current_row(self) -> ActivityRow | None: ...

        def _show_progress(self, text: str) -> None: ...

        def _hide_progress(self) -> None: ...

        def load_queue(self) -> Any: ...

        def load_detail(self, index: int) -> Any: ...

    def action_map_line(self) -> None:
        row = self.current_row
        if row is not None and row.kind == "order":
            self.load_lines(row)

    @work(thread=True, exclusive=True, exit_on_error=False, group="mapping")
    def load_lines(self, row: ActivityRow) -> None:
        self.post_message(LinesLoaded(row, self.workspace.product_lines(row)))

    @on(LinesLoaded)
    def _lines_loaded(self, message: LinesLoaded) -> None:
        from workbench.services.line_mapping import unmapped_first
        from workbench.tui.screens.line_chooser import LineChooser

        lines = unmapped_first(message.lines)
        if not lines:
            self.app.notify(f"{message.row.label} has no product line to map.", severity="warning")
            return
        unmapped = [line for line in lines if not line.mapped]
        if len(lines) == 1 or len(unmapped) == 1:
            self.load_suggestions(lines[0])
            return

        def chosen(line: ProductLine | None) -> None:
            if line is not None:
                self.load_suggestions(line)

        title = f"Which line of {message.row.label.removesuffix(' Order')} to map?"
        self.app.push_screen(LineChooser(title, lines), chosen)

    @work(thread=True, exclusive=True, exit_on_error=False, group="mapping")
    def load_suggestions(self, line: ProductLine) -> None:
        self.post_message(
            SuggestionsLoaded(line, self.workspace.item_suggestions(line.product_key))
        )

    @on(SuggestionsLoaded)
    def _suggestions_loaded(self, message: SuggestionsLoaded) -> None:
        from workbench.tui.widgets.item_picker import ItemPicker

        line = message.line

        def chosen(item_id: str | None) -> None:
            if item_id is not None:
                self.start_mapping(line, item_id)

        mapped = f" (now {line.target_name})" if line.target_name else ""
        picker = ItemPicker(
            self.workspace.item_search(),
            f"Map “{line.label}”{mapped} to a QuickBooks item",
            suggestions=message.suggestions,
        )
        self.app.push_screen(picker, chosen)

    def start_mapping(self, line: ProductLine, item_id: str) -> None:
        self.mapping = True
        self._show_progress(f"Mapping {line.label}: rebuilding proposals…")
        self.run_mapping(line, item_id)

    @work(thread=True, exclusive=True, exit_on_error=False, group="mapping")
    def run_mapping(self, line: ProductLine, item_id: str) -> None:
        def report(progress: Progress) -> None:
            self.post_message(SyncProgressed(progress.describe(), progress.done, progress.total))

        try:
            result = self.workspace.map_product(line.product_key, item_id, self.app_user, report)
        finally:
            self.app.call_from_thread(self._mapping_ended)
        self.post_message(MappingDone(line, result))

    def _mapping_ended(self) -> None:
        self.mapping = False
        self._hide_progress()

    @on(MappingDone)
    def _mapping_done(self, message: MappingDone) -> None:
        built = message.report.proposals.built
        self.app.notify(
            f"{message.line.label} → {message.report.item_name}; "
            f"{built:,} proposal{'s' if built != 1 else ''} rebuilt",
            title="Mapped",
        )
        self.load_queue()  # its reload announces the row, which loads the detail
