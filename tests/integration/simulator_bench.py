"""Measure that the simulator is never the bottleneck (not a test: run it by hand).

    .venv/bin/python tests/integration/simulator_bench.py [--users 10000] [--runs 15]

Starts `reconciler sim` in its own process on 127.0.0.1, then reports the median time of
the users list JSON (50 rows), of the full CSV export, and of a Chromium load of the users
page (navigation until the table is filled). Figures go into reconciler/simulator/README.md.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import httpx
import pyotp
from playwright.sync_api import sync_playwright

from reconciler.connectors.chromium import LAUNCH_ARGS, find_chromium

PASSWORD = "bench-password-1"
SECRET = pyotp.random_base32()
CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def http_login(client: httpx.Client, base: str) -> None:
    page = client.get(f"{base}/login")
    mfa = client.post(
        f"{base}/login",
        data={
            "username": "reconciler-bot",
            "password": PASSWORD,
            "csrf_token": CSRF.search(page.text).group(1),
        },
        follow_redirects=True,
    )
    done = client.post(
        f"{base}/login/mfa",
        data={"code": pyotp.TOTP(SECRET).now(), "csrf_token": CSRF.search(mfa.text).group(1)},
    )
    assert done.status_code == 303, done.status_code


def timed(fn, runs: int) -> float:
    fn()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--port", type=int, default=8791)
    args = parser.parse_args()
    data_dir = tempfile.mkdtemp(prefix="sim-bench-")
    env = dict(os.environ, SIM_ADMIN_PASSWORD=PASSWORD, SIM_ADMIN_TOTP_SECRET=SECRET)
    started = time.perf_counter()
    command = [sys.executable, "-m", "reconciler", "sim", "--port", str(args.port),
               "--users", str(args.users), "--data-dir", data_dir, "--test-hooks"]  # fmt: skip
    server = subprocess.Popen(
        command,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    origin = f"http://127.0.0.1:{args.port}"
    base = f"{origin}/demo-derm/production"
    try:
        with httpx.Client(timeout=60) as client:
            while True:
                try:
                    client.get(f"{base}/login")
                    break
                except httpx.TransportError:
                    if server.poll() is not None or time.perf_counter() - started > 120:
                        raise RuntimeError("simulator did not start") from None
                    time.sleep(0.1)
            startup = (time.perf_counter() - started) * 1000
            http_login(client, base)
            total = client.get(f"{base}/admin/users/data?per_page=1").json()["total"]

            def get(path: str) -> None:
                client.get(f"{base}/admin/users/{path}").raise_for_status()

            page1 = timed(lambda: get("data?per_page=50"), args.runs)
            deep = timed(lambda: get("data?per_page=50&page=150&sort=-last_login"), args.runs)
            search = timed(lambda: get("data?per_page=50&q=son"), args.runs)
            csv_ms = timed(lambda: get("export.csv"), max(5, args.runs // 2))
            # The connector's case: one account changed since the last export (cache partly stale).
            hook = f"{origin}/_sim/demo-derm/production/accounts/bench.changed"
            samples = []
            for n in range(max(5, args.runs // 2)):
                client.post(hook, json={"actor": "bench", "failed_logins": n}).raise_for_status()
                start = time.perf_counter()
                get("export.csv")
                samples.append((time.perf_counter() - start) * 1000)
            csv_changed = statistics.median(samples)
            csv_bytes = len(client.get(f"{base}/admin/users/export.csv").content)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=find_chromium(), args=LAUNCH_ARGS)
            page = browser.new_page()
            page.goto(f"{base}/login")
            page.get_by_label("Username").fill("reconciler-bot")
            page.get_by_label("Password").fill(PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.get_by_label("Verification code").fill(pyotp.TOTP(SECRET).now())
            page.get_by_role("button", name="Verify").click()
            page.wait_for_selector("#users-table[data-loaded=true]")

            def load() -> None:
                page.goto(f"{base}/admin/users")
                page.wait_for_selector("#users-table[data-loaded=true]")

            browser_ms = timed(load, max(5, args.runs // 2))
            browser.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"users: {total} (startup incl. seeding {startup:.0f} ms)")
    print(f"list JSON, 50 rows, page 1:           {page1:7.1f} ms (median of {args.runs})")
    print(f"list JSON, 50 rows, page 150 by -last_login: {deep:7.1f} ms")
    print(f"list JSON, 50 rows, search 'son':     {search:7.1f} ms")
    print(
        f"CSV export, all rows ({csv_bytes // 1024} KiB):    {csv_ms:7.1f} ms (unchanged since last export)"
    )
    print(f"CSV export after one account changed: {csv_changed:7.1f} ms")
    print(
        f"Chromium load of the users page:      {browser_ms:7.1f} ms (navigation until the table is filled)"
    )
    print(
        f"ratios to a page load: list {page1 / browser_ms:.1%}, CSV {csv_ms / browser_ms:.1%},"
        f" CSV after a change {csv_changed / browser_ms:.1%}"
    )
    shutil.rmtree(data_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
