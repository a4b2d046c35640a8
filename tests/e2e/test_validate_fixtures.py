"""Every broken access repo in tests/fixtures/invalid/ gets exactly its finding, with position."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reconciler.cli import main

FIXTURES = Path(__file__).parents[1] / "fixtures"
CASES = sorted(p.name for p in (FIXTURES / "invalid").iterdir() if p.is_dir())


def materialise(case: str, dest: Path) -> Path:
    """The base repo with the case's files laid over it and its `delete` list removed."""
    repo = dest / case
    shutil.copytree(FIXTURES / "base", repo)
    case_dir = FIXTURES / "invalid" / case
    for path in case_dir.rglob("*"):
        relative = path.relative_to(case_dir)
        if path.is_file() and relative.parts[0] not in ("expected", "delete"):
            (repo / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy(path, repo / relative)
    deletions = case_dir / "delete"
    for line in deletions.read_text().split() if deletions.exists() else []:
        target = repo / line
        shutil.rmtree(target) if target.is_dir() else target.unlink()
    return repo


def test_there_are_at_least_25_broken_repos():
    assert len(CASES) >= 25


def test_base_repo_is_valid(capsys):
    assert main(["validate", "--repo", str(FIXTURES / "base")]) == 0
    assert "0 errors, 0 warnings" in capsys.readouterr().out


@pytest.mark.parametrize("case", CASES)
def test_broken_repo_reports_its_exact_finding(case, tmp_path, capsys):
    expected = (FIXTURES / "invalid" / case / "expected").read_text().splitlines()
    repo = materialise(case, tmp_path)
    code = main(["validate", "--repo", str(repo)])
    out = capsys.readouterr()
    findings = [line for line in out.out.splitlines() if ": error: " in line or ": warning: " in line]
    assert findings == expected
    has_errors = any(": error: " in line for line in expected)
    assert code == (1 if has_errors else 0)
