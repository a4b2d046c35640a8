"""Peak resident memory of a process tree (a Python process and its Chromium children).

Samples /proc every few milliseconds while the process runs: the sum of VmRSS over the
process and all its descendants. Linux only; no third-party dependency. Shared pages
(Chromium's processes share libraries) are counted once per process, so the figure is
an upper bound, which is what a memory target should be checked against.
"""

from __future__ import annotations

import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path

PROC = Path("/proc")


def _children(pid: int) -> list[int]:
    kids: list[int] = []
    for task in (PROC / str(pid) / "task").glob("*"):
        try:
            kids += [int(p) for p in (task / "children").read_text().split()]
        except OSError:
            continue
    return kids


def _rss_kib(pid: int) -> int:
    try:
        for line in (PROC / str(pid) / "status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kib(root: int) -> int:
    """Current RSS of `root` and every descendant, in KiB."""
    total, stack, seen = 0, [root], set()
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        total += _rss_kib(pid)
        stack += _children(pid)
    return total


@dataclass
class PeakSampler:
    """Sample a process tree's RSS in a thread until stopped; `peak_mib` is the maximum."""

    pid: int
    interval: float = 0.05
    peak_kib: int = 0

    def __post_init__(self) -> None:
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak_kib = max(self.peak_kib, tree_rss_kib(self.pid))
            time.sleep(self.interval)

    def __enter__(self) -> PeakSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def peak_mib(self) -> float:
        return self.peak_kib / 1024


@dataclass(frozen=True)
class Finished:
    """A child process's outcome: exit code, wall time from spawn to exit, peak tree RSS."""

    returncode: int
    seconds: float
    peak_mib: float
    stdout: str
    stderr: str


def run_measured(command: list[str], env: dict[str, str] | None = None, timeout: float = 600) -> Finished:
    """Spawn `command`, sample its tree's memory until it exits, and time it from spawn to exit."""
    start = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    with PeakSampler(process.pid) as sampler:
        stdout, stderr = process.communicate(timeout=timeout)
    seconds = time.perf_counter() - start
    return Finished(process.returncode, seconds, sampler.peak_mib, stdout, stderr)
