"""``workbench commit / undo / history / audit``: posting approved entries, and the record of it."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from workbench import jsonmoney
from workbench.cli import progress_line
from workbench.cli.context import opened_store
from workbench.errors import WorkbenchError


@click.command("commit")
@click.option("--dry-run", is_flag=True, help="Print the JSON that would be sent; change nothing.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@click.option(
    "--batch-size", type=click.IntRange(1, 30), default=30, show_default=True,
    help="Entries per QuickBooks batch call (at most 30).",
)  # fmt: skip
def commit_cmd(dry_run: bool, yes: bool, batch_size: int) -> None:
    """Post every approved entry to QuickBooks, exactly once."""
    from workbench.services.commit import commit, pending
    from workbench.services.commit import dry_run as plan

    with opened_store() as (settings, store):
        if dry_run:
            click.echo(jsonmoney.dumps(plan(store, batch_size=batch_size), indent=2))
            return
        waiting = pending(store)
        if waiting.count == 0:
            click.echo("Nothing is approved: approve entries first (`workbench approve`).")
            return
        retry = f" ({waiting.retries} failed before, retried)" if waiting.retries else ""
        question = f"Post {waiting.count} entries totalling {waiting.total:,.2f}{retry}?"
        if not yes:
            if not sys.stdin.isatty():
                raise WorkbenchError(f"{question} Add --yes to post without a prompt.")
            click.confirm(question, abort=True)
        from workbench.qbo.connect import open_client

        with open_client(settings) as client:
            try:
                report = commit(
                    store, client, reviewer=settings.user, batch_size=batch_size,
                    progress=progress_line.show,
                )  # fmt: skip
            finally:
                progress_line.end()
    for key, message in report.failed:
        click.echo(f"FAILED {key}: {message}", err=True)
    for key, why in report.skipped:
        click.echo(f"skipped {key}: {why}", err=True)
    click.echo(f"Batch {report.batch_id}: {report.describe()}")
    if report.failed:
        raise WorkbenchError(
            f"{len(report.failed)} entries failed; fix the cause (see each message) and run "
            "`workbench commit` again: only what is not yet posted will be sent"
        )


@click.command("undo")
@click.argument("batch_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def undo_cmd(batch_id: str, yes: bool) -> None:
    """Delete what a commit batch posted, newest first."""
    from workbench.qbo.connect import open_client
    from workbench.services.undo import undo

    with opened_store() as (settings, store):
        if not yes:
            question = f"Delete from QuickBooks everything batch {batch_id} posted?"
            if not sys.stdin.isatty():
                raise WorkbenchError(f"{question} Add --yes to undo without a prompt.")
            click.confirm(question, abort=True)
        with open_client(settings) as client:
            try:
                report = undo(
                    store, client, batch_id, reviewer=settings.user, progress=progress_line.show
                )
            finally:
                progress_line.end()
    for what, reason in report.refused:
        click.echo(f"NOT UNDONE {what}: {reason}", err=True)
    click.echo(report.describe())
    if report.refused:
        raise WorkbenchError(
            f"{len(report.refused)} entries could not be undone (reasons above); the rest was"
        )


@click.command("history")
@click.argument("batch_id", required=False)
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def history_cmd(batch_id: str | None, as_json: bool) -> None:
    """List commit batches, or the entries of one batch."""
    from workbench.services import history

    with opened_store() as (_settings, store):
        if batch_id:
            found = history.entries(store, batch_id)
            if not found and not history.batch_exists(store, batch_id):
                raise WorkbenchError(f"no commit batch {batch_id!r}: run `workbench history`")
            if as_json:
                click.echo(jsonmoney.dumps([e.to_json() for e in found], indent=2))
                return
            for e in found:
                amount = f"{e.amount:>12,.2f}" if e.part == e.entity or e.part == "Invoice" else ""
                line = (
                    f"{e.state:<9} {e.proposal_key:<36} {e.part:<13} {e.qbo_id or '':>8} {amount}"
                )
                click.echo(line.rstrip() + (f"  {e.message}" if e.message else ""))
            return
        found_batches = history.batches(store)
    if as_json:
        click.echo(jsonmoney.dumps([b.to_json() for b in found_batches], indent=2))
        return
    if not found_batches:
        click.echo("No commits yet.")
        return
    for b in found_batches:
        undone = " (undone)" if b.undone_at else ""
        click.echo(
            f"{b.id}  {b.started_at:%Y-%m-%d %H:%M}  {b.reviewer:<12} {b.state:<11} "
            f"{b.posted:>5} posted {b.failed:>4} failed  {b.total:>14,.2f}{undone}"
        )


@click.command("audit")
@click.option("--json", "as_json", is_flag=True, help="The log as JSON.")
@click.option(
    "--csv", "csv_file", type=click.Path(dir_okay=False, path_type=Path),
    help="Write the log to FILE as CSV (formula-like cells neutralised).",
)  # fmt: skip
def audit_cmd(as_json: bool, csv_file: Path | None) -> None:
    """Export the audit log: every decision and every post, who, when, before and after."""
    from workbench.services import history

    if as_json and csv_file:
        raise click.UsageError("give --json or --csv FILE, not both")
    with opened_store() as (_settings, store):
        rows = list(history.audit_rows(store))
    if csv_file is not None:
        csv_file.write_text(history.audit_csv(rows), encoding="utf-8", newline="")
        click.echo(f"{len(rows)} audit entries written to {csv_file}")
        return
    if as_json:
        click.echo(jsonmoney.dumps(rows, indent=2))
        return
    for row in rows:
        detail = f"  {row['detail']}" if row["detail"] else ""
        click.echo(
            f"{row['at'][:19]}  {row['actor']:<12} {row['action']:<14} {row['subject']}{detail}"
        )


def register(group: click.Group) -> None:
    for command in (commit_cmd, undo_cmd, history_cmd, audit_cmd):
        group.add_command(command)
