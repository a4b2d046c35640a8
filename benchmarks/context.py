"""What every scenario gets: sizes, a scratch folder, and simulators started once and shared."""

from __future__ import annotations

import os
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.console import Console, running_console
from benchmarks.sizes import Sizes


@dataclass
class BenchContext:
    sizes: Sizes
    workdir: Path
    log: bool = True
    # scenario -> (accounts, peak PSS MiB, peak RSS-sum MiB), for scenario 7
    memory: dict[str, tuple[int, float, float]] = field(default_factory=dict)
    cache: dict[str, object] = field(default_factory=dict)  # set-up shared between scenarios
    _stack: ExitStack = field(default_factory=ExitStack)
    _consoles: dict[int, Console] = field(default_factory=dict)

    def console(self, users: int) -> Console:
        """A simulator seeded with `users` people (started on first use, stopped by close())."""
        if users not in self._consoles:
            self.say(f"  starting reconciler sim --users {users}")
            self._consoles[users] = self._stack.enter_context(running_console(users))
        return self._consoles[users]

    def stop_console(self, users: int) -> None:
        """Stop one simulator early (so that it stops using memory and CPU)."""
        # ExitStack cannot close one entry; consoles are few, so close all and forget them.
        if users in self._consoles:
            self._stack.close()
            self._consoles.clear()
            self.cache.clear()
            self._stack = ExitStack()

    def folder(self, name: str) -> Path:
        path = self.workdir / name
        path.mkdir(parents=True, exist_ok=True)
        return path

    def say(self, message: str) -> None:
        if self.log:
            print(message, flush=True)

    def close(self) -> None:
        self._stack.close()


def cpu_count() -> int:
    return os.cpu_count() or 1
