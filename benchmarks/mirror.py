"""An access repo that declares exactly what a seeded console holds (so a plan is empty).

Read from the simulator's ground truth: every active or suspended person becomes a
user (in every environment they have an account in), with one role bundle per distinct
set of permission groups. Inactive and locked accounts are left out (`unmanaged: ignore`),
the robot is protected, and the safety caps are raised so that benchmarks measure work,
not refusals. Credentials are environment variable *names*; `credentials_env` fills them.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from benchmarks.console import PASSWORD, ROBOT, SECRET, Console

DECLARED = ("active", "suspended")
PER_FILE = 100


@dataclass
class Person:
    """One user entry of the repo (what users/*.yaml will say)."""

    username: str
    first_name: str
    last_name: str
    email: str
    user_type: str
    npi: str | None
    groups: tuple[str, ...]
    locations: tuple[str, ...]
    environments: list[str] = field(default_factory=list)
    state: str = "active"
    transfer_to: str | None = None


def env_prefix(env: str) -> str:
    return f"BENCH_{env.upper()}"


def credentials_env(envs: Iterable[str]) -> dict[str, str]:
    """Environment variables holding the robot's login, as the generated reconciler.yaml names them."""
    out: dict[str, str] = {}
    for env in envs:
        prefix = env_prefix(env)
        out |= {f"{prefix}_USERNAME": ROBOT, f"{prefix}_PASSWORD": PASSWORD, f"{prefix}_TOTP_SECRET": SECRET}
    return out


def people_from_truth(truth: Mapping[str, list[dict[str, Any]]]) -> dict[str, Person]:
    """Every declarable person (active or suspended, not the robot), keyed by username."""
    people: dict[str, Person] = {}
    for env, accounts in truth.items():
        for a in accounts:
            if a["username"] == ROBOT or a["status"] not in DECLARED:
                continue
            person = people.get(a["username"])
            if person is None:
                person = people[a["username"]] = Person(
                    username=a["username"],
                    first_name=a["first_name"],
                    last_name=a["last_name"],
                    email=a["email"],
                    user_type=a["user_type"],
                    npi=a["npi"] or None,
                    groups=tuple(sorted(a["groups"])),
                    locations=tuple(sorted(a["locations"])),
                    state=a["status"],
                )
            person.environments.append(env)
    return people


def role_name(groups: tuple[str, ...]) -> str:
    return (
        "g-" + "-".join(re.sub(r"[^a-z0-9]+", "-", g.lower()).strip("-") for g in groups)
        if groups
        else "none"
    )


def write_repo(dest: Path, console: Console, people: Mapping[str, Person], envs: Iterable[str]) -> Path:
    """Write reconciler.yaml, roles.yaml and users/*.yaml for `people`, and commit them to Git."""
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "users").mkdir(parents=True)
    (dest / "reconciler.yaml").write_text(_config(console, list(envs)))
    bundles = sorted({p.groups for p in people.values()})
    roles = ["roles:"]
    for groups in bundles:
        roles += [
            f"  {role_name(groups)}:",
            "    user_types: [provider, staff]",
            f"    groups: {json.dumps(list(groups) or ['Scheduling'])}",
        ]
    (dest / "roles.yaml").write_text("\n".join(roles) + "\n")
    write_users(dest, people)
    commit(dest, "declare the seeded console")
    return dest


def write_users(dest: Path, people: Mapping[str, Person]) -> None:
    """(Re)write users/*.yaml, PER_FILE people a file, in username order."""
    for old in (dest / "users").glob("*.yaml"):
        old.unlink()
    ordered = sorted(people.values(), key=lambda p: p.username)
    for start in range(0, len(ordered), PER_FILE):
        lines = ["users:"]
        for p in ordered[start : start + PER_FILE]:
            lines += _user_lines(p)
        (dest / "users" / f"team-{start // PER_FILE:03d}.yaml").write_text("\n".join(lines) + "\n")


def _user_lines(p: Person) -> list[str]:
    q = json.dumps  # JSON strings are valid YAML scalars, and quote names like O'Brien
    lines = [
        f"  - username: {q(p.username)}",
        f"    first_name: {q(p.first_name)}",
        f"    last_name: {q(p.last_name)}",
        f"    email: {q(p.email)}",
        f"    user_type: {p.user_type}",
    ]
    if p.npi:
        lines.append(f"    npi: {q(p.npi)}")
    if p.groups:
        lines.append(f"    roles: [{role_name(p.groups)}]")
    lines += [f"    locations: {q(list(p.locations))}", f"    environments: {q(p.environments)}"]
    if p.state != "active":
        lines.append(f"    state: {p.state}")
    if p.transfer_to:
        lines.append(f"    transfer_to: {q(p.transfer_to)}")
    return lines


def _config(console: Console, envs: list[str]) -> str:
    lines = ["version: 1", f"practice: {console.practice}", "targets:"]
    for env in envs:
        prefix = env_prefix(env)
        lines += [
            f"  {env}:",
            "    kind: modmed",
            f"    base_url: {console.base(env)}",
            f"    practice: {console.practice}",
            "    credentials:",
            f"      username_env: {prefix}_USERNAME",
            f"      password_env: {prefix}_PASSWORD",
            f"      totp_secret_env: {prefix}_TOTP_SECRET",
            "    mode: enforce",
            "    unmanaged: ignore",
            f"    protected: [{ROBOT}]",
            "    safety: {max_deactivate_pct: 100, max_deactivate: 100000, max_changes: 100000}",
        ]
    lines += ["report:", "  commit: false"]
    return "\n".join(lines) + "\n"


def commit(repo: Path, message: str) -> None:
    """Commit everything in `repo` (initialising it the first time)."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
        ).stdout

    if not (repo / ".git").exists():
        git("init", "-q", "-b", "main")
        git("config", "user.email", "bench@localhost")
        git("config", "user.name", "bench")
    git("add", "-A")
    git("commit", "-q", "--allow-empty", "-m", message)


@dataclass
class Declared:
    """A running console and an access repo (a Git repo) that declares exactly its state."""

    console: Console
    people: dict[str, Person]
    repo: Path
    envs: tuple[str, ...]

    def env(self) -> dict[str, str]:
        """os.environ plus the robot's credentials, for reconciler subprocesses."""
        import os

        return dict(os.environ, **credentials_env(self.envs))


def declared(console: Console, dest: Path, envs: tuple[str, ...] = ("production", "sandbox")) -> Declared:
    """Read the console's ground truth and write the repo that declares it."""
    truth = {env: console.truth(env) for env in envs}
    people = people_from_truth(truth)
    return Declared(console, people, write_repo(dest, console, people, envs), envs)


def undo_last_commit(repo: Path) -> None:
    subprocess.run(["git", "-C", str(repo), "reset", "-q", "--hard", "HEAD~1"], check=True)
