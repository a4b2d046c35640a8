"""One apply per target at a time: an exclusive, non-blocking flock on
`<state_dir>/<target>.lock`, which holds the holder's pid for the error message.

flock locks die with the process, so a killed apply never leaves a stale lock behind;
the file itself stays (unlinking a lock file races with the next locker).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterable, Iterator
from pathlib import Path

from reconciler.errors import ApplyLocked


@contextlib.contextmanager
def _target_lock(state_dir: Path, target: str) -> Iterator[None]:
    path = state_dir / f"{target}.lock"
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
        os.close(fd)
        raise ApplyLocked(f"another apply is running on {target} (pid {holder}); lock {path}") from None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
        yield
    finally:
        os.ftruncate(fd, 0)  # before unlocking: afterwards the file may be the next holder's
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


@contextlib.contextmanager
def target_locks(state_dir: Path, targets: Iterable[str]) -> Iterator[None]:
    """Hold the locks of all `targets` (taken in sorted order), or raise ApplyLocked."""
    state_dir.mkdir(parents=True, exist_ok=True)
    with contextlib.ExitStack() as stack:
        for target in sorted(set(targets)):
            stack.enter_context(_target_lock(state_dir, target))
        yield
