"""The GitOps runs: `drift` (observe and report) and `reconcile` (the CI entry point).

One run: refuse over a person's uncommitted changes, pull, load and check the repo,
observe, plan with policies, apply where the target enforces (within the safety caps),
then write each target's drift report and audit trail and commit them (only when
something changed), and push. The report is written even when an apply partly failed:
what succeeded must be on record.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from reconciler.connectors.base import Connector
from reconciler.engine.loop import (
    VERSION,
    Loaded,
    Planned,
    RunOptions,
    apply_plan,
    now,
    observe_all,
    plan,
)
from reconciler.errors import EXIT_CHANGES_PENDING, EXIT_OK, ReconcilerError
from reconciler.execution import ActionResult, ApplyResult
from reconciler.execution.executor import Progress
from reconciler.gitops import DEFAULT_IDENTITY, AccessRepo
from reconciler.loading.bootstrap import read_config
from reconciler.model.findings import Finding
from reconciler.model.observed import ConsoleChange as ConsoleEvent
from reconciler.model.observed import Observed
from reconciler.model.plan import Plan
from reconciler.planning import raise_if_unsafe
from reconciler.reporting import (
    ActionClock,
    AuditTrail,
    ConsoleChange,
    DriftReport,
    PolicyFinding,
    RunInfo,
    build_report,
    commit_message,
    offboarding_candidates,
    offboarding_timings,
    records_for,
    trail_path,
    write_report,
)


@dataclass(frozen=True)
class RunOutcome:
    """What a drift or reconcile run found, did and committed."""

    planned: Planned
    result: ApplyResult | None
    reports: tuple[DriftReport, ...]
    written: tuple[Path, ...]
    commit: str | None
    pushed: bool

    @property
    def in_sync(self) -> bool:
        return all(r.summary.in_sync for r in self.reports)

    def exit_code(self, drift_exit: bool) -> int:
        if self.result is not None and self.result.exit_code != EXIT_OK:
            return self.result.exit_code
        return EXIT_CHANGES_PENDING if drift_exit and not self.in_sync else EXIT_OK


def prepare(repo: Path, pull: bool) -> AccessRepo:
    """The access repo checkout, checked clean of a person's changes, pulled if asked."""
    try:  # the robot's identity, before the rest of the repo is loaded (and pulled)
        identity = read_config(repo).report.author
    except ReconcilerError:
        identity = DEFAULT_IDENTITY
    access = AccessRepo(repo, identity=identity)
    access.ensure_no_foreign_changes("run the reconciler")
    if pull and access.has_remote():
        access.pull()
    return access


