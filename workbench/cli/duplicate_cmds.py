"""``workbench duplicates``, ``link``, ``post-anyway`` and ``skip``: the guard's findings and
the bookkeeper's decisions on them."""

from __future__ import annotations

import json

import click

from workbench.cli.context import opened_store


@click.command("duplicates")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def duplicates_cmd(as_json: bool) -> None:
    """Payouts and orders that QuickBooks may already hold, with the evidence."""
    from workbench.services.duplicates import describe, find_duplicates

    with opened_store() as (_, store), store.session() as session:
        flags = [describe(f) for f in find_duplicates(session)]
    if as_json:
        click.echo(json.dumps(flags, indent=2, ensure_ascii=False))
        return
    if not flags:
        click.echo("No duplicates found.")
    for flag in flags:
        click.echo(f"{flag['key']}  {flag['kind'].replace('_', ' ')}")
        for c in flag["candidates"]:
            mark = "→" if flag["chosen"] == f"{c['qbo_type']}:{c['id']}" else " "
            click.echo(
                f"  {mark} {c['qbo_type']}:{c['id']}  {c['date']}  {c['amount']:>12}  "
                f"score {c['score']}  {'; '.join(c['reasons'])}"
            )
        for note in flag["notes"]:
            click.echo(f"    ! {note}")


def _decide(
    key: str, decision: str, *, target: str | None = None, reason: str | None = None
) -> None:
    from workbench.services.duplicates import decide

    with opened_store() as (settings, store):
        decide(store, key, decision, reviewer=settings.user, target=target, reason=reason)


@click.command("link")
@click.argument("key")
@click.argument("target", metavar="TYPE:ID")
def link_cmd(key: str, target: str) -> None:
    """Record that QuickBooks record TYPE:ID is this entry; nothing will be posted for it."""
    _decide(key, "link", target=target)
    click.echo(f"{key} linked to {target}")


@click.command("post-anyway")
@click.argument("key")
@click.option(
    "--reason", required=True, help="Why this is not a duplicate (kept in the audit log)."
)
def post_anyway_cmd(key: str, reason: str) -> None:
    """Clear a possible-duplicate flag: this entry is to be posted."""
    _decide(key, "post_anyway", reason=reason)
    click.echo(f"{key} will be posted; reason recorded")


@click.command("skip")
@click.argument("key")
def skip_cmd(key: str) -> None:
    """Never post this entry."""
    _decide(key, "skip")
    click.echo(f"{key} skipped")


def register(group: click.Group) -> None:
    for command in (duplicates_cmd, link_cmd, post_anyway_cmd, skip_cmd):
        group.add_command(command)
