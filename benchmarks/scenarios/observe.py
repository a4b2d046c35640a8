"""Scenario 3: read every account through the connector, against a signed-in HTTP client."""

from __future__ import annotations

import json
import os
import sys

from benchmarks.context import BenchContext
from benchmarks.memory import run_measured
from benchmarks.mirror import credentials_env
from benchmarks.results import Check, ScenarioResult
from benchmarks.stats import Samples, ratio

TARGET_RATIO = 2.0


def run(ctx: BenchContext) -> ScenarioResult:
    result = ScenarioResult("observe", "Observe: ModMedConnector.observe vs a plain signed-in HTTP client")
    largest = max(ctx.sizes.observe)
    for users in ctx.sizes.observe:
        console = ctx.console(users)
        command = [sys.executable, "-m", "benchmarks.observe_worker", "--base", console.base(),
                   "--runs", str(ctx.sizes.observe_reads)]  # fmt: skip
        done = run_measured(command, env=dict(os.environ, **credentials_env(["production"])))
        if done.returncode != 0:
            raise RuntimeError(f"observe worker failed: {done.stderr[-2000:]}")
        data = json.loads(done.stdout)
        n = data["accounts"]
        named = {key: Samples(list(data[key])) for key in ("connector", "http", "fetch", "parse")}
        result.samples[f"{n} accounts: connector observe (signed in)"] = named["connector"]
        result.samples[f"{n} accounts: HTTP bound (signed in)"] = named["http"]
        result.samples[f"{n} accounts: of the connector, export read into cells"] = named["fetch"]
        result.samples[f"{n} accounts: of the connector, rows -> Account models"] = named["parse"]
        r = ratio(named["connector"], named["http"])
        result.figures[f"{n} accounts: ratio connector / HTTP bound"] = r
        result.figures[f"{n} accounts: first observe (new context + sign-in), s"] = data["cold"]
        result.figures[f"{n} accounts: browser start, s"] = data["browser_start"]
        result.figures[f"{n} accounts: peak PSS of the process tree, MiB"] = done.peak_pss_mib
        result.figures[f"{n} accounts: peak RSS sum of the process tree, MiB"] = done.peak_rss_mib
        result.checks.append(Check(f"observe {n:,} within 2x of the HTTP bound", r, TARGET_RATIO, "x"))
        if users == largest:
            ctx.memory["observe"] = (n, done.peak_pss_mib, done.peak_rss_mib)
    result.notes.append(
        "Signed-in reads, alternating connector and HTTP so that machine load hits both alike;"
        " the first read (browser context and the two sign-in steps) is reported apart."
        " Peak memory is of the worker process tree: Python, Playwright's node driver and Chromium."
    )
    return result
