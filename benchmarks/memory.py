"""Peak resident memory of a process tree (a Python process and its Chromium children).

Samples /proc every 50 ms while the process runs, over the process and all its
descendants: the sum of PSS (proportional set size: a page shared by k processes counts
1/k in each, so the sum is the tree's real footprint) and the sum of RSS (shared pages
counted once per process: an upper bound). Linux only; no third-party dependency.
"""

from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")
ROOT = Path(__file__).parents[1]  # children run from the project root, so `-m benchmarks.x` resolves


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    try:
        tasks = list((PROC / str(pid) / "task").iterdir())
    except OSError:  # the process ended meanwhile
        return kids
    for task in tasks:
        try:
            kids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return kids


def _memory_kib(pid: int) -> tuple[int, int]:
    """(PSS, RSS) of one process in KiB; zeros once it is gone."""
    pss = rss = 0
    try:
        for line in (PROC / str(pid) / "smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1])
            elif line.startswith("Rss:"):
                rss = int(line.split()[1])
    except (OSError, ValueError):
        pass
    return pss, rss


def tree_memory_kib(root: int) -> tuple[int, int]:
    """Current (PSS, RSS) of `root` and every descendant, in KiB."""
    pss = rss = 0
    stack, seen = [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        p, r = _memory_kib(pid)
        pss, rss = pss + p, rss + r
        stack += _children(pid)
    return pss, rss


@dataclass
class PeakSampler:
    """Sample a process tree's memory in a thread until stopped; keep the peaks."""

    pid: int
    interval: float = 0.05
    peak_pss_kib: int = 0
    peak_rss_kib: int = 0

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            pss, rss = tree_memory_kib(self.pid)
            self.peak_pss_kib = max(self.peak_pss_kib, pss)
            self.peak_rss_kib = max(self.peak_rss_kib, rss)
            time.sleep(self.interval)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass(frozen=True)
class Finished:
    """A child process's outcome: exit code, wall time from spawn to exit, peak tree memory."""

    returncode: int
    seconds: float
    peak_pss_mib: float
    peak_rss_mib: float
    stdout: str
    stderr: str


def run_measured(command: list[str], env: dict[str, str] | None = None, timeout: float = 600) -> Finished:
    """Spawn `command`, sample its tree's memory until it exits, and time it from spawn to exit."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakSampler(process.pid) as sampler:
        stdout, stderr = process.communicate(timeout=timeout)
    seconds = time.perf_counter() - start
    return Finished(
        process.returncode, seconds, sampler.peak_pss_kib / 1024, sampler.peak_rss_kib / 1024, stdout, stderr
    )
