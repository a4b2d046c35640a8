"""`reconciler plan`: what apply would change, read from the console now. Never writes."""

from __future__ import annotations

from pathlib import Path

import click

from reconciler import engine
from reconciler.cli.options import format_option, repo_option
from reconciler.cli.run_options import console_options, echo_finding, run_options, with_connector
from reconciler.errors import EXIT_CHANGES_PENDING
from reconciler.planning import render_json, render_markdown, render_text, safety_problems

RENDERERS = {"text": render_text, "markdown": render_markdown, "json": render_json}


@click.command("plan")
@repo_option
@console_options
@format_option("text", "markdown", "json")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=Path), help="Save the plan (JSON) for apply --plan."
)
@click.option("--detailed-exitcode", is_flag=True, help="Exit 2 when there are changes, 0 when in sync.")
def command(
    repo: Path, output_format: str, out: Path | None, detailed_exitcode: bool, **kwargs: object
) -> int:
    """Compare Git with the console and show the changes apply would make."""
    options = run_options(repo, kwargs)
    loaded = engine.load_desired(repo, echo_finding)
    planned = with_connector(loaded.desired, options, lambda c: engine.plan(loaded, c, options))
    click.echo(RENDERERS[output_format](planned.plan), nl=False)
    for problem in safety_problems(planned.plan):
        click.echo(f"warning: {problem}; apply will refuse this plan unless --force", err=True)
    if out is not None:
        out.write_text(render_json(planned.plan), encoding="utf-8")
        click.echo(f"Plan saved to {out} (checksum {planned.plan.checksum[:12]}).", err=True)
    if detailed_exitcode and not planned.plan.is_empty:
        return EXIT_CHANGES_PENDING
    return 0