async def run(
    access: AccessRepo,
    loaded: Loaded,
    connector: Connector,
    options: RunOptions,
    *,
    enforce: bool,
    force: bool = False,
    on_plan: Callable[[Plan], None] | None = None,
    on_progress: Progress | None = None,
) -> RunOutcome:
    desired = loaded.desired
    settings = desired.config.report
    started = now()
    planned = await plan(loaded, connector, options)
    if on_plan is not None:
        on_plan(planned.plan)
    result: ApplyResult | None = None
    clock = ActionClock()
    if enforce and any(t.mode == "enforce" and t.actions for t in planned.plan.targets):
        raise_if_unsafe(planned.plan, force=force)

        def progress(action_result: ActionResult) -> None:
            clock(action_result)
            if on_progress is not None:
                on_progress(action_result)

        result = await apply_plan(planned.plan, connector, desired, options, progress)
    changes = await _console_changes(connector, planned.full)
    # The report is the next run's baseline: it must hold the console as this run left it.
    after = dict(planned.observed)
    if result is not None and any(r.status == "verified" for r in result.results):
        after = await observe_all(connector, planned.observed)
    after = {name: _keep_drift_out(obs, planned, result) for name, obs in after.items()}
    finished = now()
    head = access.head_sha()
    reports, paths = [], []
    for target in planned.full.targets:
        requests = access.offboarding_requests(offboarding_candidates(target))
        report = build_report(
            target,
            after[target.name],
            RunInfo(
                started_at=started,
                finished_at=finished,
                observed_at=after[target.name].observed_at,
                desired_commit=head,
                plan_checksum=planned.full.checksum,
                reconciler_version=VERSION,
            ),
            result=result,
            console_changes=changes.get(target.name, ()),
            findings=_policy_findings(loaded.policy_findings),  # build_report adds the plan's own
            offboarding=offboarding_timings(
                target,
                {k: (ref.sha, ref.at) for k, ref in requests.items()},
                result,
                finished_at=finished,
                times=clock.times,
            ),
        )
        reports.append(report)
        written = write_report(access.root, report, report_dir=settings.dir)
        paths += written.paths
        if result is not None:
            trail = trail_path(access.root, settings.audit, target.name)
            records = records_for(
                result, target=target.name, desired_commit=head, at=finished, times=clock.times
            )
            if records:
                AuditTrail(trail).extend(records)
                if access.contains(trail):
                    paths.append(trail)
    sha = None
    if settings.commit and paths:
        sha = access.commit_reports(paths, commit_message(reports), settings.author)
    pushed = bool(sha) and settings.push and access.has_remote() and access.push()
    return RunOutcome(planned, result, tuple(reports), tuple(paths), sha, bool(pushed))


def _keep_drift_out(observed: Observed, planned: Planned, result: ApplyResult | None) -> Observed:
    """The console as this run leaves it, minus out-of-band drift that is still in place.

    The stored report is the next run's baseline. If it absorbed drift that nobody
    reverted (a drift-only run, report mode, a failed revert), the next run would call
    that drift a Git change. Such accounts keep their baseline values until the drift is
    reverted, or adopted by a change in Git.
    """
    previous = planned.baseline.get(observed.target)
    target = planned.full.target(observed.target)
    if previous is None or target is None:
        return observed
    done = {r.action.key for r in (result.results if result else ()) if r.status == "verified"}
    unresolved = {a.username.lower() for a in target.actions if a.reason == "drift" and a.key not in done}
    if not unresolved:
        return observed
    before = previous.by_key()
    accounts = tuple(before.get(a.key, a) if a.key in unresolved else a for a in observed.accounts)
    return observed.model_copy(update={"accounts": accounts})


async def _console_changes(connector: Connector, full: Plan) -> dict[str, list[ConsoleChange]]:
    """Who changed what in the console, for every account that drifted out of band."""
    read = getattr(connector, "console_changes", None)
    if read is None:
        return {}
    out: dict[str, list[ConsoleChange]] = {}
    for target in full.targets:
        drifted = sorted({a.username for a in target.actions if a.reason == "drift"})
        for username in drifted:
            events: Sequence[ConsoleEvent] = await read(target.name, username)
            for event in events:
                at = _parse_time(event.at)
                if at is None or event.actor.lower() == _CONSOLE_ITSELF:
                    continue
                for field in event.fields or (event.action,):
                    out.setdefault(target.name, []).append(
                        ConsoleChange(username=event.username, field=field, actor=event.actor, at=at)
                    )
    return out


# Entries the console writes by itself (lockouts): not a person's change of access.
# The robot's own changes are left out by the connector, which knows its login.
_CONSOLE_ITSELF = "system"


def _parse_time(text: str) -> datetime | None:
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00").replace(" UTC", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=now().tzinfo)


def _policy_findings(desired_findings: Sequence[Finding]) -> list[PolicyFinding]:
    return [
        PolicyFinding(
            rule=_rule_of(f.message),
            severity=f.severity,
            message=f.message,
            where=f"{f.file}:{f.line}" if f.line else f.file,
        )
        for f in desired_findings
    ]


def _rule_of(message: str) -> str:
    marker = "(policy '"
    if marker in message:
        return message.split(marker, 1)[1].split("'", 1)[0]
    return "plan"
