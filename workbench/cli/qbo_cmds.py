"""`workbench connect qbo` and `workbench sync qbo`.

The ``connect`` and ``sync`` groups are shared with other sources (Shopify), so ``register``
adds to a group that is already there instead of replacing it. Imports of the client happen
inside the commands to keep `workbench status` quick to start.
"""

from __future__ import annotations

import time

import click

from workbench.config import load_settings


def _group(parent: click.Group, name: str, help_text: str) -> click.Group:
    found = parent.commands.get(name)
    if isinstance(found, click.Group):
        return found
    group = click.Group(name, help=help_text)
    parent.add_command(group)
    return group


@click.command("qbo")
@click.option("--status", "show_status", is_flag=True, help="Check the stored connection.")
@click.option("--no-browser", is_flag=True, help="Only print the consent address.")
@click.option(
    "--port",
    default=8725,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Loopback port of the redirect (register http://127.0.0.1:PORT/callback with Intuit).",
)
@click.option("--timeout", default=300, show_default=True, type=click.IntRange(10, 3600))
def connect_qbo(show_status: bool, no_browser: bool, port: int, timeout: int) -> None:
    """Connect a QuickBooks Online company (OAuth 2.0 consent in the browser)."""
    from workbench.qbo import connect
    from workbench.qbo.errors import QboError

    settings = load_settings()
    if show_status:
        state = connect.status(settings)
        headline, *details = state.describe()
        for line in details if not state.works else [headline, *details]:
            click.echo(line)
        if not state.works:
            raise QboError(headline)  # one line on stderr and exit code 1, like every failure
        return
    tokens = connect.connect(
        settings, open_browser=None if no_browser else connect._open_browser, echo=click.echo,
        port=port, timeout=timeout,
    )  # fmt: skip
    click.echo(f"Connected company {tokens.realm_id}; run `workbench sync qbo` next.")


@click.command("qbo")
@click.option("--days", default=90, show_default=True, type=click.IntRange(1, 3650),
              help="Read deposits, transfers and journal entries this many days back.")  # fmt: skip
@click.option("--full", is_flag=True, help="Read everything again, not only what changed.")
def sync_qbo_cmd(days: int, full: bool) -> None:
    """Copy the company's reference data and recent transactions into the store."""
    from workbench.qbo.connect import open_client
    from workbench.services.qbo_sync import sync_qbo
    from workbench.store.engine import open_store

    settings = load_settings()
    client = open_client(settings)
    store = open_store(settings.database_url)
    started = time.monotonic()
    try:
        with client:
            result = sync_qbo(store, client, window_days=days, full=full)
    finally:
        store.close()
    click.echo(f"Company: {result.company.describe()}")
    for entity, count in result.fetched.items():
        gone = result.deleted.get(entity, 0)
        click.echo(f"  {entity:<14} {count:>7,} read" + (f", {gone:,} removed" if gone else ""))
    click.echo(f"{result.requests:,} requests in {time.monotonic() - started:,.1f} s")


def register(group: click.Group) -> None:
    _group(group, "connect", "Connect workbench to a service.").add_command(connect_qbo)
    _group(group, "sync", "Pull data from a service into the store.").add_command(sync_qbo_cmd)
