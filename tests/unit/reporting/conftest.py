"""A run to report on: a drifted console, a plan against a baseline, a partly failed apply.

production (enforce): ada's account was deleted in the console, grace was given Billing
instead of Medical Assistant (set_groups for her fails), alan is active again with open
work, and an unmanaged locum account exists. sandbox (report mode): grace's groups
drifted there too, so its actions stay pending.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reconciler.connectors.memory import MemoryConnector
from reconciler.execution import ApplyResult, apply
from reconciler.model.desired import Desired
from reconciler.model.observed import Observed
from reconciler.model.plan import Plan
from reconciler.reporting import ActionClock, ConsoleChange, DriftReport, RunInfo, build_report

STARTED = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
REQUESTED = datetime(2026, 3, 1, 8, 30, tzinfo=UTC)
LOCUM = {"first_name": "Zelda", "last_name": "Quartermaine", "email": "zq.locum@agency.example"}


@dataclass
class World:
    desired: Desired
    baseline: dict[str, Observed]
    observed: dict[str, Observed]
    plan: Plan
    result: ApplyResult
    clock: ActionClock
    changes: tuple[ConsoleChange, ...]

    def run(self, minutes: int = 5) -> RunInfo:
        return RunInfo(
            started_at=STARTED,
            finished_at=STARTED + timedelta(minutes=minutes),
            observed_at=STARTED + timedelta(minutes=1),
            desired_commit="c0ffee" * 6 + "abcd",
            plan_checksum=self.plan.checksum,
            reconciler_version="0.1.0",
        )

    def report(self, target: str = "production", **options) -> DriftReport:
        options.setdefault("result", self.result)
        options.setdefault("console_changes", self.changes)
        return build_report(self.plan.target(target), self.observed[target], self.run(), **options)


@pytest.fixture
def world(desired, synced, editor, plan_of, tmp_path: Path) -> World:
    observed = editor(synced, "production", "ada.lovelace", remove=True)
    observed = editor(observed, "production", "grace.hopper", groups=("Billing", "Clinical"))
    observed = editor(
        observed, "production", "alan.turing", status="active", groups=("Clinical",), open_work=3
    )
    observed = editor(observed, "production", "zq.locum", status="active", **LOCUM)
    observed = editor(observed, "sandbox", "grace.hopper", groups=("Billing",))
    plan = plan_of(desired, observed, synced)
    connector = MemoryConnector(
        {t: o.accounts for t, o in observed.items()}, fail={("set_groups", "grace.hopper")}
    )
    ticks = iter(STARTED + timedelta(minutes=2, seconds=10 * n) for n in range(1000))
    clock = ActionClock(now=lambda: next(ticks))
    result = asyncio.run(
        apply(plan, connector, journal_path=tmp_path / "state" / "j.jsonl", on_progress=clock)
    )
    changes = (
        ConsoleChange(
            username="grace.hopper", field="groups", actor="office.manager", at=STARTED - timedelta(days=2)
        ),
        ConsoleChange(
            username="alan.turing", field="status", actor="it.helpdesk", at=STARTED - timedelta(hours=20)
        ),
        ConsoleChange(
            username="breakglass.admin",
            field="locations",
            actor="it.helpdesk",
            at=STARTED - timedelta(hours=3),
        ),
    )
    return World(desired, synced, observed, plan, result, clock, changes)


@pytest.fixture
def locum() -> dict[str, str]:
    """The unmanaged account's profile: in the console, never in Git."""
    return dict(LOCUM)
