"""Scenario 3's measuring process: ModMedConnector.observe against the plain-HTTP bound.

`python -m benchmarks.observe_worker --base URL --runs N` prints one JSON object. Runs in
its own process so that its peak memory (Python, Playwright's driver and Chromium) is
measured alone. Connector reads and HTTP reads alternate, so that machine load hits both
alike. The first connector read (browser context, sign-in) is reported apart as `cold`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import time

import httpx

from benchmarks.console import ROBOT
from benchmarks.http_bound import read_accounts, sign_in
from benchmarks.mirror import env_prefix
from reconciler.connectors.credentials import Login
from reconciler.connectors.modmed import ModMedConnector, ModMedTarget
from reconciler.connectors.modmed.pages.users_list import fetch_export
from reconciler.connectors.modmed.reading import accounts_from_export


async def measure(base: str, runs: int, login: Login) -> dict[str, object]:
    out: dict[str, list[float] | float | int] = {"connector": [], "http": [], "fetch": [], "parse": []}
    start = time.perf_counter()
    target = ModMedTarget(name="production", base_url=base, login=login, protected=(ROBOT,))
    async with ModMedConnector([target]) as connector:
        out["browser_start"] = time.perf_counter() - start
        t = time.perf_counter()
        observed = await connector.observe("production")
        out["cold"] = time.perf_counter() - t
        out["accounts"] = len(observed.accounts)
        with httpx.Client(timeout=120) as client:
            sign_in(client, base, login.username, login.password, login.totp_secret)
            session = connector._session("production")  # for the fetch / parse split only
            for _ in range(runs):
                t = time.perf_counter()
                await connector.observe("production")
                out["connector"].append(time.perf_counter() - t)  # type: ignore[union-attr]
                t = time.perf_counter()
                rows = read_accounts(client, base)
                out["http"].append(time.perf_counter() - t)  # type: ignore[union-attr]
                if len(rows) != out["accounts"]:
                    raise RuntimeError(f"HTTP read {len(rows)} rows, the connector {out['accounts']}")
                t = time.perf_counter()
                export = await fetch_export(session.http(), session.base_url, session.cookie_header())
                out["fetch"].append(time.perf_counter() - t)  # type: ignore[union-attr]
                t = time.perf_counter()
                accounts_from_export("production", export)
                out["parse"].append(time.perf_counter() - t)  # type: ignore[union-attr]
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", required=True)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    prefix = env_prefix("production")
    login = Login(
        os.environ[f"{prefix}_USERNAME"],
        os.environ[f"{prefix}_PASSWORD"],
        os.environ[f"{prefix}_TOTP_SECRET"],
    )
    print(json.dumps(asyncio.run(measure(args.base, args.runs, login))))


if __name__ == "__main__":
    main()
