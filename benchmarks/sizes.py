"""How big each scenario is: the issue's sizes, and tiny ones for `--quick` and the smoke test."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Sizes:
    load: tuple[tuple[int, int], ...] = ((10_000, 100), (50_000, 500))  # (users, files)
    plan_accounts: int = 100_000
    plan_drift: float = 0.01
    observe: tuple[int, ...] = (1_000, 10_000)
    # Signed-in reads take milliseconds, so many are cheap and steady the medians.
    observe_reads: int = 31
    console: int = 1_000  # the practice no-op, apply and offboarding run against
    apply_changes: int = 100
    handwritten_concurrency: tuple[int, ...] = (1, 2, 4)
    repeat: int = 3  # pure-computation scenarios
    browser_repeat: int = 3  # scenarios that drive Chromium (each run is seconds to minutes)
    noop_repeat: int = 5  # a no-op run is a few seconds: more of them steady its median
    naive_repeat: int = 2  # the naive robot signs in once per change: the slowest thing here
    # ... so it makes this many of the changes per run, and its rate is scaled to all of them
    # (each of its changes is independent: sign in, edit, close; the cost is linear).
    naive_changes: int = 10
    warmup: bool = True  # an untimed first run of the no-op command (disk caches)


FULL = Sizes()
QUICK = Sizes(
    load=((200, 4),),
    plan_accounts=2_000,
    observe=(60,),
    observe_reads=3,
    console=60,
    apply_changes=4,
    handwritten_concurrency=(1, 2),
    repeat=2,
    browser_repeat=1,
    noop_repeat=1,
    naive_repeat=1,
    naive_changes=2,
)
