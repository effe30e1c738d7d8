"""``workbench propose`` and ``workbench show KEY``: the entries we would post, explained."""

from __future__ import annotations

import json
from typing import Any

import click

from workbench.cli.context import opened_store
from workbench.errors import WorkbenchError


def _dump(value: Any) -> str:
    from workbench import jsonmoney

    return json.dumps(
        jsonmoney.loads(jsonmoney.dumps(value)), indent=2, default=str, ensure_ascii=False
    )


@click.command("propose")
def propose_cmd() -> None:
    """(Re)build the proposed QuickBooks entry of every stored Shopify record."""
    from workbench.services.propose import propose_all

    with opened_store() as (settings, store):
        report = propose_all(store, settings)
    kinds = ", ".join(f"{n:,} {entity}" for entity, n in sorted(report.by_entity.items()))
    click.echo(f"{report.built:,} built, {report.unchanged:,} unchanged ({kinds or 'none'})")
    if report.approvals_withdrawn:
        click.echo(f"{report.approvals_withdrawn:,} approvals withdrawn: their entries changed")
    if report.changed_after_posting:
        click.echo(f"{report.changed_after_posting:,} posted entries changed in Shopify afterwards")


@click.command("show")
@click.argument("key")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def show_cmd(key: str, as_json: bool) -> None:
    """A proposal beside its Shopify source, line by line, with the tie-out."""
    from workbench.services.proposals import load_proposal

    with opened_store() as (_, store):
        shown = load_proposal(store, key)
    if shown is None:
        raise WorkbenchError(
            f"no proposal {key!r}: see `workbench status` or run `workbench propose`"
        )
    if as_json:
        click.echo(_dump(shown))
        return
    number = shown["doc_number"] or ""
    click.echo(f"{shown['entity_type']} {number} · {shown['txn_date']} · {shown['state']}")
    click.echo(f"Source: {shown['source']['label']}")
    click.echo("")
    for line in shown["lines"]:
        target = line["target"] or "UNMAPPED"
        amount = f"{line['amount']:>12,.2f}"
        click.echo(f"  {line['description']:<44.44} {amount}  {target:<14} ← {line['provenance']}")
    click.echo(f"  {'Total':<44} {shown['total']:>12,.2f}")
    click.echo("")
    for tie in shown["tieouts"]:
        mark = "✓" if tie["ok"] else "✗"
        click.echo(f"  {mark} {tie['name']}: Shopify {tie['expected']} · entry {tie['actual']}")
    for flag in shown["flags"]:
        click.echo(f"  ! {flag['code']}: {flag['message']}")


def register(group: click.Group) -> None:
    group.add_command(propose_cmd)
    group.add_command(show_cmd)
