"""The audit trail: append-only, hash-chained JSONL, one entry per action attempt.

Owns the entry format, appending (one line, fsynced, under an exclusive lock), and
verification. Each line is a JSON object with sorted keys:

    {"action": ..., "at": ..., ..., "prev": <sha256 of the previous line>, "hash": <own>}

`prev` is the sha256 of the previous line's exact bytes (without its newline; 64 zeros
for the first), `hash` the sha256 of the entry's canonical JSON without `hash`. Changing,
removing, inserting or reordering any line breaks the chain at the first line after
it (or at the line itself); `verify` names that line and what is wrong. Truncating the
tail is not detectable from the file alone, which is why the file is committed to Git.

Which results are entries: every attempt (verified, already_in_state, failed) and every
action skipped because an earlier one of the same person failed. Not `report_only`
(nothing was attempted) nor `done_earlier` (its attempt is already an entry).

Must not import gitops; the desired commit comes in as data.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from reconciler.errors import ReconcilerError
from reconciler.execution.executor import ActionResult, ApplyResult
from reconciler.model.canonical import canonical_json

GENESIS = "0" * 64
AUDITED = frozenset({"verified", "already_in_state", "failed", "skipped"})
MAX_MESSAGE = 500  # console messages are kept short: evidence lives in the evidence file


class AuditError(ReconcilerError):
    """The audit trail cannot be appended to (or read)."""


class AuditRecord(BaseModel):
    """One action attempt, as the trail keeps it. No PHI: usernames, kinds, outcomes, hashes."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    at: datetime
    target: str
    username: str
    action: str
    reason: str
    outcome: str
    message: str = ""
    desired_commit: str | None = None
    plan_checksum: str | None = None
    action_id: str | None = None
    evidence: str | None = None
    evidence_sha256: str | None = None


@dataclass(frozen=True)
class VerifyResult:
    """`ok`, how many entries were read, and the first broken one (1-based line) if any."""

    path: Path
    entries: int
    broken_line: int | None = None
    problem: str = ""

    @property
    def ok(self) -> bool:
        return self.broken_line is None

    def render(self) -> str:
        if self.ok:
            return f"{self.path}: {self.entries} entries, chain intact"
        return f"{self.path}:{self.broken_line}: {self.problem}"


def trail_path(repo: Path, audit_dir: str, target: str) -> Path:
    """`<audit_dir>/<target>.jsonl`; `audit_dir` is relative to the repo or absolute (outside it)."""
    folder = Path(audit_dir)
    return (folder if folder.is_absolute() else repo / folder) / f"{target}.jsonl"


def line_hash(line: bytes) -> str:
    return hashlib.sha256(line).hexdigest()


def entry_hash(entry: Mapping[str, object]) -> str:
    return hashlib.sha256(canonical_json({k: v for k, v in entry.items() if k != "hash"})).hexdigest()


class AuditTrail:
    """One append-only JSONL file (one per target: `audit/<target>.jsonl` by default)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def append(self, record: AuditRecord) -> str:
        """Append one entry; returns its hash. Refuses to extend a torn or foreign file."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            # Two writers must not both chain onto the same previous line.
            fcntl.flock(fd, fcntl.LOCK_EX)
            last = _last_line(fd, self.path)
            entry = {**record.model_dump(mode="json"), "prev": GENESIS if last is None else line_hash(last)}
            entry["hash"] = entry_hash(entry)
            os.write(fd, canonical_json(entry) + b"\n")
            os.fsync(fd)
            return str(entry["hash"])
        finally:
            os.close(fd)  # closing releases the lock

    def extend(self, records: Iterable[AuditRecord]) -> list[str]:
        return [self.append(r) for r in records]


