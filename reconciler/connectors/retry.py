"""Which console faults are worth retrying, and the backoff between tries.

Transient: timeouts, HTTP 5xx, an expired session, a dropped connection. Permanent:
the console said no (inline validation error, "open work remains"): retrying the
same input cannot help, so that verb fails with the console's message.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")
_RNG = random.Random()


class TransientFault(Exception):
    """Worth another try (after backoff, and after logging in again if asked)."""

    def __init__(self, message: str, relogin: bool = False) -> None:
        super().__init__(message)
        self.relogin = relogin


class PermanentFault(Exception):
    """The console refused; carries its own message."""


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter (AWS architecture blog's recommendation)."""

    attempts: int = 6
    base: float = 0.2
    cap: float = 5.0

    def delay(self, attempt: int) -> float:
        return _RNG.uniform(0, min(self.cap, self.base * 2**attempt))


async def with_retries(
    operation: Callable[[int], Awaitable[T]],
    backoff: Backoff,
    on_transient: Callable[[TransientFault, int], Awaitable[None]] | None = None,
) -> tuple[T, int]:
    """Run `operation(attempt)` until it succeeds or a permanent fault; returns (result, attempts).

    `on_transient` runs between tries (for example to log in again). The last
    transient fault is re-raised when the attempts run out.
    """
    attempt = 0
    while True:
        attempt += 1
        try:
            return await operation(attempt), attempt
        except TransientFault as fault:
            if attempt >= backoff.attempts:
                raise
            if on_transient is not None:
                await on_transient(fault, attempt)
            await asyncio.sleep(backoff.delay(attempt))
