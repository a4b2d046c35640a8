"""latest.md and latest.json: every scenario's medians, spreads, ratios and target checks."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.results import ScenarioResult

PACKAGES = ("modmed-access-reconciler", "playwright", "pydantic", "ruamel.yaml", "PyYAML", "fastapi",
            "uvicorn", "httpx")  # fmt: skip


def machine() -> dict[str, Any]:
    """CPU count, CPU model, memory, load, and the versions everything ran with."""
    from reconciler.connectors.chromium import find_chromium

    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        model = next((ln.split(":", 1)[1].strip() for ln in cpuinfo.read_text().splitlines()
                      if ln.startswith("model name")), "")  # fmt: skip
    chromium = find_chromium()
    versions: dict[str, str] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    versions["chromium"] = _output([chromium, "--version"]) if chromium else "not found"
    versions["git commit"] = _output(
        ["git", "-C", str(Path(__file__).parent), "rev-parse", "--short", "HEAD"]
    )
    return {
        "cpu_count": os.cpu_count(),
        "cpu_model": model,
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "platform": platform.platform(),
        "versions": versions,
    }


def _output(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=30).stdout.strip()
    except OSError:
        return "unknown"


def write(out: Path, results: list[ScenarioResult], info: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    data = {**info, "scenarios": [r.as_dict() for r in results]}
    (out / "latest.json").write_text(json.dumps(data, indent=2) + "\n")
    (out / "latest.md").write_text(markdown(results, info))


def markdown(results: list[ScenarioResult], info: dict[str, Any]) -> str:
    m = info["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {info['finished_at']} with `{info['command']}` in {info['total_seconds']:.0f} s.",
        f"Machine: {m['cpu_count']} CPUs ({m['cpu_model'] or 'unknown model'}), {m['memory_gib']} GiB,"
        f" {m['platform']}; load average {info['load_before']} before, {info['load_after']} after"
        " (the machine is shared: read the ratios and CPU times, not the absolute wall times).",
        "Versions: " + ", ".join(f"{k} {v}" for k, v in m["versions"].items()) + ".",
        "",
        "Every figure is the median of the runs, with the range (min-max) and n;"
        " ratios are ratios of medians measured in the same run.",
        "",
        "## Targets",
        "",
        "| target | limit | measured | met |",
        "| --- | --- | --- | --- |",
    ]
    for r in results:
        for c in r.checks:
            sign = "<=" if c.at_most else ">="
            lines.append(f"| {c.target} | {sign} {c.limit:g} {c.unit} | {c.measured:.2f} {c.unit} |"
                         f" {'yes' if c.met else '**no**'} |")  # fmt: skip
    for r in results:
        lines += ["", f"## {r.title}", "", f"_{r.seconds:.0f} s to run, set-up included._", ""]
        if r.samples:
            lines += ["| measured | median | min-max | spread | n |", "| --- | --- | --- | --- | --- |"]
            for name, s in r.samples.items():
                if s.values:
                    lines.append(f"| {name} | {_num(s.median)} {s.unit} | {_num(s.low)}-{_num(s.high)} |"
                                 f" {s.spread_pct:.0f}% | {len(s.values)} |")  # fmt: skip
            lines.append("")
        if r.figures:
            lines += ["| figure | value |", "| --- | --- |"]
            lines += [f"| {name} | {_num(value)} |" for name, value in r.figures.items()]
            lines.append("")
        lines += [f"- {note}" for note in r.notes]
    return "\n".join(lines).rstrip() + "\n"


def _num(value: float) -> str:
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3f}" if abs(value) < 1 else f"{value:.2f}"


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
