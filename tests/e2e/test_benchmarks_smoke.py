"""The benchmark harness at tiny sizes, so that it cannot rot. Speed is not checked here."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest

from benchmarks import __main__ as bench
from benchmarks import report
from benchmarks.context import BenchContext
from benchmarks.results import ScenarioResult
from benchmarks.scenarios import apply, load, memory, noop, observe, offboard, plan
from benchmarks.sizes import QUICK

TINY = replace(
    QUICK,
    load=((40, 2),),
    plan_accounts=300,
    observe=(20,),
    console=25,
    apply_changes=2,
    handwritten_concurrency=(1,),
    repeat=1,
    browser_repeat=1,
    naive_repeat=1,
    naive_changes=1,
    warmup=False,
)


@pytest.fixture
def ctx(tmp_path: Path):
    context = BenchContext(TINY, tmp_path, log=False)
    yield context
    context.close()


def _complete(result: ScenarioResult) -> None:
    assert result.samples or result.figures
    assert all(s.values for s in result.samples.values())
    json.dumps(result.as_dict())  # serialisable as it goes into latest.json


def test_load_and_plan(ctx):
    for scenario in (load, plan):
        result = scenario.run(ctx)
        _complete(result)
        assert result.checks


def test_command_line_writes_both_files(tmp_path):
    results = bench.run(["--quick", "--strict", "--only", "plan", "--repeat", "1", "--out", str(tmp_path)])
    assert [r.key for r in results] == ["plan"]
    data = json.loads((tmp_path / "latest.json").read_text())
    assert data["machine"]["cpu_count"] >= 1 and data["machine"]["versions"]["playwright"]
    assert "| plan " in (tmp_path / "latest.md").read_text()


@pytest.mark.browser
def test_observe_and_memory(ctx):
    result = observe.run(ctx)
    _complete(result)
    assert any("ratio" in name for name in result.figures)
    _complete(memory.run(ctx))


@pytest.mark.browser
def test_noop_exits_zero(ctx):
    _complete(noop.run(ctx))


@pytest.mark.browser
def test_apply_against_both_robots(ctx):
    result = apply.run(ctx)
    _complete(result)
    assert {c.target for c in result.checks} == {
        "apply throughput vs hand-written ceiling",
        "apply throughput vs naive robot",
    }


@pytest.mark.browser
def test_offboarding(ctx):
    _complete(offboard.run(ctx))


def test_markdown_lists_every_check():
    result = ScenarioResult("x", "X")
    result.sample("a").add(1.0)
    info = {
        "finished_at": "now", "command": "c", "total_seconds": 1.0, "load_before": "0", "load_after": "0",
        "machine": {"cpu_count": 2, "cpu_model": "", "memory_gib": 1, "platform": "p", "versions": {}},
    }  # fmt: skip
    assert "## X" in report.markdown([result], info)
