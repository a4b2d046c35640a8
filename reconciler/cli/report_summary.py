"""Printing what a drift or reconcile run found and did (shared by both commands)."""

from __future__ import annotations

import click

from reconciler.engine.run import RunOutcome
from reconciler.execution import ApplyResult


def echo_outcome(outcome: RunOutcome, repo_label: str) -> None:
    for report in outcome.reports:
        s = report.summary
        state = "in sync" if s.in_sync else "OUT OF SYNC"
        click.echo(
            f"{report.target}: {state}: {s.pending} pending, {s.out_of_band} out-of-band,"
            f" {s.applied} applied, {s.failed} failed, {s.unmanaged} unmanaged, {s.findings} findings"
        )
    if outcome.commit:
        pushed = " and pushed" if outcome.pushed else ""
        click.echo(f"Report committed to {repo_label} as {outcome.commit[:12]}{pushed}.")
    elif outcome.written:
        click.echo(f"Report written to {repo_label} (not committed: report.commit is false).")
    else:
        click.echo("Nothing new since the last report; no commit.")


def echo_failures(result: ApplyResult | None) -> None:
    for failed in result.failed if result else ():
        a = failed.action
        click.echo(f"FAILED {a.target}/{a.username} {a.kind}: {failed.message}", err=True)
