"""Scenario 1: load and validate large access repos (YAML parsing, models, cross-file checks)."""

from __future__ import annotations

from benchmarks.context import BenchContext
from benchmarks.corpus import write_access_repo
from benchmarks.results import Check, ScenarioResult
from benchmarks.stats import time_it
from reconciler.loading import load_repo

TARGET_S = 3.0


def run(ctx: BenchContext) -> ScenarioResult:
    result = ScenarioResult("load", "Load and validate (load_repo, in process)")
    largest = max(users for users, _ in ctx.sizes.load)
    for users, files in ctx.sizes.load:
        repo = write_access_repo(ctx.folder("load") / f"repo-{users}", users, files)

        def load(repo=repo, users=users):
            loaded = load_repo(repo)
            if loaded.desired is None or len(loaded.desired.users) != users:
                raise RuntimeError(f"the {users}-user corpus did not validate: {loaded.errors[:3]}")
            return loaded

        samples, cpu, _ = time_it(load, ctx.sizes.repeat)
        name = f"{users} users / {files} files"
        result.samples[name] = samples
        result.samples[f"{name}, CPU"] = cpu
        result.figures[f"{name}: users per second"] = users / samples.median
        if users == largest:
            result.checks.append(Check(f"validate {users:,} users", samples.median, TARGET_S, "s"))
    result.notes.append("One untimed warm-up load first; each timed run reads every file from disk again.")
    return result
