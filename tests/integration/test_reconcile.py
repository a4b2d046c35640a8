"""reconcile and drift end to end: a real Git access repo, the stand-in console, Chromium.

An out-of-band change by a named console user shows in the committed report under
out-of-band drift, with who and when; reconcile reverts it and the next report says in
sync; nothing committed carries PHI or a secret; the audit trail verifies.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from reconciler.cli import main

pytestmark = pytest.mark.browser


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, text=True).stdout


@pytest.fixture
def access_repo(repo: Path, tmp_path: Path) -> Path:
    # Unmanaged accounts would keep the report "out of sync" by design; ignore them here.
    config = repo / "reconciler.yaml"
    config.write_text(config.read_text().replace("unmanaged: report", "unmanaged: ignore"))
    git(repo, "init", "-q", "-b", "main")
    git(repo, "-c", "user.name=Practice IT", "-c", "user.email=it@example.org", "add", "-A")
    git(
        repo, "-c", "user.name=Practice IT", "-c", "user.email=it@example.org", "commit", "-qm", "access repo"
    )
    return repo


def cli(repo: Path, tmp_path: Path, *args: str) -> int:
    return main([*args, "--repo", str(repo), "--state-dir", str(tmp_path / "state")])


def latest(repo: Path, target: str = "production") -> dict:
    return json.loads((repo / "reports" / target / "latest.json").read_text())


def test_out_of_band_change_is_reported_with_its_author_then_reverted(console, access_repo, tmp_path, capsys):
    repo = access_repo
    assert cli(repo, tmp_path, "reconcile", "--no-pull") == 0
    first = git(repo, "log", "-1", "--format=%s")
    assert first.startswith("drift(")
    assert latest(repo)["summary"]["in_sync"] is False or latest(repo)["summary"]["applied"] > 0

    # A person grants Administrator by hand in the console.
    console.change(
        "carla.mendoza",
        actor="dana.frontoffice",
        groups=["Administrator", "Clinical", "Medical Assistant", "Scheduling"],
    )
    capsys.readouterr()
    assert cli(repo, tmp_path, "drift") == 2
    report = latest(repo)
    drift = [a for a in report["out_of_band"] if a["username"] == "carla.mendoza"]
    assert drift, report["out_of_band"]
    assert any(c["actor"] == "dana.frontoffice" for c in drift[0]["changed_by"])
    markdown = (repo / "reports" / "production" / "latest.md").read_text()
    assert "dana.frontoffice" in markdown
    assert git(repo, "status", "--porcelain") == ""  # the report was committed

    capsys.readouterr()
    assert cli(repo, tmp_path, "reconcile", "--no-pull") == 0
    assert "[drift]" in capsys.readouterr().out  # still drift, not a Git change, one run later
    assert "Administrator" not in console.truth()["carla.mendoza"]["groups"]
    assert cli(repo, tmp_path, "drift") == 0
    assert latest(repo)["summary"]["in_sync"] is True
    assert latest(repo, "sandbox")["summary"]["in_sync"] is True

    # A quiet run changes nothing and commits nothing.
    head = git(repo, "rev-parse", "HEAD")
    assert cli(repo, tmp_path, "drift") == 0
    assert git(repo, "rev-parse", "HEAD") == head

    # The audit trail of real runs verifies; one changed byte is named.
    assert main(["audit", "verify", "--repo", str(repo)]) == 0
    trail = repo / "audit" / "production.jsonl"
    lines = trail.read_text().splitlines()
    lines[0] = lines[0].replace('"verified"', '"verifieD"', 1)
    trail.write_text("\n".join(lines) + "\n")
    capsys.readouterr()
    assert main(["audit", "verify", "--repo", str(repo)]) == 1
    assert "production.jsonl:1" in capsys.readouterr().err


def test_nothing_committed_carries_phi_or_a_secret(console, access_repo, tmp_path, ui):
    repo = access_repo
    assert cli(repo, tmp_path, "reconcile", "--no-pull") == 0
    people = []
    for path in (repo / "users").glob("*.yaml"):
        people += YAML(typ="safe").load(path.read_text())["users"]
    forbidden = {ui.PASSWORD, ui.SECRET}
    for person in people:
        forbidden |= {person["email"], f"{person['first_name']} {person['last_name']}"}
        if person.get("npi"):
            forbidden.add(person["npi"])
    for account in console.truth().values():  # unmanaged people too
        forbidden |= {account["email"], *([account["npi"]] if account["npi"] else [])}
    committed = git(repo, "log", "--format=", "--name-only", "--diff-filter=AM", "HEAD~1..HEAD").split()
    assert committed and all(p.startswith(("reports/", "audit/")) for p in committed)
    for path in committed:
        text = (repo / path).read_text()
        for value in forbidden:
            assert value not in text, f"{value!r} found in {path}"


def test_reconcile_refuses_over_a_persons_uncommitted_change(console, access_repo, tmp_path, capsys):
    repo = access_repo
    people = repo / "users" / "providers.yaml"
    people.write_text(people.read_text() + "\n# work in progress\n")
    capsys.readouterr()
    assert cli(repo, tmp_path, "reconcile", "--no-pull") == 1
    assert "providers.yaml" in capsys.readouterr().err
    assert "work in progress" in people.read_text()
