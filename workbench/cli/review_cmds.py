"""``workbench approve / reject / unapprove``: review decisions, each audited with the reviewer."""

from __future__ import annotations

import click

from workbench.cli.context import opened_store
from workbench.errors import WorkbenchError

PAST = {"approve": "approved", "reject": "rejected", "unapprove": "unapproved"}


def _run(keys: tuple[str, ...], decision: str, clean: bool = False) -> None:
    from workbench.services.review import approve_clean, decide

    with opened_store() as (settings, store):
        if clean:
            report = approve_clean(store, reviewer=settings.user)
        else:
            report = decide(store, list(keys), decision, reviewer=settings.user)
    done = PAST[decision]
    for key, why in report.refused:
        click.echo(f"{key}: not {done}: {why}", err=True)
    click.echo(f"{len(report.changed)} {done}, {len(report.refused)} refused")
    if report.refused and not report.changed:
        raise WorkbenchError(f"nothing was {done}")


@click.command("approve")
@click.option("--clean", is_flag=True, help="Every proposal with no flag, tied out, all mapped.")
@click.argument("keys", nargs=-1)
def approve_cmd(clean: bool, keys: tuple[str, ...]) -> None:
    """Approve proposals for posting (by KEY, or --clean)."""
    if clean == bool(keys):
        raise click.UsageError("give either --clean or one or more KEYs")
    _run(keys, "approve", clean=clean)


@click.command("reject")
@click.argument("keys", nargs=-1, required=True)
def reject_cmd(keys: tuple[str, ...]) -> None:
    """Exclude proposals from posting."""
    _run(keys, "reject")


@click.command("unapprove")
@click.argument("keys", nargs=-1, required=True)
def unapprove_cmd(keys: tuple[str, ...]) -> None:
    """Take back an approval (or a rejection)."""
    _run(keys, "unapprove")


def register(group: click.Group) -> None:
    for command in (approve_cmd, reject_cmd, unapprove_cmd):
        group.add_command(command)
