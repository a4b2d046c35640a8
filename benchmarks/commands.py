"""The reconciler commands scenarios 4 and 6 time, in one place.

`reconciler reconcile` (and a continuous mode) are being written; until they land, a
scheduled no-op run is `plan --detailed-exitcode` (exit 0 = in sync) and an urgent
offboarding is `apply --yes --user NAME`. Switching is a one-line change in each function.
"""

from __future__ import annotations

import sys
from pathlib import Path

RECONCILER = [sys.executable, "-m", "reconciler"]


def noop_command(repo: Path, state_dir: Path) -> list[str]:
    """A scheduled run that should find nothing to do; must exit 0."""
    return [*RECONCILER, "plan", "--detailed-exitcode", "--repo", str(repo), "--state-dir", str(state_dir)]


def offboard_command(repo: Path, state_dir: Path, username: str) -> list[str]:
    """Apply one person's offboarding in every environment, right after the commit."""
    return [
        *RECONCILER,
        "apply",
        "--yes",
        "--user",
        username,
        "--repo",
        str(repo),
        "--state-dir",
        str(state_dir),
    ]


def apply_command(repo: Path, state_dir: Path, target: str) -> list[str]:
    """Apply every pending change in one target."""
    return [
        *RECONCILER,
        "apply",
        "--yes",
        "--target",
        target,
        "--repo",
        str(repo),
        "--state-dir",
        str(state_dir),
    ]


NOOP_COMMAND = "reconciler plan --detailed-exitcode (until `reconciler reconcile` lands)"
OFFBOARD_COMMAND = (
    "reconciler apply --yes --user NAME (until `reconciler reconcile --user` / continuous mode lands)"
)
