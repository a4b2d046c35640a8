"""Where an applied change's time goes: `python -m benchmarks.profile_apply [--users N] [--edits K]`.

Not a scenario: a profiling aid for scenario 5. In one process, one browser context,
signed in, it times K group edits each way, alternating, on a fresh simulator:
- connector: ModMedConnector.set_groups as the engine calls it (read the page, click the
  boxes that change, Save, read back), with its defaults (failure tracing on: a trace is
  recorded only from a step's first fault, so a clean edit records nothing);
- connector, tracing off: the same with trace_failures=False (should match the above);
- hand-written: open the page, set the one box that changes, Save, wait for the toast.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time

from playwright.async_api import async_playwright

from benchmarks.console import PASSWORD, ROBOT, SECRET, running_console
from benchmarks.robots import edit, sign_in
from reconciler.connectors.chromium import LAUNCH_ARGS, find_chromium
from reconciler.connectors.credentials import Login
from reconciler.connectors.modmed import ModMedConnector, ModMedTarget

GROUP = "Reports"


async def measure(base: str, usernames: list[str], groups: dict[str, list[str]]) -> dict[str, list[float]]:
    out: dict[str, list[float]] = {"connector": [], "connector, tracing off": [], "hand-written": []}
    target = ModMedTarget("production", base, Login(ROBOT, PASSWORD, SECRET), (ROBOT,))
    traced = ModMedConnector([target], concurrency=1)
    plain = ModMedConnector([target], concurrency=1, trace_failures=False)
    await traced.start()
    await plain.start()
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=find_chromium(), args=LAUNCH_ARGS)
        page = await (await browser.new_context()).new_page()
        await sign_in(page, base, ROBOT, PASSWORD, SECRET)
        await traced.set_groups("production", ROBOT, ("Administrator",))  # sign-ins, untimed
        await plain.set_groups("production", ROBOT, ("Administrator",))

        async def one(way: str, username: str, wanted: set[str]) -> None:
            if way == "hand-written":
                await edit(page, base, username, {GROUP: GROUP in wanted})
            else:
                connector = traced if way == "connector" else plain
                await connector.set_groups("production", username, tuple(sorted(wanted)))

        for username in usernames:
            now = set(groups[username])
            for way in out:
                now ^= {GROUP}
                t = time.perf_counter()
                await one(way, username, set(now))
                out[way].append(time.perf_counter() - t)
        await browser.close()
    await traced.close()
    await plain.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--edits", type=int, default=20)
    args = parser.parse_args()
    with running_console(args.users) as console:
        truth = [a for a in console.truth() if a["status"] == "active" and a["username"] != ROBOT]
        chosen = truth[: args.edits]
        groups = {a["username"]: a["groups"] for a in chosen}
        out = asyncio.run(measure(console.base(), list(groups), groups))
    for name, values in out.items():
        print(f"{name:24s} median {statistics.median(values) * 1000:6.0f} ms per edit"
              f" (min {min(values) * 1000:.0f}, max {max(values) * 1000:.0f}, n={len(values)})")  # fmt: skip


if __name__ == "__main__":
    main()
