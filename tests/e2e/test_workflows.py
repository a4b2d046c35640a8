"""Every GitHub Actions workflow we ship passes actionlint: the project's CI and the
templates for access repos. And the check really fails on a broken workflow."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
WORKFLOWS = sorted(
    [*ROOT.glob(".github/workflows/*.yml"), *ROOT.glob("examples/access-repo/.github/workflows/*.yml")]
)


def actionlint() -> str:
    # The dev extra installs it next to this Python; a missing linter must fail, not skip.
    beside = Path(sys.executable).parent / "actionlint"
    found = str(beside) if beside.exists() else shutil.which("actionlint")
    assert found, "actionlint is not installed: pip install -e '.[dev]'"
    return found


def lint(path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [actionlint(), "-no-color", "-oneline", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def test_the_workflows_we_ship_are_all_here():
    names = {p.relative_to(ROOT).as_posix() for p in WORKFLOWS}
    assert {
        ".github/workflows/ci.yml",
        "examples/access-repo/.github/workflows/pull-request.yml",
        "examples/access-repo/.github/workflows/reconcile.yml",
    } <= names


@pytest.mark.parametrize("path", WORKFLOWS, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_workflow_passes_actionlint(path: Path):
    result = lint(path)
    assert result.returncode == 0, result.stdout + result.stderr


def test_actionlint_fails_on_a_broken_workflow(tmp_path: Path):
    broken = tmp_path / ".github" / "workflows" / "broken.yml"
    broken.parent.mkdir(parents=True)
    broken.write_text(
        "on: push\n"
        "jobs:\n"
        "  test:\n"
        "    runs-on: ubuntu-latest\n"
        "    steps:\n"
        "      - uses: actions/checkout@v4\n"
        "      - run: echo ${{ matrix.target }}\n"  # no matrix here
        "        concurrency: nope\n"  # not a step key
    )
    result = lint(broken)
    assert result.returncode == 1, result.stdout + result.stderr
    assert "broken.yml:7:" in result.stdout and "broken.yml:8:" in result.stdout  # both mistakes


def test_the_reconcile_template_never_overlaps_runs_on_one_target():
    text = (ROOT / "examples/access-repo/.github/workflows/reconcile.yml").read_text()
    assert "group: reconcile-${{ matrix.target }}" in text
    assert "cancel-in-progress: false" in text
    assert 'reconciler reconcile "${args[@]}"' in text and '--target "$TARGET"' in text
