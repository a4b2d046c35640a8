"""`python -m benchmarks [--quick] [--only NAME] [--repeat N]`: run every scenario, write results.

Seeds `reconciler sim` (in its own process) for the browser scenarios, and writes
benchmarks/results/latest.md and latest.json (or --out DIR).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from benchmarks import report
from benchmarks.context import BenchContext
from benchmarks.results import ScenarioResult
from benchmarks.scenarios import apply, load, memory, noop, observe, offboard, plan
from benchmarks.sizes import FULL, QUICK

# In this order: pure computation first, then the browser scenarios; memory reads 3 and 5.
SCENARIOS: dict[str, Callable[[BenchContext], ScenarioResult]] = {
    "load": load.run,
    "plan": plan.run,
    "observe": observe.run,
    "noop": noop.run,
    "apply": apply.run,
    "offboard": offboard.run,
    "memory": memory.run,
}
RESULTS = Path(__file__).parent / "results"


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="Tiny sizes: checks the harness, not speed.")
    parser.add_argument("--only", action="append", choices=sorted(SCENARIOS), help="Repeatable.")
    parser.add_argument("--repeat", type=int, help="Runs per scenario (browser ones too).")
    parser.add_argument("--out", type=Path, help="Where latest.md and latest.json go.")
    parser.add_argument("--strict", action="store_true", help="Stop at the first failing scenario.")
    return parser.parse_args(argv)


def load_average() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def run(argv: list[str] | None = None) -> list[ScenarioResult]:
    args = parse(argv)
    sizes = QUICK if args.quick else FULL
    if args.repeat:
        sizes = replace(sizes, repeat=args.repeat, browser_repeat=args.repeat, noop_repeat=args.repeat)
    names = args.only or list(SCENARIOS)
    out = args.out or (RESULTS if not args.quick else Path(tempfile.gettempdir()) / "bench-quick")
    started, load_before = time.perf_counter(), load_average()
    results: list[ScenarioResult] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        ctx = BenchContext(sizes, Path(tmp))
        try:
            for name in SCENARIOS:
                if name not in names:
                    continue
                ctx.say(f"{name} ...")
                begun = time.perf_counter()
                try:
                    result = SCENARIOS[name](ctx)
                except Exception as exc:  # one broken scenario must not lose the others' figures
                    if args.strict:
                        raise
                    result = ScenarioResult(name, f"{name}: FAILED")
                    result.notes.append(f"FAILED: {type(exc).__name__}: {str(exc)[:2000]}")
                    failed.append(name)
                result.seconds = time.perf_counter() - begun
                results.append(result)
                ctx.say(f"{name}: {result.seconds:.0f} s")
                if name == "observe":  # the large practice is no longer needed
                    ctx.stop_console(max(sizes.observe))
        finally:
            ctx.close()
    info = {
        "command": "python -m benchmarks " + " ".join(argv if argv is not None else sys.argv[1:]),
        "finished_at": report.now(),
        "total_seconds": time.perf_counter() - started,
        "load_before": load_before,
        "load_after": load_average(),
        "machine": report.machine(),
        "sizes": {k: v for k, v in vars(sizes).items()},
    }
    report.write(out, results, info)
    print(f"wrote {out / 'latest.md'} and latest.json in {info['total_seconds']:.0f} s")
    if failed:
        print(f"FAILED scenarios: {', '.join(failed)}", file=sys.stderr)
    return results


def main() -> int:
    args = sys.argv[1:]
    results = run(args)
    return 1 if any(r.title.endswith("FAILED") for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
