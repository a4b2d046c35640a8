"""`reconciler apply`: make the console match Git, after showing the plan."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from reconciler import engine
from reconciler.cli.options import repo_option
from reconciler.cli.report_summary import echo_failures
from reconciler.cli.run_options import console_options, echo_finding, run_options, with_connector
from reconciler.errors import ReconcilerError
from reconciler.execution import ActionResult, ApplyResult
from reconciler.planning import plan_from_json, raise_if_unsafe, render_text, verify_plan


@click.command("apply")
@repo_option
@console_options
@click.option(
    "--plan",
    "plan_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Apply this reviewed plan, refusing if the console or repo changed since.",
)
@click.option("--yes", is_flag=True, help="Do not ask (needed when not on a terminal).")
@click.option("--force", is_flag=True, help="Apply a plan over the safety caps.")
@click.option("--screenshots", is_flag=True, help="Keep a screenshot of each changed user page.")
def command(
    repo: Path, plan_file: Path | None, yes: bool, force: bool, screenshots: bool, **kwargs: object
) -> int:
    """Apply the changes `reconciler plan` shows, verified one by one in the console."""
    options = run_options(repo, kwargs, screenshots=screenshots)
    loaded = engine.load_desired(repo, echo_finding)
    saved = _read_plan(plan_file) if plan_file else None

    async def work(connector):  # one browser session for planning and applying
        planned = await engine.plan(loaded, connector, options)
        plan = planned.plan
        if saved is not None:
            verify_plan(saved, plan)
            plan = saved
        click.echo(render_text(plan), nl=False)
        raise_if_unsafe(plan, force=force)
        if plan.is_empty:
            return None
        _confirm(yes, len(plan.actions))
        display = ProgressDisplay()
        display.start(len(plan.actions))
        try:
            return await engine.apply_plan(plan, connector, loaded.desired, options, display.advance)
        finally:
            display.stop()

    result = with_connector(loaded.desired, options, work)
    if result is None:
        return 0
    _summarise(result)
    return result.exit_code


def _read_plan(path: Path):
    try:
        return plan_from_json(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise ReconcilerError(f"{path}: not a usable plan ({str(exc).splitlines()[0]})") from None


def _confirm(yes: bool, count: int) -> None:
    if yes:
        return
    if not sys.stdin.isatty():
        raise ReconcilerError("not on a terminal: rerun with --yes to apply without asking")
    if not click.confirm(f"Apply these {count} changes to the console?", default=False):
        raise click.exceptions.Abort()


class ProgressDisplay:
    """A progress bar on a terminal, one line per finished action elsewhere (CI logs)."""

    def __init__(self) -> None:
        self.console = Console(stderr=True)
        self.bar = Progress(
            TextColumn("applying"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=self.console,
            disable=not self.console.is_terminal,
        )
        self.task = None

    def start(self, total: int) -> None:
        if total and self.task is None:
            self.task = self.bar.add_task("apply", total=total)
            self.bar.start()

    def stop(self) -> None:
        self.bar.stop()

    def advance(self, result: ActionResult) -> None:
        if self.task is not None:
            self.bar.advance(self.task)
        if not self.console.is_terminal or result.status == "failed":
            a = result.action
            line = f"{result.status:<16} {a.target}/{a.username}: {a.kind}"
            if result.message:
                line += f" ({result.message})"
            self.console.print(line, highlight=False, markup=False)


def _summarise(result: ApplyResult) -> None:
    counts = result.counts
    parts = [f"{n} {status.replace('_', ' ')}" for status, n in sorted(counts.items())]
    click.echo("Applied: " + ", ".join(parts))
    echo_failures(result)
