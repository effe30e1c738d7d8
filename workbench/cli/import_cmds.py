"""``workbench import orders|payments FILE``: the merchant's CSV exports, without API access.

Exit codes follow the CLI contract: 0 when the file was read, even if some rows were skipped
(each is listed as ``FILE:LINE: reason`` and the summary counts them); 1 when nothing in it
could be imported or it is not the export asked for (one line saying which columns are missing).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import click

from workbench.config import load_settings
from workbench.errors import WorkbenchError

if TYPE_CHECKING:
    from workbench.services.csv_import import ImportReport
    from workbench.services.progress import Progress

_FILE = click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)
_MAX_ERRORS = click.option(
    "--max-errors",
    default=100,
    show_default=True,
    type=click.IntRange(0),
    help="How many skipped-row messages to print (0 prints every one).",
)


class _ProgressLine:
    """One self-overwriting stderr line (counts, rate, ETA), only when stderr is a terminal."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()
        self.shown = False
        self.last = 0.0

    def __call__(self, progress: Progress) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.last < 0.2:
            return
        self.last = now
        click.echo(f"\r\x1b[2K{progress.describe()}", err=True, nl=False)
        self.shown = True

    def close(self) -> None:
        if self.shown:
            click.echo("\r\x1b[2K", err=True, nl=False)


def _show(report: ImportReport, max_errors: int) -> None:
    """Problems on stderr (capped), then the one-line summary on stdout."""
    for title, lines in (("skipped", report.errors()), ("warning", report.notes())):
        shown = lines if max_errors == 0 else lines[:max_errors]
        for line in shown:
            click.echo(f"{title}: {line}", err=True)
        if len(lines) > len(shown):
            click.echo(
                f"… and {len(lines) - len(shown):,} more {title} messages "
                "(--max-errors 0 prints every one)",
                err=True,
            )
    click.echo(f"{report.summary()} in {report.seconds:.1f} s")
    if report.nothing_imported:
        reason = "it has no data rows" if report.rows == 0 else "every row was skipped"
        raise WorkbenchError(f"nothing imported from {report.file}: {reason}")


def _run(kind: str, file: Path, max_errors: int) -> None:
    from workbench.services.csv_import import import_orders, import_payments
    from workbench.store.engine import open_store

    store = open_store(load_settings().database_url)
    line = _ProgressLine()
    try:
        run = import_orders if kind == "orders" else import_payments
        report = run(store, file, progress=line)
    finally:
        line.close()
        store.close()
    _show(report, max_errors)


@click.group("import")
def import_group() -> None:
    """Import the CSV files a merchant can export from the Shopify admin."""


@import_group.command("orders")
@click.argument("file", type=_FILE)
@_MAX_ERRORS
def import_orders_cmd(file: Path, max_errors: int) -> None:
    """The Orders export (Orders → Export, orders_export_1.csv).

    Orders already synced from the API are kept as they are; importing the same file again
    changes nothing.
    """
    _run("orders", file, max_errors)


@import_group.command("payments")
@click.argument("file", type=_FILE)
@_MAX_ERRORS
def import_payments_cmd(file: Path, max_errors: int) -> None:
    """The Shopify Payments transactions export (payment_transactions_export_1.csv).

    Rows the API already synced are skipped; importing the same file again changes nothing.
    """
    _run("payments", file, max_errors)


def register(group: click.Group) -> None:
    group.add_command(import_group)
