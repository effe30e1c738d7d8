"""The right-hand pane: the proposed QuickBooks entry of the selected record, every line with
its mapping and confidence, the tie-outs and flags; below it the Shopify record it came from."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from workbench.domain.money import format_amount
from workbench.services.activity import ActivityDetail, ProposedEntry


def _target(line: dict[str, object]) -> Text:
    name = line.get("target_name") or line.get("target")
    if not name:
        return Text("unmapped", style="bold red")
    text = Text(str(name))
    confidence = line.get("confidence")
    if isinstance(confidence, int):
        text.append(f" ✓{confidence}", style="green" if confidence >= 95 else "yellow")
    return text


def _amount(value: object, currency: str) -> str:
    """Money as the bookkeeper reads it (two decimals, thousands separators)."""
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return format_amount(Decimal(value), currency)
    return str(value)


def render_entry(entry: ProposedEntry, currency: str) -> RenderableType:
    head = Text.assemble(
        (entry.entity_type, "bold"),
        f" {entry.doc_number}" if entry.doc_number else "",
        f" · {entry.txn_date.isoformat()} · ",
        (entry.state.replace("_", " "), "italic"),
    )
    lines = Table(box=None, expand=True, pad_edge=False, show_edge=False)
    lines.add_column("Line", ratio=5, no_wrap=True, overflow="ellipsis")
    lines.add_column("Amount", justify="right", ratio=2, no_wrap=True)
    lines.add_column("QuickBooks", ratio=4, no_wrap=True, overflow="ellipsis")
    for line in entry.lines:
        amount = line.get("amount")
        shown = _amount(amount, currency)
        lines.add_row(str(line.get("description", "")), shown, _target(line))
    parts: list[RenderableType] = [head, lines]
    if entry.deposit_to:
        parts.append(Text(f"Deposit to: {entry.deposit_to}", style="dim"))
    parts.append(
        Text(
            f"Total {format_amount(entry.total, currency)} {currency}",
            style="bold",
            justify="right",
        )
    )
    for tie in entry.tieouts:
        ok = bool(tie.get("ok"))
        name = str(tie.get("name", ""))
        # One tie-out counts rows rather than money; show it as the count it is.
        if "accounted for" in name:
            expected, actual = str(tie.get("expected")), str(tie.get("actual"))
        else:
            expected = _amount(tie.get("expected"), currency)
            actual = _amount(tie.get("actual"), currency)
        parts.append(
            Text.assemble(
                ("✓ " if ok else "✗ ", "green" if ok else "bold red"),
                f"{name}: Shopify {expected} · entry {actual}",
            )
        )
    for flag in entry.flags:
        parts.append(Text(f"! {flag.get('message')}", style="yellow"))
    if entry.entity_type != "Deposit" and any(not line.get("target") for line in entry.lines):
        parts.append(Text("Press m to map the unmapped line to a QuickBooks item.", style="dim"))
    return Group(*parts)


def render_record(detail: ActivityDetail) -> RenderableType:
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
    return Group(Text(detail.title, style="bold"), facts, lines, total)


def render_detail(detail: ActivityDetail) -> RenderableType:
    record = render_record(detail)
    if detail.proposal is None:
        note = Text("No proposed entry yet: run `workbench propose` or sync.", style="dim")
        return Group(note, Text(""), record)
    rule = Text("Shopify record", style="bold underline")
    return Group(render_entry(detail.proposal, detail.row.currency), Text(""), rule, record)


class DetailPanel(Static):
    """Shows one record; empty state explains what to do."""

    detail: ActivityDetail | None = None
    EMPTY = "Nothing to review. Press s to sync."
    # What an empty list means depends on the filter; the screen says which.
    empty_text: str = EMPTY

    def show(self, detail: ActivityDetail | None) -> None:
        self.detail = detail
        if detail is None:
            self.update(Text(self.empty_text, style="dim"))
        else:
            self.update(render_detail(detail))
