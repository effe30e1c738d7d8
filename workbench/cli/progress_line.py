"""One self-replacing progress line on stderr, shown only to a person at a terminal."""

from __future__ import annotations

import sys

import click

from workbench.services.progress import Progress


def show(progress: Progress) -> None:
    if sys.stderr.isatty():
        click.echo(f"\r{progress.describe():<78}", err=True, nl=False)


def end() -> None:
    if sys.stderr.isatty():
        click.echo("", err=True)
