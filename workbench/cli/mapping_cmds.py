"""``workbench mappings …``: roles (accounts and items by the part they play), their
suggestions, and the bookkeeper's decisions."""

from __future__ import annotations

import json
from dataclasses import asdict

import click

from workbench.cli.context import opened_store


@click.group("mappings")
def mappings_group() -> None:
    """What each Shopify product and each role maps to in QuickBooks."""


@mappings_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
@click.option("--unmatched", is_flag=True, help="Only products without a confident item.")
def list_cmd(as_json: bool, unmatched: bool) -> None:
    """One entry per Shopify product key: its item, or our candidates and why."""
    from workbench.services.item_mappings import WHOLE, match_all

    with opened_store() as (_, store), store.session() as session:
        results = match_all(session)
    if unmatched:
        results = [r for r in results if r.state not in WHOLE]
    entries: list[dict[str, object]] = [
        {
            "key": r.key, "sku": r.sku, "product_title": r.product_title,
            "variant_title": r.variant_title, "state": str(r.state), "item_id": r.item_id,
            "item_name": r.item_name, "score": r.score, "reason": r.reason,
            "candidates": [
                {"item_id": c.item_id, "item_name": c.item_name, "score": c.score}
                for c in r.candidates[:5]
            ],
        }
        for r in results
    ]  # fmt: skip
    if as_json:
        click.echo(json.dumps(entries, indent=2, ensure_ascii=False))
        return
    for r in results:
        title = r.product_title + (f" - {r.variant_title}" if r.variant_title else "")
        guess = f"{r.candidates[0].item_name}?" if r.candidates else "—"
        target = r.item_name or guess
        click.echo(
            f"{r.state!s:<10} {r.sku or '':<16.16} {title:<40.40} {target:<30.30} {r.reason}"
        )


@mappings_group.command("set")
@click.argument("key")
@click.argument("item_id")
def set_cmd(key: str, item_id: str) -> None:
    """Map the Shopify product KEY to QBO item ITEM_ID (learned: it wins next time)."""
    from workbench.services.item_mappings import set_alias

    with opened_store() as (settings, store), store.session() as session:
        set_alias(session, key, item_id, reviewer=settings.user, origin="manual")
    click.echo(f"{key} → item {item_id}; run `workbench propose` to rebuild")


@mappings_group.command("create-item")
@click.argument("key")
@click.option("--type", "item_type", default="NonInventory", show_default=True,
              type=click.Choice(["NonInventory", "Service"]))  # fmt: skip
@click.option("--income-account", default=None, help="QBO Id of the income account.")
@click.option("--name", default=None, help="Item name (default: the Shopify title).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (scripts).")
def create_item_cmd(
    key: str, item_type: str, income_account: str | None, name: str | None, yes: bool
) -> None:
    """Create a QuickBooks item for the Shopify product KEY and map it."""
    from workbench.qbo.connect import open_client
    from workbench.services.item_mappings import create_item

    if not yes:
        click.confirm(f"Create a {item_type} item in QuickBooks for {key}?", abort=True)
    with opened_store() as (settings, store), open_client(settings) as client:
        created = create_item(
            store, client, key, reviewer=settings.user, item_type=item_type,
            income_account=income_account, name=name,
        )  # fmt: skip
    click.echo(f"created Item:{created.qbo_id} {created.name}; {key} now maps to it")


@mappings_group.command("roles")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def roles_cmd(as_json: bool) -> None:
    """Each role with its account (or item), or our suggestion and its score."""
    from workbench.services.role_mappings import role_table

    with opened_store() as (_, store), store.session() as session:
        lines = role_table(session)
    if as_json:
        click.echo(json.dumps([asdict(line) for line in lines], indent=2, ensure_ascii=False))
        return
    for line in lines:
        target = f"{line.qbo_type}:{line.qbo_id} {line.name}" if line.qbo_id else "—"
        click.echo(f"{line.role:<28} {line.state:<10} {target:<40.40} {line.reason}")


@mappings_group.command("set-role")
@click.argument("role")
@click.argument("qbo_id")
def set_role_cmd(role: str, qbo_id: str) -> None:
    """Map ROLE to the account (or item, for item:… roles) with QBO_ID."""
    from workbench.services.role_mappings import set_role

    with opened_store() as (settings, store), store.session() as session:
        set_role(session, role, qbo_id, reviewer=settings.user)
    click.echo(f"{role} → {qbo_id}")


@mappings_group.command("accept")
@click.option("--min-score", type=click.IntRange(0, 100), required=True)
def accept_cmd(min_score: int) -> None:
    """Accept every item and role suggestion scoring at least N."""
    from workbench.services.item_mappings import accept_suggestions
    from workbench.services.role_mappings import accept_roles

    with opened_store() as (settings, store):
        with store.session() as session:
            items = accept_suggestions(session, min_score=min_score, reviewer=settings.user)
        roles = accept_roles(store, min_score=min_score, reviewer=settings.user)
    for result in items:
        best = result.candidates[0]
        click.echo(f"{result.key} → item {best.item_id} {best.item_name} ({best.score:g})")
    for line in roles:
        click.echo(f"{line.role} → {line.qbo_type}:{line.qbo_id} {line.name} ({line.score})")
    click.echo(
        f"{len(items)} item and {len(roles)} role suggestion(s) accepted; "
        "run `workbench propose` to rebuild"
    )


@mappings_group.command("create-account")
@click.argument("role")
@click.option("--name", default=None, help="The new account's name (default: the usual one).")
@click.option("--type", "kind", default=None, help="QBO AccountType (or item Type).")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (scripts).")
def create_account_cmd(role: str, name: str | None, kind: str | None, yes: bool) -> None:
    """Create the missing account (or item) for ROLE in QuickBooks and map it."""
    from workbench.qbo.connect import open_client
    from workbench.services.role_mappings import create_for_role

    if not yes:
        click.confirm(f"Create the QuickBooks record for {role} now?", abort=True)
    with opened_store() as (settings, store), open_client(settings) as client:
        created = create_for_role(store, client, role, name=name, kind=kind, reviewer=settings.user)
    click.echo(f"created {created.entity_type}:{created.qbo_id} {created.name} for {role}")


def register(group: click.Group) -> None:
    group.add_command(mappings_group)
