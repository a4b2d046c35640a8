"""`reconciler reconcile`: the CI entry point. Pull, validate, plan, apply, report, push."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler import engine
from reconciler.cli.apply import ProgressDisplay
from reconciler.cli.options import repo_option
from reconciler.cli.report_summary import echo_failures, echo_outcome
from reconciler.cli.run_options import console_options, echo_finding, run_options, with_connector
from reconciler.engine.run import prepare, run
from reconciler.planning import render_text


@click.command("reconcile")
@repo_option
@console_options
@click.option("--force", is_flag=True, help="Apply a plan over the safety caps.")
@click.option("--no-pull", is_flag=True, help="Do not pull the access repo first.")
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when something is still out of sync.")
def command(repo: Path, force: bool, no_pull: bool, detailed_exitcode: bool, **kwargs: object) -> int:
    """One run: apply where a target's mode is enforce, report everywhere, commit, push.

    Exit 0 success, 1 error, 3 when some actions failed (the report says which).
    """
    options = run_options(repo, kwargs)
    access = prepare(repo, pull=not no_pull)
    loaded = engine.load_desired(repo, echo_finding)
    display = ProgressDisplay()

    def show(plan):  # type: ignore[no-untyped-def]
        click.echo(render_text(plan), nl=False)
        display.start(len([a for t in plan.targets if t.mode == "enforce" for a in t.actions]))

    try:
        outcome = with_connector(
            loaded.desired,
            options,
            lambda c: run(
                access,
                loaded,
                c,
                options,
                enforce=True,
                force=force,
                on_plan=show,
                on_progress=display.advance,
            ),
        )
    finally:
        display.stop()
    echo_outcome(outcome, str(repo))
    echo_failures(outcome.result)
    return outcome.exit_code(drift_exit=detailed_exitcode)
