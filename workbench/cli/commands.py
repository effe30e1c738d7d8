"""Sub-commands. Heavy imports (Textual, the emulators) happen inside each command so that
``workbench status`` starts quickly."""

from __future__ import annotations

import json
from typing import Any

import click

from workbench.config import load_settings, mask_url_password


def _print_json(value: Any) -> None:
    click.echo(json.dumps(value, indent=2, default=str, ensure_ascii=False))


@click.group("config")
def config_group() -> None:
    """Inspect the settings."""


@config_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def config_show(as_json: bool) -> None:
    """Print the effective settings (environment over config file); secrets are masked."""
    settings = load_settings()
    shown = settings.masked()
    paths = {
        "config file": str(settings.config_file)
        + ("" if settings.config_file.is_file() else " (absent)"),
        "data folder": str(settings.data_dir),
    }
    if as_json:
        _print_json({"settings": shown, "paths": paths})
        return
    width = max(len(k) for k in [*shown, *paths])
    for key, value in paths.items():
        click.echo(f"{key:<{width}}  {value}")
    click.echo()
    for key, value in shown.items():
        click.echo(f"{key:<{width}}  {value}")


@click.group("db")
def db_group() -> None:
    """Manage the store's schema."""


@db_group.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration (also done automatically on start)."""
    from workbench.store.engine import current_revision, open_store

    settings = load_settings()
    store = open_store(settings.database_url)
    try:
        click.echo(
            f"{mask_url_password(settings.database_url)} is at schema revision "
            f"{current_revision(store.engine)}"
        )
    finally:
        store.close()


@click.command("status")
@click.option("--json", "as_json", is_flag=True, help="Machine-readable output.")
def status_cmd(as_json: bool) -> None:
    """Counts of synced records and of proposals by state."""
    from workbench.services.status import status
    from workbench.store.engine import open_store

    settings = load_settings()
    store = open_store(settings.database_url)
    try:
        result = status(store)
    finally:
        store.close()
    if as_json:
        _print_json(result)
        return
    for key, value in result.items():
        if key == "last_sync":
            for source, when in value.items():
                click.echo(f"{'last sync ' + source:<28} {when}")
        else:
            click.echo(f"{key.replace('_', ' '):<28} {value if value is not None else '-'}")


@click.command("demo")
@click.option("--orders", default=500, show_default=True, type=click.IntRange(1, 200_000))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option("--db", "db_url", default=None, help="Keep the demo store at this URL.")
def demo_cmd(orders: int, seed: int, db_url: str | None) -> None:
    """The full app on the built-in sandbox store and company; no accounts needed."""
    from workbench.cli.run_app import run_demo

    run_demo(orders=orders, seed=seed, db_url=db_url)


@click.group("sandbox")
def sandbox_group() -> None:
    """The Shopify and QuickBooks emulators."""


@sandbox_group.command("serve")
@click.option("--shopify-port", default=8701, show_default=True, type=click.IntRange(0, 65535))
@click.option("--qbo-port", default=8702, show_default=True, type=click.IntRange(0, 65535))
@click.option("--host", default="127.0.0.1", show_default=True, help="A loopback address.")
@click.option("--orders", default=500, show_default=True, type=click.IntRange(1, 200_000))
@click.option("--seed", default=7, show_default=True, type=int)
@click.option(
    "--limits/--no-limits", default=True, show_default=True,
    help="Throttle like the real services (Shopify's cost bucket, QBO's rate limits).",
)  # fmt: skip
def sandbox_serve(
    shopify_port: int, qbo_port: int, host: str, orders: int, seed: int, limits: bool
) -> None:
    """Serve both emulators over real HTTP on loopback until Ctrl+C."""
    from workbench.config import is_loopback_host

    if not is_loopback_host(host):
        raise click.BadParameter(f"{host} is not a loopback address", param_hint="--host")
    from workbench.sandbox.serve import serve_forever

    serve_forever(
        host=host, shopify_port=shopify_port, qbo_port=qbo_port, orders=orders, seed=seed,
        limits=limits,
    )  # fmt: skip


def register(group: click.Group) -> None:
    from workbench.cli import (
        commit_cmds,
        duplicate_cmds,
        import_cmds,
        mapping_cmds,
        proposal_cmds,
        qbo_cmds,
        review_cmds,
        screenshot_cmds,
        sync_cmds,
    )

    for command in (config_group, db_group, status_cmd, demo_cmd, sandbox_group):
        group.add_command(command)
    proposal_cmds.register(group)
    sync_cmds.register(group)
    duplicate_cmds.register(group)
    mapping_cmds.register(group)
    review_cmds.register(group)
    commit_cmds.register(group)
    import_cmds.register(group)
    qbo_cmds.register(group)
    screenshot_cmds.register(group)
