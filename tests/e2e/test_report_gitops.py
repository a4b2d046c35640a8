"""Reports in a real access repo: committed only when changed, never over a person's work,
nothing but reports/ and audit/ staged, pushed through a concurrent remote commit.

Each run here is what the engine will do, in a few lines: load, plan against the last
report, apply through a MemoryConnector, write the report and audit, commit, push.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.connectors.memory import MemoryConnector
from reconciler.execution import apply
from reconciler.gitops import AccessRepo, GitError
from reconciler.loading import load_repo
from reconciler.model.observed import Account
from reconciler.planning import diff
from reconciler.reporting import (
    ActionClock,
    AuditTrail,
    RunInfo,
    build_report,
    commit_message,
    load_baseline,
    offboarding_candidates,
    offboarding_timings,
    records_for,
    trail_path,
    write_report,
)

BASE = Path(__file__).parents[2] / "tests" / "fixtures" / "base"
TODAY = date(2026, 3, 1)
AUTHOR = "Access Reconciler <robot@test-derm.example>"


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def person_commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(
        repo,
        "-c",
        "user.name=Dana Admin",
        "-c",
        "user.email=dana@test-derm.example",
        "commit",
        "-qm",
        message,
    )
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def remote(tmp_path: Path) -> Path:
    path = tmp_path / "remote.git"
    git(tmp_path, "init", "-q", "--bare", "-b", "main", str(path))
    return path


@pytest.fixture
def repo(tmp_path: Path, remote: Path) -> Path:
    path = tmp_path / "access"
    shutil.copytree(BASE, path)
    config = path / "reconciler.yaml"
    config.write_text(config.read_text() + f'  author: "{AUTHOR}"\n')
    git(path, "init", "-q", "-b", "main")
    person_commit(path, "Access as of March")
    git(path, "remote", "add", "origin", str(remote))
    git(path, "push", "-q", "-u", "origin", "main")
    return path


def console(accounts: list[Account]) -> MemoryConnector:
    return MemoryConnector({"production": accounts, "sandbox": []})


def synced_accounts() -> list[Account]:
    return [
        Account(username="ada.lovelace", status="active", user_type="provider", npi="1234567893",
                first_name="Ada", last_name="Lovelace", email="ada.lovelace@test-derm.example",
                groups=("Clinical", "Provider", "Scheduling"), locations=("Main Clinic",)),
        Account(username="grace.hopper", status="active", first_name="Grace", last_name="Hopper",
                email="grace.hopper@test-derm.example", groups=("Clinical", "Medical Assistant"),
                locations=("Main Clinic",)),
        Account(username="alan.turing", status="inactive", first_name="Alan", last_name="Turing",
                email="alan.turing@test-derm.example"),
        Account(username="reconciler-bot", status="active", groups=("Administrator",)),
    ]  # fmt: skip


def reconcile(repo: Path, connector: MemoryConnector, at: datetime, push: bool = False) -> str | None:
    """One run of production, end to end; returns the report commit (None: nothing new)."""
    access = AccessRepo(repo)
    desired = load_repo(repo, today=TODAY).desired
    settings = desired.config.report
    observed = {"production": asyncio.run(connector.observe("production"))}
    observed["production"] = observed["production"].model_copy(update={"observed_at": at})
    baseline = load_baseline(repo, "production", report_dir=settings.dir, current=observed["production"])
    plan = diff(desired, observed, {"production": baseline} if baseline else None, today=TODAY)
    clock = ActionClock(now=lambda: at)
    result = asyncio.run(
        apply(plan, connector, journal_path=repo.parent / "state" / "j.jsonl", on_progress=clock)
    )
    target = plan.target("production")
    requests = access.offboarding_requests(offboarding_candidates(target))
    run = RunInfo(
        started_at=at, finished_at=at, observed_at=at, desired_commit=access.head_sha(),
        plan_checksum=plan.checksum, reconciler_version="test",
    )  # fmt: skip
    report = build_report(
        target, observed["production"], run, result=result,
        offboarding=offboarding_timings(target, requests, result, finished_at=at, times=clock.times),
    )  # fmt: skip
    written = write_report(repo, report, report_dir=settings.dir)
    trail = trail_path(repo, settings.audit, "production")
    AuditTrail(trail).extend(
        records_for(result, target="production", desired_commit=run.desired_commit, at=at, times=clock.times)
    )
    sha = access.commit_reports([*written.paths, trail], commit_message([report]), settings.author)
    if push:
        access.push()
    return sha


def committed_files(repo: Path, sha: str) -> list[str]:
    return git(repo, "show", "--name-only", "--format=", sha).splitlines()


T1 = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
T2 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)


def test_a_run_commits_its_report_and_a_second_identical_run_makes_no_commit(repo):
    connector = console(synced_accounts())
    first = reconcile(repo, connector, T1)
    assert first is not None
    assert git(repo, "log", "-1", "--format=%an <%ae>|%cn|%s", first) == (
        f"{AUTHOR}|Access Reconciler|drift(production): 0 pending, 0 out-of-band, 0 failed"
    )
    assert reconcile(repo, connector, T2) is None
    assert git(repo, "rev-parse", "HEAD") == first
    assert len(list((repo / "reports" / "production" / "history").iterdir())) == 1
    assert git(repo, "status", "--porcelain") == ""


def test_only_reports_and_audit_are_ever_committed(repo):
    connector = console(synced_accounts())
    connector.accounts["production"].pop("ada.lovelace")  # an account to create: an audit entry
    sha = reconcile(repo, connector, T1)
    files = committed_files(repo, sha)
    assert "reports/production/latest.md" in files and "audit/production.jsonl" in files
    assert all(f.startswith(("reports/", "audit/")) for f in files)
    assert {f.split("/")[-1] for f in files} >= {"latest.json", "production.jsonl"}
    with pytest.raises(GitError, match="commits only reports/, audit/"):
        AccessRepo(repo).commit_reports([repo / "users" / "people.yaml"], "x", AUTHOR)


def test_a_persons_uncommitted_change_is_refused_and_left_alone(repo):
    people = repo / "users" / "people.yaml"
    people.write_text(people.read_text().replace("Main Clinic", "Downtown", 1))
    head = git(repo, "rev-parse", "HEAD")
    with pytest.raises(GitError, match=r"uncommitted changes outside reports/, audit/ \(users/people.yaml\)"):
        reconcile(repo, console(synced_accounts()), T1)
    assert git(repo, "rev-parse", "HEAD") == head
    assert "Downtown" in people.read_text()


def test_a_persons_staged_or_new_file_is_refused_too(repo):
    (repo / "users" / "new.yaml").write_text("users: []\n")
    with pytest.raises(GitError, match=r"users/new\.yaml"):
        AccessRepo(repo).ensure_no_foreign_changes("commit the report")
    git(repo, "add", "users/new.yaml")
    assert AccessRepo(repo).is_dirty()
    assert not AccessRepo(repo).is_dirty(["reports"])


def test_drift_is_committed_and_the_report_becomes_the_baseline(repo):
    connector = console(synced_accounts())
    reconcile(repo, connector, T1)
    # Someone grants Billing by hand; the next run reverts it and calls it out-of-band.
    grace = connector.account("production", "grace.hopper")
    connector.accounts["production"]["grace.hopper"] = grace.model_copy(
        update={"groups": ("Billing", *grace.groups)}
    )
    sha = reconcile(repo, connector, T2)
    assert (
        git(repo, "log", "-1", "--format=%s", sha) == "drift(production): 0 pending, 1 out-of-band, 0 failed"
    )
    assert (
        "| grace.hopper | revoke groups | -Billing | verified |"
        in (repo / "reports/production/latest.md").read_text()
    )
    assert main(["audit", "verify", "--repo", str(repo)]) == 0


def test_offboarding_time_runs_from_the_commit_that_asked_for_it(repo):
    people = repo / "users" / "people.yaml"
    text = people.read_text()
    people.write_text(text.replace("    state: offboarded\n", ""))  # alan still active at first
    person_commit(repo, "Alan is back")
    alan = Account(
        username="alan.turing",
        status="active",
        email="alan.turing@test-derm.example",
        first_name="Alan",
        last_name="Turing",
        groups=("Clinical", "Medical Assistant"),
    )
    connector = console([*(a for a in synced_accounts() if a.username != "alan.turing"), alan])
    people.write_text(text)
    asked = person_commit(repo, "Offboard alan.turing")
    requested_at = AccessRepo(repo).commit_time(asked)
    at = requested_at.replace(microsecond=0) + (T2 - T1)
    reconcile(repo, connector, at)
    latest = (repo / "reports/production/latest.md").read_text()
    assert f"| alan.turing | `{asked[:12]}` |" in latest
    assert "| 60 |" in latest
    assert AccessRepo(repo).offboarding_requests(["alan.turing", "grace.hopper"])["alan.turing"].sha == asked


def test_push_rebases_over_a_concurrent_remote_commit(repo, remote, tmp_path):
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    (other / "README.md").write_text("Lakeshore access repo\n")
    person_commit(other, "Add a README")
    git(other, "push", "-q", "origin", "main")

    sha = reconcile(repo, console(synced_accounts()), T1, push=True)
    assert sha is not None
    remote_log = git(remote, "log", "--format=%s", "main").splitlines()
    assert remote_log[:2] == ["drift(production): 0 pending, 0 out-of-band, 0 failed", "Add a README"]
    assert git(repo, "rev-parse", "HEAD") == git(remote, "rev-parse", "main")
    assert git(repo, "log", "--merges", "--format=%H") == ""  # rebased, not merged


def test_a_report_conflict_on_push_keeps_this_runs_report(repo, remote, tmp_path):
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    (other / "reports" / "production").mkdir(parents=True)
    (other / "reports" / "production" / "latest.md").write_text("an older run's report\n")
    person_commit(other, "drift(production): from another runner")
    git(other, "push", "-q", "origin", "main")

    reconcile(repo, console(synced_accounts()), T1, push=True)
    shown = git(remote, "show", "main:reports/production/latest.md")
    assert shown.startswith("# Access drift report: production")


def test_pull_takes_the_remote_changes(repo, remote, tmp_path):
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    (other / "README.md").write_text("hello\n")
    person_commit(other, "Add a README")
    git(other, "push", "-q", "origin", "main")
    assert AccessRepo(repo).pull() is True
    assert (repo / "README.md").read_text() == "hello\n"


def test_without_a_remote_push_and_pull_do_nothing(repo):
    git(repo, "remote", "remove", "origin")
    access = AccessRepo(repo)
    assert access.pull() is False and access.push() is False


def test_an_audit_trail_outside_the_repo_is_not_committed(repo, tmp_path):
    access = AccessRepo(repo)
    assert access.contains(repo / "audit" / "production.jsonl")
    assert not access.contains(tmp_path / "elsewhere" / "production.jsonl")
    with pytest.raises(GitError, match="outside the access repo"):
        access.commit_reports([tmp_path / "elsewhere" / "production.jsonl"], "x", AUTHOR)


def test_not_a_git_repo_is_a_clear_error(tmp_path):
    with pytest.raises(GitError, match="is not a Git repository"):
        AccessRepo(tmp_path)


def push_a_remote_commit(remote: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    git(tmp_path, "clone", "-q", str(remote), str(other))
    (other / "README.md").write_text("moved on\n")
    person_commit(other, "Someone else got there first")
    git(other, "push", "-q", "origin", "main")


def test_push_gives_up_after_a_bounded_number_of_rejections(repo, remote, tmp_path, monkeypatch):
    push_a_remote_commit(remote, tmp_path)
    reconcile(repo, console(synced_accounts()), T1)
    access = AccessRepo(repo)
    fetches = []
    # A remote that moves again before every retry: fetching never catches up.
    monkeypatch.setattr(access, "_fetch", lambda remote, branch: fetches.append(branch) or True)
    with pytest.raises(GitError, match="rejected 3 times"):
        access.push(attempts=3)
    assert len(fetches) == 2  # a fetch and rebase between attempts, none after the last


def test_a_push_refused_for_another_reason_is_not_retried(repo, remote, tmp_path):
    hook = remote / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'protected branch' >&2\nexit 1\n")
    hook.chmod(0o755)
    reconcile(repo, console(synced_accounts()), T1)
    with pytest.raises(GitError, match=r"push to origin/main failed: .*protected branch"):
        AccessRepo(repo).push()