def _last_line(fd: int, path: Path) -> bytes | None:
    """The last complete line (without newline), None for an empty file."""
    size = os.fstat(fd).st_size
    if size == 0:
        return None
    if os.pread(fd, 1, size - 1) != b"\n":
        raise AuditError(
            f"{path}: the last line is incomplete (a write was interrupted); the trail needs a person:"
            " check it with `reconciler audit verify` before appending"
        )
    # Read backwards in blocks until the newline before the last one.
    block, end, chunk = 4096, size - 1, b""
    while True:
        start = max(0, end - block)
        chunk = os.pread(fd, end - start, start) + chunk
        end = start
        cut = chunk.rfind(b"\n")
        if cut >= 0:
            return chunk[cut + 1 :]
        if start == 0:
            return chunk
        block *= 2


def verify(path: Path) -> VerifyResult:
    """Check every line's hash and link; name the first broken entry."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return VerifyResult(path, 0, 0, "no audit trail at this path")
    if not data:
        return VerifyResult(path, 0)
    lines = data.split(b"\n")
    torn = lines[-1] != b""
    lines = lines if torn else lines[:-1]
    prev = GENESIS
    for number, line in enumerate(lines, start=1):
        problem = _problem(line, prev, number)
        if problem:
            return VerifyResult(path, number - 1, number, problem)
        prev = line_hash(line)
    if torn:
        return VerifyResult(path, len(lines) - 1, len(lines), "the last line has no newline (torn write?)")
    return VerifyResult(path, len(lines))


def _problem(line: bytes, prev: str, number: int) -> str:
    try:
        entry = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "not a JSON entry"
    if not isinstance(entry, dict) or "hash" not in entry or "prev" not in entry:
        return "not an audit entry (no hash or prev)"
    if entry_hash(entry) != entry["hash"]:
        return "the entry does not match its own hash: it was edited"
    if entry["prev"] != prev:
        if number == 1:
            return "the first entry does not start the chain: entries before it were removed"
        return (
            f"prev does not match line {number - 1}: a line was removed, inserted, reordered or"
            f" edited before this one"
        )
    return ""


# -- entries from an apply ------------------------------------------------------------


def records_for(
    result: ApplyResult,
    *,
    target: str,
    desired_commit: str | None,
    at: datetime,
    times: Mapping[str, datetime] | None = None,
    evidence_root: Path | None = None,
) -> list[AuditRecord]:
    """One record per audited result of `target`, in plan order.

    `times` maps action ids to when each finished (ActionClock); `at` is the fallback
    (the run's end). Evidence paths are resolved against `evidence_root` (default: the
    current folder) and hashed when the file exists.
    """
    records = []
    for r in result.results:
        if r.action.target != target or r.status not in AUDITED:
            continue
        records.append(
            AuditRecord(
                at=(times or {}).get(r.action_id, at),
                target=target,
                username=r.action.username,
                action=r.action.kind,
                reason=r.action.reason,
                outcome=r.status,
                message=" ".join(r.message.split())[:MAX_MESSAGE],
                desired_commit=desired_commit,
                plan_checksum=result.plan_checksum,
                action_id=r.action_id,
                evidence=r.evidence,
                evidence_sha256=_evidence_hash(r, evidence_root),
            )
        )
    return records


def _evidence_hash(result: ActionResult, root: Path | None) -> str | None:
    if not result.evidence:
        return None
    path = Path(result.evidence)
    if not path.is_absolute() and root is not None:
        path = root / path
    try:
        with path.open("rb") as evidence:
            return hashlib.file_digest(evidence, "sha256").hexdigest()
    except OSError:
        return None  # no file (yet): the entry says so by leaving the hash out


class ActionClock:
    """An `on_progress` callback for execution.apply that notes when each action finished."""

    def __init__(self, now: Callable[[], datetime] | None = None) -> None:
        self._now = now or (lambda: datetime.now(UTC).replace(microsecond=0))
        self.times: dict[str, datetime] = {}

    def __call__(self, result: ActionResult) -> None:
        self.times[result.action_id] = self._now()
