"""The reconcile loop: load -> observe -> plan (with policies) -> apply -> report -> commit.

Owns how the parts are put together (which connector, which targets, where journals,
evidence and reports go); each part's rules live in its own package. Console access
goes through a Connector made by a factory, so tests can run the same loop in memory.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from reconciler import __version__
from reconciler.connectors.base import Connector
from reconciler.connectors.credentials import Login
from reconciler.connectors.modmed import ModMedConnector, ModMedTarget
from reconciler.errors import ConfigError, ValidationFailed
from reconciler.execution import ApplyResult, apply
from reconciler.execution.executor import Progress
from reconciler.gitops import AccessRepo, GitError
from reconciler.loading import load_repo
from reconciler.model.desired import Desired
from reconciler.model.findings import Finding
from reconciler.model.observed import Observed
from reconciler.model.plan import Plan
from reconciler.model.policy import PolicyPack
from reconciler.planning.scope import only_user
from reconciler.policy import check_policies
from reconciler.policy.observed import plan_with_policies
from reconciler.reporting import load_baseline, load_report
from reconciler.reporting.store import LATEST_JSON, report_folder


def default_state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base) / "reconciler"


@dataclass(frozen=True)
class RunOptions:
    """What a command asked for, beyond the desired state itself."""

    repo: Path = Path(".")
    targets: tuple[str, ...] = ()  # empty: every target in reconciler.yaml
    user: str | None = None
    concurrency: int | None = None
    ws_endpoint: str | None = None
    evidence_dir: Path | None = None
    screenshots: bool = False
    state_dir: Path = field(default_factory=default_state_dir)
    today: date = field(default_factory=date.today)


ConnectorFactory = Callable[[Desired, tuple[str, ...], RunOptions], Connector]


def previous_count(repo: Path, desired: Desired, target: str) -> int | None:
    """How many accounts the last committed report saw (for the short-read check)."""
    path = report_folder(repo, target, desired.config.report.dir) / LATEST_JSON
    return len(load_report(path).accounts) if path.exists() else None


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
                previous_count=previous_count(options.repo, desired, name),
                max_drop_pct=target.safety.max_observed_drop_pct,
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


@dataclass(frozen=True)
class Loaded:
    desired: Desired
    policy_findings: tuple[Finding, ...]
    pack: PolicyPack


def load_desired(repo: Path, on_finding: Callable[[Finding], None], today: date | None = None) -> Loaded:
    """The validated desired state and policy pack; findings go to `on_finding`; errors stop."""
    today = today or date.today()
    result = load_repo(repo, today=today)
    check = check_policies(repo, result.desired, today)
    findings = sorted({*result.findings, *check.findings})
    for finding in findings:
        on_finding(finding)
    errors = [f for f in findings if f.is_error]
    if result.desired is None or errors:
        raise ValidationFailed(f"{repo} does not validate ({len(errors)} errors); nothing was observed")
    return Loaded(result.desired, check.findings, check.pack)


def chosen_targets(desired: Desired, options: RunOptions) -> tuple[str, ...]:
    known = tuple(desired.config.targets)
    for name in options.targets:
        if name not in known:
            raise ConfigError(f"--target {name}: not a target in reconciler.yaml ({', '.join(known)})")
    if options.user and desired.user(options.user) is None:
        raise ConfigError(f"--user {options.user}: not declared in users/*.yaml")
    return options.targets or known


def offboarding_requests(repo: Path, desired: Desired) -> dict[str, datetime]:
    """When each offboarding was asked for (its commit), when the repo is a Git checkout."""
    leavers = [u.key for u in desired.users if u.state == "offboarded"]
    if not leavers:
        return {}
    try:
        refs = AccessRepo(repo).offboarding_requests(leavers)
    except GitError:
        return {}
    return {name: ref.at for name, ref in refs.items()}


@dataclass(frozen=True)
class Planned:
    """A plan and everything it was computed from."""

    loaded: Loaded
    observed: dict[str, Observed]
    baseline: dict[str, Observed]
    full: Plan  # every change the console needs
    plan: Plan  # what this run acts on (narrowed by --user)


async def observe_all(connector: Connector, targets: Iterable[str]) -> dict[str, Observed]:
    """Read every target at once (each signs in and reads on its own); any failure stops the run."""
    names = list(targets)
    reads = await asyncio.gather(*(connector.observe(name) for name in names), return_exceptions=True)
    for read in reads:
        if isinstance(read, BaseException):
            raise read
    return dict(zip(names, reads, strict=True))  # type: ignore[arg-type]


async def plan(loaded: Loaded, connector: Connector, options: RunOptions) -> Planned:
    """Observe the chosen targets and compute the plan (never writes to the console)."""
    desired = loaded.desired
    observed = await observe_all(connector, chosen_targets(desired, options))
    baseline: dict[str, Observed] = {}
    for name in observed:
        previous = load_baseline(
            options.repo, name, report_dir=desired.config.report.dir, current=observed[name]
        )
        if previous is not None:
            baseline[name] = previous
    full = plan_with_policies(
        desired,
        observed,
        baseline or None,
        pack=loaded.pack,
        today=options.today,
        offboarding_requested=offboarding_requests(options.repo, desired),
    )
    narrowed = only_user(full, options.user) if options.user else full
    return Planned(loaded, observed, baseline, full, narrowed)


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


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


VERSION = __version__
