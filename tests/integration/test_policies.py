"""Runtime policies against the stand-in console: inactivity, failed logins, end_date.

A person idle for 120 days and one with 6 failed logins are suspended by reconcile with
reason `policy`, and the committed report says so; a person past their end_date is
offboarded in both environments although the YAML still says active.
"""

from __future__ import annotations

import json
import subprocess
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reconciler.cli import main

pytestmark = pytest.mark.browser

IDLE, GUESSED, ENDED = "jorge.castellano", "samuel.osei", "marcus.bellamy"


def git(repo: Path, *args: str) -> str:
    author = ["-c", "user.name=Practice IT", "-c", "user.email=it@example.org"]
    return subprocess.run(
        ["git", "-C", str(repo), *author, *args], check=True, capture_output=True, text=True
    ).stdout


def test_runtime_policies_suspend_and_offboard_with_reason_policy(console, repo, tmp_path):
    config = repo / "reconciler.yaml"
    config.write_text(config.read_text().replace("unmanaged: report", "unmanaged: ignore"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-qm", "access repo")
    state = ["--repo", str(repo), "--state-dir", str(tmp_path / "state")]
    assert main(["reconcile", "--no-pull", *state]) == 0

    long_ago = (datetime.now(UTC) - timedelta(days=120)).isoformat()
    console.change(IDLE, last_login=long_ago)
    console.change(GUESSED, failed_logins=6)
    providers = repo / "users" / "providers.yaml"
    text = providers.read_text()
    start = text.index(f"username: {ENDED}")
    end_of_entry = text.index("\n\n", start)
    yesterday = (datetime.now(UTC).date() - timedelta(days=2)).isoformat()
    text = text[:end_of_entry] + f"\n    end_date: {yesterday}" + text[end_of_entry:]
    providers.write_text(text)
    git(repo, "commit", "-qam", f"{ENDED}: contract ended")

    assert main(["reconcile", "--no-pull", *state]) == 0
    production = json.loads((repo / "reports" / "production" / "latest.json").read_text())
    sandbox = json.loads((repo / "reports" / "sandbox" / "latest.json").read_text())
    applied = {(a["username"], a["action"]): a for a in production["applied"]}
    assert applied[(IDLE, "suspend")]["reason"] == "policy"
    assert applied[(GUESSED, "suspend")]["reason"] == "policy"
    for report in (production, sandbox):
        done = {(a["username"], a["action"]): a["reason"] for a in report["applied"]}
        assert done[(ENDED, "deactivate")] == "policy"
        assert any(
            "OFFBOARDED BY POLICY" in f["message"] for f in report["findings"] if f.get("username") == ENDED
        )
    truth = console.truth()
    assert (truth[IDLE]["status"], truth[GUESSED]["status"], truth[ENDED]["status"]) == (
        "suspended",
        "suspended",
        "inactive",
    )
    assert console.truth("sandbox")[ENDED]["status"] == "inactive"
    # The next run leaves them as they are: a suspension by policy is not undone.
    assert main(["plan", "--detailed-exitcode", *state]) == 0
