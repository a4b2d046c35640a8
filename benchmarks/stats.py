"""Timing samples and their summary: median and spread, never a single absolute figure."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Samples:
    """Repeated measurements of one quantity (seconds unless `unit` says otherwise)."""

    values: list[float] = field(default_factory=list)
    unit: str = "s"

    def add(self, value: float) -> None:
        self.values.append(value)

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    @property
    def spread_pct(self) -> float:
        """(max - min) / median, in percent: how noisy the runs were."""
        return 100.0 * (self.high - self.low) / self.median if self.median else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "runs": len(self.values),
            "median": self.median,
            "min": self.low,
            "max": self.high,
            "spread_pct": round(self.spread_pct, 1),
            "values": self.values,
        }

    def text(self, digits: int = 3) -> str:
        return (
            f"{self.median:.{digits}f} {self.unit} ({self.low:.{digits}f}-{self.high:.{digits}f},"
            f" n={len(self.values)})"
        )


def cpu_seconds() -> float:
    """CPU time of this process and of its waited-for children (a loader may fork one)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def time_it(fn: Callable[[], Any], repeat: int, warmup: bool = True) -> tuple[Samples, Samples, Any]:
    """Run `fn` `repeat` times (after one untimed warm-up run): wall-clock and CPU samples.

    On a shared machine wall time includes waiting for a core; CPU time does not, so both
    are kept: wall is what a user waits, CPU is what the code costs.
    """
    result = fn() if warmup else None
    wall, cpu = Samples(), Samples(unit="s CPU")
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), cpu_seconds()
        result = fn()
        wall.add(time.perf_counter() - start)
        cpu.add(cpu_seconds() - start_cpu)
    return wall, cpu, result


def ratio(numerator: Samples, denominator: Samples) -> float:
    """Ratio of medians (both measured in the same run, so machine load mostly cancels out)."""
    return numerator.median / denominator.median if denominator.median else float("inf")
