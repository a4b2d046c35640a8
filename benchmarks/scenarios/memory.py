"""Scenario 7: peak memory of the observe (3) and apply (5) processes, against 1 GiB."""

from __future__ import annotations

from benchmarks.context import BenchContext
from benchmarks.results import Check, ScenarioResult

TARGET_MIB = 1024.0


def run(ctx: BenchContext) -> ScenarioResult:
    result = ScenarioResult("memory", "Peak memory of scenarios 3 and 5 (process tree incl. Chromium)")
    if "observe" in ctx.memory:
        n, pss, rss = ctx.memory["observe"]
        result.figures[f"observe {n:,} accounts: peak PSS, MiB"] = pss
        result.figures[f"observe {n:,} accounts: peak RSS sum (upper bound), MiB"] = rss
        result.checks.append(Check(f"peak memory, observe {n:,}", pss, TARGET_MIB, "MiB"))
    if "apply" in ctx.memory:
        n, pss, rss = ctx.memory["apply"]
        result.figures[f"apply {n} changes: peak PSS (highest run), MiB"] = pss
        result.figures[f"apply {n} changes: peak RSS sum (upper bound), MiB"] = rss
        result.checks.append(Check(f"peak memory, apply {n} changes", pss, TARGET_MIB, "MiB"))
    if not result.checks:
        result.notes.append("Nothing to report: run the observe and apply scenarios too.")
    result.notes.append(
        "Sampled from /proc every 50 ms over the whole process tree (Python, Playwright's node"
        " driver, Chromium's browser, GPU and renderer processes). PSS splits shared pages"
        " between the processes that share them; the RSS sum counts them once per process."
    )
    return result
