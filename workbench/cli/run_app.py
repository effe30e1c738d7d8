"""Starting the app: on the configured profile, or on the sandbox for the demo."""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import click

from workbench.config import load_settings
from workbench.services.progress import Progress


def _progress_line(progress: Progress) -> None:
    if sys.stderr.isatty():
        click.echo(f"\r{progress.describe():<70}", err=True, nl=False)


def run_configured_app() -> None:
    from workbench.services.workspace import Workspace
    from workbench.store.engine import open_store
    from workbench.tui.app import WorkbenchApp

    settings = load_settings()
    store = open_store(settings.database_url)
    try:
        WorkbenchApp(Workspace(store)).run()
    finally:
        store.close()


def run_demo(*, orders: int, seed: int, db_url: str | None) -> None:
    from workbench.services.sandbox_session import fill_store, start_sandbox
    from workbench.services.workspace import Workspace
    from workbench.store.engine import open_store
    from workbench.tui.app import WorkbenchApp

    with tempfile.TemporaryDirectory(prefix="workbench-demo-") as folder:
        url = db_url or f"sqlite:///{Path(folder) / 'demo.db'}"
        store = open_store(url)
        sandbox = start_sandbox(orders=orders, seed=seed)
        try:
            fill_store(store, sandbox, progress=_progress_line)
            if sys.stderr.isatty():
                click.echo("", err=True)
            WorkbenchApp(Workspace(store, company_name=sandbox.company_name)).run()
        finally:
            sandbox.close()
            store.close()
