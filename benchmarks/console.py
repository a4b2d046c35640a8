"""The console stand-in for benchmarks: `reconciler sim` in its own process, seeded.

The simulator runs as a separate process (as users run it), so its CPU time is not
counted in the harness's own timings. Its /_sim/ hooks give the ground truth and a reset.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pyotp

PRACTICE = "bench-derm"
ROBOT = "reconciler-bot"
PASSWORD = "bench-password-1"
SECRET = pyotp.random_base32()
ENVS = ("production", "sandbox")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Console:
    """A running simulator: where it is, and a plain HTTP client for its test hooks."""

    origin: str
    hooks: httpx.Client
    users: int
    practice: str = PRACTICE

    def base(self, env: str = "production") -> str:
        return f"{self.origin}/{self.practice}/{env}"

    def truth(self, env: str = "production") -> list[dict[str, Any]]:
        return list(self.hooks.get(f"/_sim/{self.practice}/{env}/accounts").raise_for_status().json())

    def reset(self, *envs: str) -> None:
        """Back to the seeded state (every environment when none is named)."""
        for env in envs or ENVS:
            self.hooks.post(f"/_sim/{self.practice}/{env}/reset").raise_for_status()


@contextmanager
def running_console(users: int, seed: int = 7, data_dir: Path | None = None) -> Iterator[Console]:
    """Start `reconciler sim --users N --seed S --test-hooks` on a free port; stop it after."""
    port = free_port()
    with tempfile.TemporaryDirectory(prefix="bench-sim-") as tmp:
        folder = data_dir or Path(tmp)
        env = dict(os.environ, SIM_ADMIN_PASSWORD=PASSWORD, SIM_ADMIN_TOTP_SECRET=SECRET)
        command = [
            sys.executable, "-m", "reconciler", "sim", "--port", str(port), "--practice", PRACTICE,
            "--users", str(users), "--seed", str(seed), "--data-dir", str(folder), "--test-hooks",
            "--reset",
        ]  # fmt: skip
        log = (Path(tmp) / "sim.log").open("wb")  # a file, not a pipe: a full pipe would stall it
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        origin = f"http://127.0.0.1:{port}"
        hooks = httpx.Client(base_url=origin, timeout=120)
        try:
            _wait_until_up(hooks, server, Path(tmp) / "sim.log")
            yield Console(origin, hooks, users)
        finally:
            hooks.close()
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
            log.close()


def _wait_until_up(
    client: httpx.Client, server: subprocess.Popen[bytes], log: Path, limit: float = 180
) -> None:
    deadline = time.monotonic() + limit
    while True:
        try:
            client.get("/").raise_for_status()
            return
        except httpx.TransportError:
            if server.poll() is not None:
                err = log.read_text(errors="replace")
                raise RuntimeError(f"reconciler sim exited with {server.returncode}: {err[-2000:]}") from None
            if time.monotonic() > deadline:
                raise RuntimeError("reconciler sim did not start in time") from None
            time.sleep(0.1)
