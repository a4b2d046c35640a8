"""Scenario 6: from the commit that offboards one person to their verified deactivation.

The person is declared in production and the sandbox and has open work, so the whole
offboarding runs: transfer open work -> archive the record -> remove groups -> deactivate,
in both environments. "Verified" means the console's ground truth shows the account
inactive in both. Without a continuous mode, a real deployment adds the wait until the
next scheduled or triggered run to these figures.
"""

from __future__ import annotations

import time
from dataclasses import replace

from benchmarks.commands import OFFBOARD_COMMAND, offboard_command
from benchmarks.context import BenchContext
from benchmarks.memory import run_measured
from benchmarks.mirror import Declared, Person, commit, undo_last_commit, write_users
from benchmarks.results import ScenarioResult
from benchmarks.scenarios.noop import setup


def leaver_and_successor(mirror: Declared) -> tuple[Person, Person]:
    truth = {a["username"]: a for a in mirror.console.truth("production")}
    both = sorted(
        (p for p in mirror.people.values() if p.state == "active" and len(p.environments) == 2),
        key=lambda p: p.username,
    )
    if len(both) < 2:
        raise RuntimeError("the practice has fewer than two people in both environments")
    with_work = [p for p in both if truth[p.username]["open_work"] > 0]
    leaver = (with_work or both)[0]
    successor = next(p for p in both if p.username != leaver.username)
    return leaver, successor


def run(ctx: BenchContext) -> ScenarioResult:
    mirror = setup(ctx)
    leaver, successor = leaver_and_successor(mirror)
    result = ScenarioResult("offboard", "Offboarding latency: commit -> verified deactivation (both envs)")
    latency = result.sample("commit -> verified inactive in production and sandbox")
    process = result.sample("of which the reconciler process")
    people = dict(mirror.people)
    people[leaver.username] = replace(leaver, state="offboarded", transfer_to=successor.username)
    for i in range(ctx.sizes.browser_repeat):
        mirror.console.reset()
        write_users(mirror.repo, people)
        commit(mirror.repo, f"offboard {leaver.username}")
        committed = time.perf_counter()
        try:
            command = offboard_command(mirror.repo, ctx.folder(f"state/offboard-{i}"), leaver.username)
            done = run_measured(command, env=mirror.env())
            if done.returncode != 0:
                raise RuntimeError(
                    f"offboarding exited {done.returncode}: {done.stdout[-800:]} {done.stderr[-800:]}"
                )
            states = {env: _status(mirror, env, leaver.username) for env in mirror.envs}
            verified = time.perf_counter()
            if set(states.values()) != {"inactive"}:
                raise RuntimeError(f"{leaver.username} is not inactive everywhere after the run: {states}")
        finally:
            undo_last_commit(mirror.repo)
        latency.add(verified - committed)
        process.add(done.seconds)
        ctx.say(f"    offboarding: {verified - committed:.1f} s")
    mirror.console.reset()
    result.notes.append(
        f"Command: {OFFBOARD_COMMAND}, started as soon as the commit exists. The leaver has"
        " open work, so each environment runs transfer -> archive -> remove groups -> deactivate."
        " Not included: the time until a scheduler or CI job starts the run."
    )
    return result


def _status(mirror: Declared, env: str, username: str) -> str:
    found = [a for a in mirror.console.truth(env) if a["username"] == username]
    return str(found[0]["status"]) if found else "missing"
