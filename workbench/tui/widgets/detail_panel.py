"""The right-hand pane: the selected Shopify record, line by line, with its total."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from workbench.domain.money import format_amount
from workbench.services.activity import ActivityDetail


def render_detail(detail: ActivityDetail) -> RenderableType:
    currency = detail.row.currency
    facts = Table.grid(padding=(0, 2))
    facts.add_column(style="dim")
    facts.add_column()
    for name, value in detail.facts:
        facts.add_row(name, value)
    lines = Table(box=None, expand=True, pad_edge=False, show_edge=False)
    lines.add_column("Line", ratio=5, no_wrap=True, overflow="ellipsis")
    lines.add_column("Qty", ratio=2, no_wrap=True)
    lines.add_column("Amount", justify="right", ratio=2, no_wrap=True)
    for line in detail.lines:
        description = Text(line.description)
        if line.note:
            description.append(f"  {line.note}", style="dim")
        lines.add_row(description, line.quantity, format_amount(line.amount, currency))
    total = Text.assemble(
        (f"{detail.total_label}: ", "bold"),
        (f"{format_amount(detail.total, currency)} {currency}", "bold"),
        justify="right",
    )
    return Group(Text(detail.title, style="bold"), facts, Text(""), lines, Text(""), total)


class DetailPanel(Static):
    """Shows one record; empty state explains what to do."""

    detail: ActivityDetail | None = None

    def show(self, detail: ActivityDetail | None) -> None:
        self.detail = detail
        if detail is None:
            self.update(Text("Nothing to review. Press s to sync.", style="dim"))
        else:
            self.update(render_detail(detail))
