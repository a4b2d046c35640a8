"""The `reconciler` command: a click group, one module per command, one error handler.

Commands return an exit code; `main` maps expected errors (reconciler.errors) to exit
codes and prints one clean line. `--debug` shows the traceback instead.
"""

from __future__ import annotations

import sys

import click

from reconciler import __version__
from reconciler.errors import EXIT_ERROR, EXIT_INTERRUPTED, ReconcilerError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="reconciler")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of one-line errors.")
@click.pass_context
def cli(ctx: click.Context, debug: bool) -> None:
    """Declarative access for ModMed: desired users and roles in Git, converged in the console."""
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


def _register() -> None:
    # Imported here so that each command stays in its own module (one job each).
    from reconciler.cli import (
        apply,
        audit,
        demo,
        drift,
        import_,
        plan,
        policy,
        reconcile,
        schema,
        show,
        sim,
        validate,
    )

    modules = [validate, show, plan, apply, drift, reconcile, import_, policy, audit, schema, sim, demo]
    for module in modules:
        cli.add_command(module.command)


_register()


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point: run the CLI and turn the outcome into an exit code."""
    args = sys.argv[1:] if argv is None else argv
    debug = "--debug" in args
    try:
        result = cli.main(args=args, prog_name="reconciler", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Exit as exc:
        return exc.exit_code
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return EXIT_INTERRUPTED
    except ReconcilerError as exc:
        if debug:
            raise
        message = str(exc)
        if message:
            click.echo(f"error: {message}", err=True)
        return exc.exit_code
    except Exception as exc:  # an unexpected fault: still one line unless --debug
        if debug:
            raise
        click.echo(f"error: unexpected {type(exc).__name__}: {exc} (rerun with --debug)", err=True)
        return EXIT_ERROR
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    sys.exit(main())
