"""The demo's story: adopt the example access repo, then live through two everyday events.

1. The console as it is today: a seeded practice on a free local port.
2. The access repo: the example copied into a new Git repo, pointed at that console.
3. validate, plan, apply: the console is made to match Git.
4. Someone grants Administrator by hand in the console (out-of-band drift).
5. A pull request offboards a medical assistant who still has open work.
6. reconcile: reverts the drift, transfers the work, archives, deactivates in production
   and the sandbox, and commits the drift report.
Each step runs the same command a practice would type.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.markdown import Markdown
from rich.rule import Rule

from reconciler.demo.console import DemoConsole, start

EXAMPLE = Path(__file__).parents[2] / "examples" / "access-repo"
PRACTICE = "lakeshore-derm"
DRIFTER = "marcus.bellamy"  # gets Administrator by hand
CLICKER = "dana.whitaker"  # the console user who grants it
LEAVER = "lucia.ferreira"  # a medical assistant in production and the sandbox
SUCCESSOR = "carla.mendoza"

Run = Callable[[list[str]], int]


def _git(repo: Path, *args: str) -> None:
    author = ["-c", "user.name=Practice IT", "-c", "user.email=it@lakeshore-derm.example"]
    subprocess.run(["git", "-C", str(repo), *author, *args], check=True, capture_output=True)


def _make_repo(workdir: Path, console: DemoConsole) -> Path:
    repo = workdir / "access-repo"
    shutil.copytree(EXAMPLE, repo)
    config = repo / "reconciler.yaml"
    text = config.read_text(encoding="utf-8")
    text = text.replace("https://lakeshore-derm.ema.md", console.base("production"))
    text = text.replace("https://lakeshore-derm-training.ema.md", console.base("sandbox"))
    config.write_text(text, encoding="utf-8")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "Access repo for Lakeshore Dermatology (from the example)")
    return repo


def _offboard(repo: Path) -> None:
    """The pull request: natalie.pruitt leaves; her open work goes to carla.mendoza."""
    path = repo / "users" / "clinical-staff.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out, inside = [], False
    for line in lines:
        if line.strip().startswith("- username:"):
            inside = line.split(":", 1)[1].strip() == LEAVER
        out.append(line)
        if inside and line.strip().startswith("user_type:"):
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}state: offboarded   # last day 2026-12-04\n")
            out.append(f"{indent}transfer_to: {SUCCESSOR}\n")
    path.write_text("".join(out), encoding="utf-8")
    _git(repo, "checkout", "-qb", f"offboard-{LEAVER}")
    _git(repo, "commit", "-qam", f"Offboard {LEAVER} (last day today)")
    _git(repo, "checkout", "-q", "main")
    _git(repo, "merge", "-q", "--no-ff", f"offboard-{LEAVER}", "-m", f"Merge pull request: offboard {LEAVER}")


def tell(console: Console, title: str, text: str) -> None:
    console.print()
    console.print(Rule(f"[bold]{title}"))
    console.print(text, highlight=False)


def run_demo(run: Run, keep: bool = False, out: Console | None = None, workdir: Path | None = None) -> int:
    out = out or Console()
    workdir = workdir or Path(tempfile.mkdtemp(prefix="reconciler-demo-"))
    console = start(workdir / "console-data", PRACTICE, users=6, seed=7)
    try:
        for env in ("production", "sandbox"):  # every real practice has one
            console.change(
                env,
                "breakglass.admin",
                actor="it.admin",
                first_name="Break",
                last_name="Glass",
                email="breakglass@lakeshore-derm.example",
                user_type="staff",
                groups=["Administrator"],
                locations=["Main Clinic"],
            )
        repo = _make_repo(workdir, console)
        for env in ("PROD", "SANDBOX"):
            os.environ[f"MODMED_{env}_USERNAME"] = console.username
            os.environ[f"MODMED_{env}_PASSWORD"] = console.password
            os.environ[f"MODMED_{env}_TOTP_SECRET"] = console.totp_secret
        common = ["--repo", str(repo), "--state-dir", str(workdir / "state")]

        tell(
            out,
            "1. Your access repo",
            f"Who should have access lives in Git: {repo}\n"
            "reconciler validate checks it before anything touches the console.",
        )
        if run(["validate", "--repo", str(repo)]) != 0:
            return 1
        tell(
            out,
            "2. What would change",
            "reconciler plan reads the console through the browser and "
            "compares it with Git. It never changes anything.",
        )
        run(["plan", *common])
        tell(
            out,
            "3. Make the console match Git",
            "reconciler apply makes each change through the "
            "console's own pages, and checks each one by reading it back.",
        )
        code = run(["apply", "--yes", *common])
        if code != 0:
            return code
        tell(
            out,
            "3b. Record where we stand",
            "reconciler drift reads the console again and commits the first drift report to Git: "
            "from now on, any difference the console shows that Git did not ask for is out-of-band drift.",
        )
        run(["drift", *common])

        tell(
            out,
            "4. Someone changes access by hand",
            f"{CLICKER} grants Administrator to {DRIFTER} in the console, outside Git.\n"
            f"Meanwhile {LEAVER}, a medical assistant, is leaving with open work assigned.",
        )
        granted = sorted({*console.groups_of("production", DRIFTER), "Administrator"})
        console.change("production", DRIFTER, actor=CLICKER, groups=granted)
        for env in ("production", "sandbox"):
            console.change(
                env, LEAVER, actor="ema.scheduler", open_work={"open_tasks": 3, "future_appointments": 4}
            )

        tell(
            out,
            "5. A pull request offboards the leaver",
            f"users/clinical-staff.yaml: {LEAVER} gets state: offboarded, transfer_to: {SUCCESSOR}. "
            "Reviewed and merged.",
        )
        _offboard(repo)

        tell(
            out,
            "6. The scheduled run: reconciler reconcile",
            "Reverts the hand-made grant, transfers the open work, archives the record, removes "
            "access and deactivates the account in production and the sandbox, then commits the "
            "drift report to Git.",
        )
        code = run(["reconcile", "--no-pull", *common])
        report = repo / "reports" / "production" / "latest.md"
        if report.exists():
            tell(out, "7. The drift report (reports/production/latest.md)", "")
            out.print(Markdown(report.read_text(encoding="utf-8")))
        tell(
            out,
            "Done",
            f"The access repo, with its history and reports: {repo}\n"
            f"  git -C {repo} log --oneline\n"
            "Production stays 'out of sync' only because of its unmanaged accounts: people in the "
            "console whom no users/*.yaml file declares (reconciler.yaml says `unmanaged: report`). "
            "Declare them (`reconciler import` writes the YAML), or set `unmanaged: suspend`.",
        )
        if keep:
            out.print(
                f"\nThe console keeps running: {console.base('production')}/login\n"
                f"  username {console.username}  password {console.password}\n"
                f"  TOTP secret {console.totp_secret}\nPress Ctrl-C to stop it."
            )
            console.thread.join()
        return code
    finally:
        if not keep:
            console.stop()
