"""plan and apply end to end: the example access repo against a freshly seeded console.

Real Chromium, the stand-in console on 127.0.0.1, the CLI as users run it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from reconciler.cli import main

pytestmark = pytest.mark.browser


def cli(repo: Path, tmp_path: Path, *args: str) -> int:
    return main([*args, "--repo", str(repo), "--state-dir", str(tmp_path / "state")])


def robot_changes(console, env="production"):
    return [
        (e["target"], e["action"], json.dumps(e["after"], sort_keys=True))
        for e in console.audit(env)
        if e["actor"] == "reconciler-bot" and e["action"] not in ("login", "failed_login", "export_record")
    ]


def test_apply_converges_then_plan_shows_no_changes(console, repo, tmp_path, capsys):
    assert cli(repo, tmp_path, "plan", "--detailed-exitcode") == 2
    assert "carla.mendoza" in capsys.readouterr().out
    assert cli(repo, tmp_path, "apply", "--yes") == 0
    out = capsys.readouterr().out
    assert "Applied:" in out and "failed" not in out
    assert cli(repo, tmp_path, "plan", "--detailed-exitcode") == 0
    assert "No changes" in capsys.readouterr().out
    truth = console.truth()
    assert truth["carla.mendoza"]["groups"] == ["Clinical", "Medical Assistant", "Scheduling"]
    assert "tyler.brandt" not in truth or truth["tyler.brandt"]["status"] == "inactive"
    assert console.truth("sandbox")["carla.mendoza"]["status"] == "active"
    assert console.truth()["breakglass.admin"]["groups"] == ["Administrator"]  # protected, untouched


def test_out_of_band_grant_is_reverted(console, repo, tmp_path, capsys):
    assert cli(repo, tmp_path, "apply", "--yes") == 0
    console.change("carla.mendoza", groups=["Administrator", "Clinical", "Medical Assistant", "Scheduling"])
    capsys.readouterr()
    assert cli(repo, tmp_path, "plan", "--detailed-exitcode") == 2
    assert "Administrator" in capsys.readouterr().out
    assert cli(repo, tmp_path, "apply", "--yes") == 0
    assert "Administrator" not in console.truth()["carla.mendoza"]["groups"]


def test_a_stale_saved_plan_is_refused(console, repo, tmp_path, capsys):
    assert cli(repo, tmp_path, "apply", "--yes") == 0
    console.change("carla.mendoza", locations=["Downtown"])
    saved = tmp_path / "plan.json"
    assert cli(repo, tmp_path, "plan", "--out", str(saved)) == 0
    console.change("carla.mendoza", groups=["Billing"])  # someone clicks after the review
    capsys.readouterr()
    assert cli(repo, tmp_path, "apply", "--yes", "--plan", str(saved)) == 1
    assert "plan" in capsys.readouterr().err.lower()
    assert console.truth()["carla.mendoza"]["locations"] == ["Downtown"]  # nothing applied


def _spawn_apply(repo: Path, tmp_path: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reconciler",
            "apply",
            "--yes",
            "--repo",
            str(repo),
            "--state-dir",
            str(tmp_path / "state"),
            "--concurrency",
            "1",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=dict(os.environ),
    )


def test_an_apply_killed_midway_converges_when_run_again_without_repeating_actions(console, repo, tmp_path):
    # Give everyone in the repo something to change, then kill the apply part-way.
    for username in ("carla.mendoza", "marcus.bellamy", "natalie.pruitt", "gregory.sandoval"):
        if username in console.truth():
            console.change(username, locations=["Surgery Center"])
    before = len(robot_changes(console))
    process = _spawn_apply(repo, tmp_path)
    deadline = time.monotonic() + 120
    while len(robot_changes(console)) < before + 2 and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert main(["apply", "--yes", "--repo", str(repo), "--state-dir", str(tmp_path / "state")]) == 0
    assert (
        main(["plan", "--detailed-exitcode", "--repo", str(repo), "--state-dir", str(tmp_path / "state")])
        == 0
    )
    changes = robot_changes(console)[before:]
    assert len(changes) == len(set(changes)), "an action was done twice"


def test_two_applies_on_one_target_never_interleave(console, repo, tmp_path):
    for username in ("carla.mendoza", "marcus.bellamy"):
        console.change(username, locations=["Surgery Center"])
    first, second = _spawn_apply(repo, tmp_path), _spawn_apply(repo, tmp_path)
    results = [(p.wait(timeout=180), p.stderr.read()) for p in (first, second)]
    codes = sorted(code for code, _ in results)
    # Either one ran and the other was refused by the lock, or they ran one after the other
    # (the second then found nothing to do); never both at once.
    assert codes in ([0, 0], [0, 1])
    if codes == [0, 1]:
        assert any("another apply is running" in err for code, err in results if code == 1)
    assert (
        main(["plan", "--detailed-exitcode", "--repo", str(repo), "--state-dir", str(tmp_path / "state")])
        == 0
    )


def test_with_a_ten_percent_error_rate_apply_converges_or_names_the_failures(console, repo, tmp_path, capsys):
    for username in ("carla.mendoza", "marcus.bellamy", "natalie.pruitt"):
        console.change(username, locations=["Northside"], groups=["Billing"])
    console.faults(error_rate=0.1)
    code = cli(repo, tmp_path, "apply", "--yes")
    err = capsys.readouterr().err
    console.faults(error_rate=0)
    assert code in (0, 3), err
    if code == 3:
        assert "FAILED" in err
    else:
        assert cli(repo, tmp_path, "plan", "--detailed-exitcode") == 0
