"""Drift report files in the access repo: `<report_dir>/<target>/latest.md`, `latest.json`
and `history/<UTC timestamp>.json`; and reading the last one back as the baseline.

Owns the file layout and the rule that makes quiet runs quiet: a report whose content
digest (everything but the run's times) equals the one in `latest.json` writes nothing,
so Git sees no change and no commit is made. History files are written only with a
changed report. Writes are atomic (temporary file, fsync, rename): a killed run never
leaves a half-written latest.json to be read as the next baseline.

Commits nothing (gitops does) and must not import gitops.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from pydantic import ValidationError

from reconciler.errors import ReconcilerError
from reconciler.model.observed import Observed
from reconciler.reporting.drift import SCHEMA_VERSION, DriftReport, baseline_of
from reconciler.reporting.render import render_json, render_markdown

LATEST_JSON = "latest.json"
LATEST_MD = "latest.md"
HISTORY = "history"


class ReportError(ReconcilerError):
    """A stored drift report cannot be read."""


@dataclass(frozen=True)
class WrittenReport:
    """What write_report did: `paths` are the files written (none when unchanged)."""

    target: str
    folder: Path
    changed: bool
    paths: tuple[Path, ...]


def report_folder(repo: Path, target: str, report_dir: str = "reports") -> Path:
    return repo / report_dir / target


def write_report(repo: Path, report: DriftReport, *, report_dir: str = "reports") -> WrittenReport:
    """Write latest.md, latest.json and a history file, unless nothing but times changed."""
    folder = report_folder(repo, report.target, report_dir)
    latest_json, latest_md = folder / LATEST_JSON, folder / LATEST_MD
    if _stored_digest(latest_json) == report.content_sha256 and latest_md.exists():
        return WrittenReport(report.target, folder, changed=False, paths=())
    text = render_json(report)
    history = _history_path(folder / HISTORY, report)
    for path, content in ((history, text), (latest_json, text), (latest_md, render_markdown(report))):
        _atomic_write(path, content)
    return WrittenReport(report.target, folder, changed=True, paths=(latest_md, latest_json, history))


def load_report(path: Path) -> DriftReport:
    """Read a stored report; ReportError naming the file when it is not one."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ReportError(f"{path}: cannot read the drift report: {exc.strerror}") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ReportError(
            f"{path}:{exc.lineno}:{exc.colno}: drift report is not valid JSON: {exc.msg}"
        ) from None
    version = data.get("schema_version") if isinstance(data, dict) else None
    if version != SCHEMA_VERSION:
        raise ReportError(
            f"{path}: drift report schema_version {version!r} is not {SCHEMA_VERSION}"
            " (written by another reconciler version?)"
        )
    try:
        return DriftReport.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "report"
        raise ReportError(f"{path}: not a valid drift report: {where}: {first['msg']}") from None


def load_baseline(
    repo: Path, target: str, *, report_dir: str = "reports", current: Observed | None = None
) -> Observed | None:
    """The observed state of the last report of `target`; None when there is none yet.

    Pass `current` (the console as just read) so that profiles, which reports do not
    store, are restored where they have not changed since (see drift.baseline_of).
    A corrupt report is an error, never "no baseline": that would call every difference
    a Git change and hide out-of-band drift.
    """
    path = report_folder(repo, target, report_dir) / LATEST_JSON
    if not path.exists():
        return None
    return baseline_of(load_report(path), current)


def _stored_digest(path: Path) -> str | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # missing or unreadable: write a fresh one
    return data.get("content_sha256") if isinstance(data, dict) else None


def _history_path(folder: Path, report: DriftReport) -> Path:
    stamp = report.run.finished_at.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
    path, n = folder / f"{stamp}.json", 1
    while path.exists():  # two changed runs in one second: keep both
        n += 1
        path = folder / f"{stamp}-{n}.json"
    return path


def _atomic_write(path: Path, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
