"""`workbench screenshots`: regenerate the README's pictures from the demo.

The pictures must not change unless the app does, so everything that varies between runs is
pinned: the sandbox (fixed seed and last day), the terminal size, the clock (every
``datetime.now`` in the workbench reads one fixed instant while the pictures are taken), the
random ids (``uuid4`` counts up, so the pictured commit batch always has the same id) and the
time zone. PNG copies are made when ``rsvg-convert`` (Debian: librsvg2-bin) is on PATH.
"""

from __future__ import annotations

import asyncio
import itertools
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, tzinfo
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import click

if TYPE_CHECKING:
    from workbench.tui.screenshots import Shot

SEED = 7
LAST_DAY = date(2026, 11, 20)
NOW = datetime(2026, 11, 20, 17, 45, tzinfo=UTC)
# Kept under another name: this module's own ``datetime`` is patched like every other.
_REAL_DATETIME = datetime
_REAL_UUID = uuid


class _FrozenDatetime(datetime):
    """``datetime`` whose ``now``/``utcnow`` give the fixed instant (tz-aware as asked)."""

    @classmethod
    def now(cls, tz: tzinfo | None = None) -> _FrozenDatetime:
        return cls.fromtimestamp(NOW.timestamp(), tz)

    @classmethod
    def utcnow(cls) -> _FrozenDatetime:
        return cls(*NOW.timetuple()[:6])


def _workbench_modules() -> list[ModuleType]:
    return [m for name, m in list(sys.modules.items()) if name.startswith("workbench") and m]


def _counting_uuid() -> ModuleType:
    """The ``uuid`` module, except that ``uuid4`` counts up from 1."""
    counter = itertools.count(1)
    pinned = ModuleType("uuid")
    pinned.__dict__.update(_REAL_UUID.__dict__)
    pinned.uuid4 = lambda: _REAL_UUID.UUID(int=next(counter))  # type: ignore[attr-defined]
    return pinned


@contextmanager
def frozen_clock() -> Iterator[None]:
    """Pin the time zone to UTC, and ``datetime.now`` and ``uuid.uuid4`` of every loaded
    workbench module."""
    patched: list[ModuleType] = []
    with_uuid: list[ModuleType] = []
    counting = _counting_uuid()
    old_tz = os.environ.get("TZ")
    os.environ["TZ"] = "UTC"
    time.tzset()
    for module in _workbench_modules():
        if getattr(module, "datetime", None) is _REAL_DATETIME:
            module.datetime = _FrozenDatetime  # type: ignore[attr-defined]
            patched.append(module)
        if getattr(module, "uuid", None) is _REAL_UUID:
            module.uuid = counting  # type: ignore[attr-defined]
            with_uuid.append(module)
    try:
        yield
    finally:
        for module in with_uuid:
            module.uuid = _REAL_UUID  # type: ignore[attr-defined]
        for module in patched:
            module.datetime = _REAL_DATETIME  # type: ignore[attr-defined]
        if old_tz is None:
            os.environ.pop("TZ", None)
        else:
            os.environ["TZ"] = old_tz
        time.tzset()


def take_screenshots(
    out: Path, *, orders: int, report: Callable[[str], None] = lambda _text: None
) -> list[Shot]:
    """The demo app on a fresh store, pictured view by view into ``out``."""
    # Import everything the app will use before the clock is pinned, so it is pinned too.
    from textual.app import App

    from workbench.services.sandbox_session import demo_workspace, start_sandbox
    from workbench.store.engine import open_store
    from workbench.tui.app import WorkbenchApp
    from workbench.tui.screenshots import DemoSettingsEditor, capture

    with tempfile.TemporaryDirectory(prefix="workbench-shots-") as folder:
        store = open_store(f"sqlite:///{Path(folder) / 'demo.db'}")
        sandbox = start_sandbox(orders=orders, seed=SEED, end=LAST_DAY)
        try:
            workspace = demo_workspace(store, sandbox)
            app = WorkbenchApp(workspace, sync_on_start=True, user="demo")
            editor = DemoSettingsEditor(sandbox.shop_url, sandbox.company_name)

            def synced(shown: App[Any]) -> bool:
                return not getattr(shown.screen, "syncing", False) and not workspace.is_empty()

            with frozen_clock():
                return asyncio.run(capture(app, out, settings=editor, ready=synced, report=report))
        finally:
            sandbox.close()
            store.close()


def to_png(svg: Path, converter: str) -> Path:
    png = svg.with_suffix(".png")
    subprocess.run([converter, "-o", str(png), str(svg)], check=True, capture_output=True)
    return png


@click.command("screenshots")
@click.option(
    "--out", type=click.Path(file_okay=False, path_type=Path), default=Path("screenshots"),
    show_default=True, help="Folder for the SVG (and PNG) files.",
)  # fmt: skip
@click.option("--orders", default=120, show_default=True, type=click.IntRange(1, 20_000))
@click.option("--png/--no-png", default=True, show_default=True, help="Also PNG via rsvg-convert.")
def screenshots_cmd(out: Path, orders: int, png: bool) -> None:
    """Regenerate screenshots of every tab from the demo (fixed data, size and clock)."""
    shots = take_screenshots(out, orders=orders, report=lambda text: click.echo(f"note: {text}"))
    converter = shutil.which("rsvg-convert") if png else None
    for shot in shots:
        line = str(shot.path)
        if converter:
            line += f", {to_png(shot.path, converter)}"
        click.echo(f"{shot.title:<22} {line}")
    if png and converter is None:
        click.echo("rsvg-convert is not on PATH (Debian: librsvg2-bin): SVG only.")


def register(group: click.Group) -> None:
    group.add_command(screenshots_cmd)
