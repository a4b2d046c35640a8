"""Scenario 4: a scheduled run that finds nothing to do, from process start to exit 0."""

from __future__ import annotations

from benchmarks.commands import NOOP_COMMAND, noop_command
from benchmarks.context import BenchContext
from benchmarks.memory import run_measured
from benchmarks.mirror import Declared, declared
from benchmarks.results import Check, ScenarioResult

TARGET_S = 5.0


def setup(ctx: BenchContext) -> Declared:
    """The shared practice and its mirror repo (scenarios 4, 5 and 6 start from it)."""
    if "declared" not in ctx.cache:
        console = ctx.console(ctx.sizes.console)
        ctx.cache["declared"] = declared(console, ctx.folder("repos") / "mirror")
    found = ctx.cache["declared"]
    assert isinstance(found, Declared)
    return found


def run(ctx: BenchContext) -> ScenarioResult:
    mirror = setup(ctx)
    n = len(mirror.console.truth("production"))
    result = ScenarioResult("noop", f"No-op reconcile: {n:,} accounts in sync, process start to exit 0")
    samples = result.sample("process start to exit 0")
    first = 0 if ctx.sizes.warmup else 1
    for i in range(first, ctx.sizes.noop_repeat + 1):
        done = run_measured(noop_command(mirror.repo, ctx.folder(f"state/noop-{i}")), env=mirror.env())
        if done.returncode != 0:
            raise RuntimeError(
                f"the no-op run exited {done.returncode}: {done.stdout[-800:]}{done.stderr[-800:]}"
            )
        if i:  # the first run warms the disk cache (Python bytecode, Chromium), untimed
            samples.add(done.seconds)
            result.sample("peak PSS of the process tree", "MiB").add(done.peak_pss_mib)
    sandbox = len(mirror.console.truth("sandbox"))
    result.checks.append(Check(f"no-op reconcile of {n:,} accounts", samples.median, TARGET_S, "s"))
    result.notes.append(
        f"Command: {NOOP_COMMAND}, both targets (production {n:,} accounts, sandbox {sandbox:,}):"
        " start Python, load and validate the repo, start Chromium, sign in to both targets at once"
        " (password + TOTP), read each users export, plan, write the reports. One untimed warm-up run first."
    )
    return result
