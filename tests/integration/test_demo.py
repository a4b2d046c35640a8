"""The demo's story, end to end: what `make demo` shows a practice administrator."""

from __future__ import annotations

import io
import json
import subprocess

import pytest
from rich.console import Console

from reconciler.cli import main
from reconciler.demo.story import DRIFTER, LEAVER, run_demo

pytestmark = pytest.mark.browser


def test_the_demo_reverts_drift_and_offboards_in_both_environments(tmp_path, monkeypatch):
    # The demo puts its console's login in MODMED_* variables; monkeypatch restores them.
    for env in ("PROD", "SANDBOX"):
        for part in ("USERNAME", "PASSWORD", "TOTP_SECRET"):
            monkeypatch.setenv(f"MODMED_{env}_{part}", "unset")
    shown = io.StringIO()
    assert run_demo(main, out=Console(file=shown, width=100), workdir=tmp_path) == 0
    repo = tmp_path / "access-repo"
    production = json.loads((repo / "reports" / "production" / "latest.json").read_text())
    sandbox = json.loads((repo / "reports" / "sandbox" / "latest.json").read_text())
    drift = [a for a in production["out_of_band"] if a["username"] == DRIFTER]
    assert drift and any(c["actor"] == "dana.whitaker" for c in drift[0]["changed_by"])
    for report in (production, sandbox):
        done = {(a["username"], a["action"]) for a in report["applied"] if a["status"] == "verified"}
        assert (LEAVER, "deactivate") in done
        assert {a["username"]: a["status"] for a in report["accounts"]}[LEAVER] == "inactive"
    assert production["offboarding"][0]["username"] == LEAVER
    log = subprocess.run(
        ["git", "-C", str(repo), "log", "--format=%s"], capture_output=True, text=True
    ).stdout
    assert log.count("drift(") >= 2
    text = shown.getvalue()
    assert "Someone changes access by hand" in text and "The drift report" in text
    assert (repo / "reports" / "production" / "latest.md").exists()
