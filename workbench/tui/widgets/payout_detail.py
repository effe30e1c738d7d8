"""The Payouts tab's right pane, drawn: the payout, its balance transactions, the proposed
Deposit lines, the tie-out, and one candidate's evidence. Pure rendering (Rich renderables)."""

from __future__ import annotations

from decimal import Decimal

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from workbench.domain.money import format_amount
from workbench.services.payout_review import CandidateView, PayoutDetail, PayoutSummary

MUTED = "dim"


def state_label(summary: PayoutSummary) -> str:
    if summary.linked_to:
        return f"linked {summary.linked_to}"
    return (summary.state or "no entry").replace("_", " ")


def money(value: Decimal, currency: str) -> str:
    return format_amount(value, currency)


def _table(*columns: tuple[str, bool, int | None]) -> Table:
    """Columns are (header, right-aligned, fixed width or None to take the rest)."""
    table = Table(
        box=None, expand=True, pad_edge=False, show_edge=False, header_style="bold", padding=(0, 1)
    )
    for header, right, width in columns:
        table.add_column(
            header,
            justify="right" if right else "left",
            width=width,
            ratio=None if width else 1,
            no_wrap=True,
            overflow="ellipsis",
        )
    return table


def _section(title: str) -> Text:
    return Text(title, style="bold underline")


def render_payout(detail: PayoutDetail) -> RenderableType:
    s, cur = detail.summary, detail.summary.currency
    parts: list[RenderableType] = [
        Text.assemble(
            (f"Payout {s.payout_id}", "bold"),
            f"  {s.local_date.isoformat()}  ",
            (s.status, MUTED),
            "  net ",
            (f"{money(s.net, cur)} {cur}", "bold"),
        ),
        Text(
            f"{detail.entity_type or 'No entry'}"
            + (f" {detail.doc_number}" if detail.doc_number else "")
            + f" · {state_label(s)}",
            style=MUTED,
        ),
        Text(""),
        _section("Balance transactions"),
    ]
    balance = _table(("Type", False, None), ("Order", False, 8), ("Amount", True, 11),
                     ("Fee", True, 8), ("Net", True, 11))  # fmt: skip
    for b in detail.balance:
        balance.add_row(b.type, b.order, money(b.amount, cur), money(b.fee, cur),
                        money(b.net, cur))  # fmt: skip
    if not detail.balance:
        balance.add_row(Text("none stored for this payout", style=MUTED), "", "", "", "")
    parts += [balance, Text(""), _section(f"Proposed {detail.entity_type or 'entry'}")]
    lines = _table(("Line", False, None), ("QuickBooks", False, 28), ("Amount", True, 11))
    for line in detail.lines:
        target = Text(line.target, style="bold red" if line.target == "unmapped" else "")
        lines.add_row(line.description, target, money(line.amount, cur))
    lines.add_row("", Text("Lines total", style=MUTED), Text(money(detail.lines_total, cur),
                  style="bold"))  # fmt: skip
    parts += [lines, Text("")]
    ties = _table(("", False, 1), ("Tie-out", False, None), ("Expected", True, 11),
                  ("Actual", True, 11))  # fmt: skip
    for tie in detail.tieouts:
        mark = Text("✓", style="green") if tie.ok else Text("✗", style="bold red")
        ties.add_row(mark, tie.name, _plain(tie.expected, cur), _plain(tie.actual, cur))
    if detail.tieouts:
        parts.append(ties)
    for flag in detail.flags:
        parts.append(Text(f"! {flag}", style="yellow"))
    if detail.decision:
        parts.append(Text(f"Decision: {detail.decision}", style="italic"))
    return Group(*parts)


def _plain(value: Decimal, currency: str) -> str:
    """Counts (balance transactions accounted for) are Decimals too; show them without cents."""
    exponent = value.as_tuple().exponent
    return str(value) if isinstance(exponent, int) and exponent >= 0 else money(value, currency)


def render_evidence(candidate: CandidateView | None, notes: list[str]) -> RenderableType:
    if candidate is None:
        return Text("No QuickBooks record looks like this payout.", style=MUTED)
    head = Text.assemble(
        ("Evidence ", "bold"), (candidate.target, "bold"), f"  score {candidate.score}",
        ("  (assigned to this payout)" if candidate.chosen else "", MUTED),
    )  # fmt: skip
    parts: list[RenderableType] = [head]
    parts += [Text(f"  + {reason}") for reason in candidate.reasons]
    if candidate.memo:
        parts.append(Text(f"  memo: {candidate.memo}", style=MUTED))
    parts += [Text(f"! {note}", style="yellow") for note in notes]
    return Group(*parts)
