"""The ``workbench`` command: the app by default, a sub-command for every headless step.

Exit codes are a contract for scripts: 0 success, 1 failure (one clear line on stderr, a
traceback only with ``--debug``), 2 usage errors (click's own).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence

import click

from workbench.cli.commands import register
from workbench.errors import WorkbenchError


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show a traceback when something fails.")
@click.version_option(package_name="workbench")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Review Shopify sales before they are posted to QuickBooks Online, then post them once."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug
    if ctx.invoked_subcommand is None:
        from workbench.cli.run_app import run_configured_app

        run_configured_app()


register(cli)


def main(argv: Sequence[str] | None = None) -> int:
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        cli.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except WorkbenchError as exc:
        if debug:
            traceback.print_exc()
        click.echo(f"workbench: {exc}", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except Exception as exc:  # the last line of defence: one line, never a wall of text
        if debug:
            traceback.print_exc()
        click.echo(
            f"workbench: unexpected error: {type(exc).__name__}: {exc} (run with --debug "
            "for details)",
            err=True,
        )
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
