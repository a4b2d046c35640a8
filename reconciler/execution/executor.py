"""apply(plan, connector): run a plan's actions and record every outcome.

- Concurrent across people (at most `concurrency` at once: one browser context each),
  sequential per person in plan order, across targets.
- Two phases with a barrier between them (planning.ordering): every reduction of access
  finishes before any extension starts, so no moment has more access than before or after.
- After one of a person's actions fails, the rest of theirs are skipped (a later step
  may depend on it: never deactivate after a failed transfer); other people go on.
- Targets in `report` mode are never changed: their actions are reported, not applied.
- Each target with work is locked for the whole run; the journal makes a re-run of the
  same plan skip what is already done, until a run of it finishes clean (after that the
  same plan, made again, runs again: the console may have drifted back).
- Exit code: 0 when every action is done (or reported only), 3 when any failed or was
  skipped after a failure (even if all failed: some people may have had nothing to do).
- No retries here: transient faults are the connector's business, and an action that
  comes back failed stays failed for this run.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from reconciler.connectors.base import Connector, Outcome
from reconciler.errors import EXIT_OK, EXIT_PARTIAL_FAILURE
from reconciler.execution.journal import Journal, action_id
from reconciler.execution.lock import target_locks
from reconciler.execution.verbs import perform
from reconciler.model.plan import Action, Plan
from reconciler.planning.ordering import PHASES, phase_of

ResultStatus = Literal["verified", "already_in_state", "failed", "skipped", "done_earlier", "report_only"]


@dataclass(frozen=True)
class ActionResult:
    """What happened to one action in this run."""

    action: Action
    action_id: str
    status: ResultStatus
    message: str = ""
    evidence: str | None = None
    attempts: int = 0

    @property
    def ok(self) -> bool:
        return self.status in ("verified", "already_in_state", "done_earlier")


@dataclass(frozen=True)
class ApplyResult:
    """Every action's result, in plan order."""

    plan_checksum: str
    results: tuple[ActionResult, ...]

    @property
    def counts(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.results:
            counts[r.status] = counts.get(r.status, 0) + 1
        return counts

    @property
    def failed(self) -> tuple[ActionResult, ...]:
        return tuple(r for r in self.results if r.status == "failed")

    @property
    def exit_code(self) -> int:
        """0 when everything applied (or was already done); 3 when anything failed or was skipped."""
        broken = any(r.status in ("failed", "skipped") for r in self.results)
        return EXIT_PARTIAL_FAILURE if broken else EXIT_OK


Progress = Callable[[ActionResult], None]


async def apply(
    plan: Plan,
    connector: Connector,
    *,
    concurrency: int = 4,
    journal_path: Path,
    on_progress: Progress | None = None,
    state_dir: Path | None = None,
) -> ApplyResult:
    """Apply `plan`; lock files go in `state_dir` (default: the journal's folder)."""
    if concurrency < 1:
        raise ValueError("concurrency must be at least 1")
    enforced = frozenset(t.name for t in plan.targets if t.mode == "enforce" and t.actions)
    with target_locks(state_dir or journal_path.parent, enforced):
        # Read the journal only once the lock is held: nobody else is writing it now.
        journal = Journal(journal_path, plan.checksum)
        run = _Run(plan, connector, journal, enforced, concurrency, on_progress)
        for phase in PHASES:
            await run.phase(phase)
        result = ApplyResult(plan.checksum, tuple(run.results[i] for i in range(len(run.actions))))
        if result.exit_code == EXIT_OK:
            journal.mark_completed()
    return result


class _Run:
    def __init__(
        self,
        plan: Plan,
        connector: Connector,
        journal: Journal,
        enforced: frozenset[str],
        concurrency: int,
        on_progress: Progress | None,
    ) -> None:
        self.plan = plan
        self.connector = connector
        self.journal = journal
        self.done = journal.completed()
        self.enforced = enforced
        self.concurrency = concurrency
        self.on_progress = on_progress
        self.actions = plan.actions
        self.results: dict[int, ActionResult] = {}
        self.failed_people: set[str] = set()

    async def phase(self, phase: str) -> None:
        people: dict[str, list[int]] = {}
        for index, action in enumerate(self.actions):
            if phase_of(action) == phase:
                people.setdefault(action.key, []).append(index)
        queue = iter(people.values())

        async def worker() -> None:
            # A shared iterator is a safe work queue: next() never awaits.
            for indexes in queue:
                await self.person(indexes)

        await asyncio.gather(*(worker() for _ in range(min(self.concurrency, len(people)))))

    async def person(self, indexes: list[int]) -> None:
        for index in indexes:
            action = self.actions[index]
            self.finish(index, await self.run_one(action))

    async def run_one(self, action: Action) -> ActionResult:
        aid = action_id(self.plan.checksum, action)
        if action.target not in self.enforced:
            return ActionResult(action, aid, "report_only", f"{action.target} is in report mode")
        if aid in self.done:
            return ActionResult(action, aid, "done_earlier", "done in an earlier run of this plan")
        if action.key in self.failed_people:
            result = ActionResult(action, aid, "skipped", f"an earlier action for {action.username} failed")
            self.journal.record(action, aid, result.status, result.message)
            return result
        try:
            outcome = await perform(self.connector, action)
        except Exception as exc:  # a connector bug must fail this person, not the whole run
            outcome = Outcome(status="failed", message=f"{type(exc).__name__}: {exc}")
        if not outcome.ok:
            self.failed_people.add(action.key)
        self.journal.record(
            action, aid, outcome.status, outcome.message, evidence=outcome.evidence, attempts=outcome.attempts
        )
        return ActionResult(action, aid, outcome.status, outcome.message, outcome.evidence, outcome.attempts)

    def finish(self, index: int, result: ActionResult) -> None:
        self.results[index] = result
        if self.on_progress is not None:
            self.on_progress(result)
