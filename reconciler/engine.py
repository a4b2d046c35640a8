"""The reconcile loop: load -> observe -> plan -> apply, for the CLI commands to call.

Owns how the parts are put together (which connector, which targets, where journals
and evidence go); each part's rules live in its own package. Console access goes
through a Connector made by a factory, so tests can run the same loop in memory.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from reconciler.connectors.base import Connector
from reconciler.connectors.credentials import Login
from reconciler.connectors.modmed import ModMedConnector, ModMedTarget
from reconciler.errors import ConfigError, ValidationFailed
from reconciler.execution import ApplyResult, apply
from reconciler.execution.executor import Progress
from reconciler.loading import load_repo
from reconciler.model.desired import Desired
from reconciler.model.findings import Finding
from reconciler.model.observed import Observed
from reconciler.model.plan import Plan
from reconciler.planning import diff
from reconciler.planning.scope import only_user


def default_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "reconciler"


@dataclass(frozen=True)
class RunOptions:
    """What a command asked for, beyond the repo itself."""

    targets: tuple[str, ...] = ()  # empty: every target in reconciler.yaml
    user: str | None = None
    concurrency: int | None = None
    ws_endpoint: str | None = None
    evidence_dir: Path | None = None
    screenshots: bool = False
    state_dir: Path = field(default_factory=default_state_dir)
    today: date = field(default_factory=date.today)


ConnectorFactory = Callable[[Desired, tuple[str, ...], RunOptions], Connector]


def modmed_connector(desired: Desired, targets: tuple[str, ...], options: RunOptions) -> Connector:
    """The browser connector for the chosen targets, logins read from the environment."""
    specs = []
    for name in targets:
        target = desired.config.targets[name]
        specs.append(
            ModMedTarget(
                name=name,
                base_url=target.base_url,
                login=Login.from_env(name, target.credentials),
                protected=target.protected,
            )
        )
    evidence = options.evidence_dir or options.state_dir / desired.config.practice / "evidence"
    return ModMedConnector(
        specs,
        concurrency=options.concurrency,
        ws_endpoint=options.ws_endpoint,
        evidence_dir=evidence,
        screenshots=options.screenshots,
    )


def load_desired(repo: Path, on_finding: Callable[[Finding], None]) -> Desired:
    """The validated desired state; every finding goes to `on_finding`; errors stop here."""
    result = load_repo(repo)
    for finding in result.findings:
        on_finding(finding)
    if result.desired is None:
        raise ValidationFailed(
            f"{repo} does not validate ({len(result.errors)} errors); nothing was observed"
        )
    return result.desired


def chosen_targets(desired: Desired, options: RunOptions) -> tuple[str, ...]:
    known = tuple(desired.config.targets)
    for name in options.targets:
        if name not in known:
            raise ConfigError(f"--target {name}: not a target in reconciler.yaml ({', '.join(known)})")
    if options.user and desired.user(options.user) is None:
        raise ConfigError(f"--user {options.user}: not declared in users/*.yaml")
    return options.targets or known


@dataclass(frozen=True)
class Planned:
    desired: Desired
    observed: dict[str, Observed]
    plan: Plan


async def plan(desired: Desired, connector: Connector, options: RunOptions) -> Planned:
    """Observe the chosen targets and compute the plan (never writes to the console)."""
    observed = {}
    for name in chosen_targets(desired, options):
        observed[name] = await connector.observe(name)
    computed = diff(desired, observed, None, today=options.today)
    if options.user:
        computed = only_user(computed, options.user)
    return Planned(desired, observed, computed)


async def apply_plan(
    planned: Plan, connector: Connector, desired: Desired, options: RunOptions, on_progress: Progress | None
) -> ApplyResult:
    state = options.state_dir / desired.config.practice
    state.mkdir(parents=True, exist_ok=True)
    return await apply(
        planned,
        connector,
        concurrency=options.concurrency or os.cpu_count() or 2,
        journal_path=state / "journal.jsonl",
        on_progress=on_progress,
        state_dir=state,
    )
