"""``workbench sync`` and ``workbench sync shopify``: headless syncs with progress on stderr."""

from __future__ import annotations

from datetime import date, datetime

import click

from workbench.cli import progress_line
from workbench.config import load_settings


@click.group("sync", invoke_without_command=True)
@click.pass_context
def sync_group(ctx: click.Context) -> None:
    """Shopify, then QuickBooks reference data (when connected), then proposals."""
    if ctx.invoked_subcommand is not None:
        return
    from workbench.services.profile import full_sync_runner
    from workbench.store.engine import open_store

    settings = load_settings()
    store = open_store(settings.database_url)
    try:
        runner = full_sync_runner(settings, store)
        if runner is None:
            raise click.UsageError(
                "Shopify is not configured: set WORKBENCH_SHOPIFY_SHOP_URL and a token "
                "(see `workbench config show`)"
            )
        result = runner(progress_line.show)
    finally:
        progress_line.end()
        store.close()
    click.echo(result.describe())


@sync_group.command("shopify")
@click.option("--since", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              help="Only activity updated on or after this date (YYYY-MM-DD).")  # fmt: skip
@click.option("--full", is_flag=True, help="Ignore the checkpoint and read everything again.")
@click.option(
    "--bulk/--no-bulk", default=None,
    help="Force (or forbid) a bulk export; by default a large first sync uses one.",
)  # fmt: skip
def sync_shopify_cmd(since: datetime | None, full: bool, bulk: bool | None) -> None:
    """Pull orders, refunds, payouts and balance transactions from the Admin API."""
    from workbench.services.profile import shopify_sync_runner
    from workbench.store.engine import open_store

    settings = load_settings()
    start: date | None = since.date() if since else None
    store = open_store(settings.database_url)
    try:
        runner = shopify_sync_runner(settings, store, since=start, full=full, bulk=bulk)
        if runner is None:
            raise click.UsageError(
                "Shopify is not configured: set WORKBENCH_SHOPIFY_SHOP_URL and "
                "WORKBENCH_SHOPIFY_TOKEN (or _CLIENT_ID and _CLIENT_SECRET)"
            )
        result = runner(progress_line.show)
    finally:
        progress_line.end()
        store.close()
    how = " (orders from a bulk export)" if result.bulk else ""
    click.echo(
        f"{result.orders:,} orders, {result.payouts:,} payouts and "
        f"{result.balance_transactions:,} balance transactions synced "
        f"in {result.requests:,} requests{how}"
    )


def register(group: click.Group) -> None:
    group.add_command(sync_group)
