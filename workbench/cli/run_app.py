"""Starting the app: on the configured profile, or on the sandbox for the demo."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from workbench.config import Settings, load_settings

if TYPE_CHECKING:
    from workbench.store.engine import Store
    from workbench.tui.app import WorkbenchApp


def run_configured_app() -> None:
    from workbench.store.engine import open_store

    settings = load_settings()
    store = open_store(settings.database_url)
    try:
        configured_app(settings, store).run()
    finally:
        store.close()


def configured_app(settings: Settings, store: Store) -> WorkbenchApp:
    """The app on the configured profile, as ``workbench`` starts it (the start-up benchmark
    measures this path, so what it imports counts)."""
    from workbench.services.profile import QboAccess, full_sync_runner
    from workbench.services.settings_edit import SettingsEditor
    from workbench.services.workspace import Workspace
    from workbench.tui.app import WorkbenchApp

    workspace = Workspace(store, settings=settings)

    def use(current: Settings) -> None:
        qbo = QboAccess(current)
        workspace.reconfigure(
            current, sync=full_sync_runner(current, store), qbo=qbo,
            qbo_connected=lambda: qbo.connected,
        )  # fmt: skip

    def apply_saved() -> str:
        saved = load_settings()
        use(saved)
        if saved.database_url != settings.database_url:
            return "Saved and in use, except the database: restart workbench to open it."
        return "Saved; the new settings are in use."

    use(settings)
    first_run = SettingsEditor().needs_setup()
    return WorkbenchApp(
        workspace, sync_on_start=workspace.is_empty() and not first_run, user=settings.user,
        first_run=first_run, apply_settings=apply_saved,
    )  # fmt: skip


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
