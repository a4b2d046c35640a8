"""Scenario 2: diff() of 100,000 accounts against desired state with 1% drift (pure computation)."""

from __future__ import annotations

import time
from datetime import date

from benchmarks.context import BenchContext
from benchmarks.plan_diff import build
from benchmarks.results import Check, ScenarioResult
from benchmarks.stats import time_it
from reconciler.planning import diff

TARGET_S = 1.0


def run(ctx: BenchContext) -> ScenarioResult:
    accounts, drift = ctx.sizes.plan_accounts, ctx.sizes.plan_drift
    result = ScenarioResult("plan", f"Plan: diff of {accounts:,} accounts, {drift:.0%} drift")
    start = time.perf_counter()
    desired, observed = build(accounts, drift)
    result.figures["building the inputs (not timed below), s"] = time.perf_counter() - start
    samples, cpu, plan = time_it(lambda: diff(desired, observed, today=date(2026, 3, 1)), ctx.sizes.repeat)
    result.samples[f"diff, {accounts} accounts"] = samples
    result.samples[f"diff, {accounts} accounts, CPU"] = cpu
    result.figures["actions planned"] = len(plan.actions)
    result.checks.append(Check(f"plan {accounts:,} accounts", samples.median, TARGET_S, "s"))
    result.notes.append(
        "Desired and observed state are built in memory first (YAML loading is scenario 1);"
        " the time includes both fingerprints and the plan checksum."
    )
    return result
