"""Starting the app: on the configured profile, or on the sandbox for the demo."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.config import load_settings

if TYPE_CHECKING:
    from workbench.tui.app import WorkbenchApp


def run_configured_app() -> None:
    from workbench.services.profile import full_sync_runner, qbo_client_factory
    from workbench.services.settings_edit import SettingsEditor
    from workbench.services.workspace import Workspace
    from workbench.store.engine import open_store
    from workbench.tui.app import WorkbenchApp

    settings = load_settings()
    store = open_store(settings.database_url)
    try:
        workspace = Workspace(
            store, sync=full_sync_runner(settings, store), qbo=qbo_client_factory(settings),
            settings=settings,
        )  # fmt: skip
        first_run = SettingsEditor().needs_setup()
        WorkbenchApp(
            workspace, sync_on_start=workspace.is_empty() and not first_run, user=settings.user,
            first_run=first_run,
        ).run()  # fmt: skip
    finally:
        store.close()


@contextmanager
def demo_session(*, orders: int, seed: int, db_url: str | None) -> Iterator[WorkbenchApp]:
    """The app on a fresh store fed by the in-process sandbox; cleaned up on exit."""
    from workbench.services.sandbox_session import demo_workspace, start_sandbox
    from workbench.store.engine import open_store
    from workbench.tui.app import WorkbenchApp

    with tempfile.TemporaryDirectory(prefix="workbench-demo-") as folder:
        url = db_url or f"sqlite:///{Path(folder) / 'demo.db'}"
        store = open_store(url)
        sandbox = start_sandbox(orders=orders, seed=seed)
        try:
            # The app opens at once and the first sync runs in a worker, with progress.
            yield WorkbenchApp(demo_workspace(store, sandbox), sync_on_start=True)
        finally:
            sandbox.close()
            store.close()


def run_demo(*, orders: int, seed: int, db_url: str | None) -> None:
    with demo_session(orders=orders, seed=seed, db_url=db_url) as app:
        app.run()
