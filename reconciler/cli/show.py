"""`reconciler show`: a summary of what the access repo declares."""

from __future__ import annotations

import json
from datetime import date

import click
from rich.console import Console
from rich.table import Table

from reconciler.cli.options import format_option, repo_option
from reconciler.errors import ValidationFailed
from reconciler.loading import load_repo
from reconciler.loading.summary import RepoSummary, summarise


@click.command("show")
@repo_option
@format_option("text", "json")
@click.option("--within", default=30, show_default=True, help="Days ahead that count as 'expires soon'.")
def command(repo, output_format: str, within: int) -> int:
    """Summarise the access repo: people per role and environment, leavers, expiries."""
    result = load_repo(repo)
    if result.desired is None:
        for finding in result.errors:
            click.echo(finding.render(), err=True)
        raise ValidationFailed(f"{repo} does not validate; run `reconciler validate --repo {repo}`")
    summary = summarise(result.desired, date.today(), within)
    if output_format == "json":
        click.echo(json.dumps(summary.as_dict(), indent=2))
    else:
        _render(summary, within)
    return 0


def _render(summary: RepoSummary, within: int) -> None:
    console = Console(highlight=False)
    states = ", ".join(f"{n} {state}" for state, n in summary.states.items())
    console.print(f"[bold]{summary.practice}[/bold]: {summary.users} people declared ({states})")

    roles = Table(title="People per role", title_justify="left", show_edge=False)
    roles.add_column("role")
    roles.add_column("people", justify="right")
    for role, n in summary.per_role.items():
        roles.add_row(role, str(n))
    envs = Table(title="People per environment", title_justify="left", show_edge=False)
    envs.add_column("environment")
    envs.add_column("people", justify="right")
    for env, n in summary.per_environment.items():
        envs.add_row(env, str(n))
    console.print(roles)
    console.print(envs)

    console.print("[bold]Offboarded[/bold] (access ends in every environment):")
    for username, successor in summary.offboarded or [("none", None)]:
        console.print(f"  {username}" + (f" (open work goes to {successor})" if successor else ""))
    console.print(f"[bold]Expires within {within} days[/bold]:")
    for e in summary.expiring or []:
        console.print(f"  {e.username}: {e.end_date} (in {e.days_left} days){_tags(e.tags)}")
    if not summary.expiring:
        console.print("  none")
    for e in summary.expired:
        console.print(
            f"  [red]{e.username}: end_date {e.end_date} has passed but they are not offboarded[/red]"
        )


def _tags(tags: tuple[str, ...]) -> str:
    return f" [{', '.join(tags)}]" if tags else ""
