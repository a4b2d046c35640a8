"""What a scenario reports: timed samples, derived figures (ratios), and checks against targets."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from benchmarks.stats import Samples


@dataclass(frozen=True)
class Check:
    """One README target: `measured` compared with `limit` (`at_most` or `at_least`)."""

    target: str
    measured: float
    limit: float
    unit: str
    at_most: bool = True

    @property
    def met(self) -> bool:
        return self.measured <= self.limit if self.at_most else self.measured >= self.limit

    def as_dict(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "measured": self.measured,
            "limit": self.limit,
            "unit": self.unit,
            "at_most": self.at_most,
            "met": self.met,
        }


@dataclass
class ScenarioResult:
    """Everything one scenario measured, ready for latest.md and latest.json."""

    key: str
    title: str
    samples: dict[str, Samples] = field(default_factory=dict)
    figures: dict[str, float] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0  # how long the scenario took to run, set-up included

    def sample(self, name: str, unit: str = "s") -> Samples:
        return self.samples.setdefault(name, Samples(unit=unit))

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "samples": {name: s.as_dict() for name, s in self.samples.items() if s.values},
            "figures": self.figures,
            "checks": [c.as_dict() for c in self.checks],
            "notes": self.notes,
            "seconds": round(self.seconds, 1),
        }
