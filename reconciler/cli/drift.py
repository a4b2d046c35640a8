"""`reconciler drift`: observe and compare only; write and commit the drift report."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler import engine
from reconciler.cli.options import repo_option
from reconciler.cli.report_summary import echo_outcome
from reconciler.cli.run_options import console_options, echo_finding, run_options, with_connector
from reconciler.engine.run import prepare, run


@click.command("drift")
@repo_option
@console_options
def command(repo: Path, **kwargs: object) -> int:
    """Compare Git with the console, never change the console; exit 2 when they differ.

    Writes reports/<target>/latest.md and latest.json and commits them when something
    changed (for scheduled CI jobs).
    """
    options = run_options(repo, kwargs)
    access = prepare(repo, pull=False)
    loaded = engine.load_desired(repo, echo_finding)
    outcome = with_connector(
        loaded.desired, options, lambda c: run(access, loaded, c, options, enforce=False)
    )
    echo_outcome(outcome, str(repo))
    return outcome.exit_code(drift_exit=True)
