"""Options and plumbing shared by the commands that talk to a console (plan, apply)."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from reconciler import engine
from reconciler.connectors.base import Connector
from reconciler.engine import RunOptions
from reconciler.model.desired import Desired
from reconciler.model.findings import Finding

T = TypeVar("T")
F = Callable[..., Any]

# Tests swap this for an in-memory connector; users get the browser.
connector_factory: engine.ConnectorFactory = engine.modmed_connector


def console_options(func: F) -> F:
    options = [
        click.option("--target", "targets", multiple=True, help="Only this target (repeatable)."),
        click.option("--user", help="Only this person (by username)."),
        click.option(
            "--concurrency",
            type=click.IntRange(1, 32),
            help="Browser contexts per target (default: one per CPU core).",
        ),
        click.option("--browser-ws-endpoint", help="Use a remote Playwright browser server."),
        click.option(
            "--state-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Journals, locks and evidence (default ~/.local/state/reconciler).",
        ),
        click.option(
            "--evidence-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Screenshots, traces and archives (default under --state-dir, outside the repo).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def run_options(repo: Path, kwargs: dict[str, Any], **extra: Any) -> RunOptions:
    state_dir = kwargs.pop("state_dir", None)
    values = dict(
        repo=repo,
        targets=tuple(kwargs.pop("targets", ()) or ()),
        user=kwargs.pop("user", None),
        concurrency=kwargs.pop("concurrency", None),
        ws_endpoint=kwargs.pop("browser_ws_endpoint", None),
        evidence_dir=kwargs.pop("evidence_dir", None),
        **extra,
    )
    if state_dir is not None:
        values["state_dir"] = state_dir
    return RunOptions(**values)


def echo_finding(finding: Finding) -> None:
    click.echo(finding.render(), err=True)


def with_connector(desired: Desired, options: RunOptions, work: Callable[[Connector], Awaitable[T]]) -> T:
    """Open the connector for the chosen targets, run `work`, always close it."""
    targets = engine.chosen_targets(desired, options)

    async def run() -> T:
        connector = connector_factory(desired, targets, options)
        await connector.start()
        try:
            return await work(connector)
        finally:
            await connector.close()

    return asyncio.run(run())
