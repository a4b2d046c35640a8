"""The reconciler commands scenarios 4, 5 and 6 time, in one place.

A scheduled run is `reconcile` (exit 0 with --detailed-exitcode = in sync); an urgent
offboarding is `reconcile --user NAME` (there is no continuous mode yet). Both run on the
mirror repo, a Git checkout without a remote (`--no-pull`); its reconciler.yaml has
`report.commit: false`, so reports are written to the working tree but not committed.
"""

from __future__ import annotations

import sys
from pathlib import Path

RECONCILER = [sys.executable, "-m", "reconciler"]


def noop_command(repo: Path, state_dir: Path) -> list[str]:
    """A scheduled run that should find nothing to do; must exit 0."""
    return [
        *RECONCILER,
        "reconcile",
        "--no-pull",
        "--detailed-exitcode",
        "--repo",
        str(repo),
        "--state-dir",
        str(state_dir),
    ]


def offboard_command(repo: Path, state_dir: Path, username: str) -> list[str]:
    """Apply one person's offboarding in every environment, right after the commit."""
    return [
        *RECONCILER,
        "reconcile",
        "--no-pull",
        "--user",
        username,
        "--repo",
        str(repo),
        "--state-dir",
        str(state_dir),
    ]


def apply_command(repo: Path, state_dir: Path, target: str, concurrency: int | None = None) -> list[str]:
    """Apply every pending change in one target (with the default concurrency unless given)."""
    chosen = ["--concurrency", str(concurrency)] if concurrency else []
    return [
        *RECONCILER,
        "apply",
        "--yes",
        "--target",
        target,
        *chosen,
        "--repo",
        str(repo),
        "--state-dir",
        str(state_dir),
    ]


NOOP_COMMAND = "reconciler reconcile --no-pull --detailed-exitcode"
OFFBOARD_COMMAND = "reconciler reconcile --no-pull --user NAME (no continuous mode yet)"
