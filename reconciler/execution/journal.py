"""The apply journal: one JSON line per executed action, appended and fsynced.

An action is identified by a hash of the plan's checksum and the action itself, so the
same action in a *different* plan (say the account was changed back by hand since) is
never mistaken for done. Re-running the same plan skips what the journal shows as
verified or already in state: an apply killed halfway resumes where it stopped. A torn
last line (the kill came mid-write) is ignored.

A run that finishes with everything done writes a `completed` line: what came before it
no longer counts. Otherwise the same plan made again later (the console drifted back to
exactly the state it was planned from) would be skipped as "already done".
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from reconciler.model.canonical import sha256_of
from reconciler.model.plan import Action

DONE = frozenset({"verified", "already_in_state"})
COMPLETED = "completed"


def action_id(plan_checksum: str, action: Action) -> str:
    return sha256_of({"plan": plan_checksum, "action": action.semantic()})[:32]


class Journal:
    """The journal file of one plan's applies (other plans' lines are kept, and ignored)."""

    def __init__(self, path: Path, plan_checksum: str) -> None:
        self.path = path
        self.plan_checksum = plan_checksum

    def entries(self) -> list[dict[str, Any]]:
        try:
            lines = self.path.read_text(encoding="utf-8").splitlines()
        except FileNotFoundError:
            return []
        entries = []
        for line in lines:
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            if isinstance(entry, dict) and entry.get("plan") == self.plan_checksum:
                entries.append(entry)
        return entries

    def completed(self) -> set[str]:
        """Ids of this plan's actions already done since its last completed run."""
        done: set[str] = set()
        for entry in self.entries():
            if entry.get("status") == COMPLETED:
                done.clear()
            elif entry.get("status") in DONE:
                done.add(entry["action"])
        return done

    def mark_completed(self) -> None:
        self._append({"plan": self.plan_checksum, "status": COMPLETED})

    def record(self, action: Action, action_id: str, status: str, message: str = "", **extra: Any) -> None:
        entry = {
            "at": datetime.now(UTC).isoformat(timespec="seconds"),
            "plan": self.plan_checksum,
            "action": action_id,
            "target": action.target,
            "username": action.username,
            "kind": action.kind,
            "status": status,
            "message": message,
            **extra,
        }
        self._append(entry)

    def _append(self, entry: dict[str, Any]) -> None:
        entry.setdefault("at", datetime.now(UTC).isoformat(timespec="seconds"))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry, sort_keys=True) + "\n")
            out.flush()
            os.fsync(out.fileno())
