"""The access repo as a Git repository: the only module that imports `git` (GitPython).

Owns: reading HEAD, refusing to work over a person's uncommitted changes, committing the
reconciler's own files (drift reports and the audit trail) and nothing else, pulling
and pushing with a bounded rebase-and-retry on a non-fast-forward, and reading history
for offboarding times (which commit asked for an offboarding).

Must not import reporting (a sibling layer): the engine passes report paths, messages
and authors in, and hands commit times to reporting as plain data.

Decisions worth knowing:
- Only paths under the managed folders (`reports/`, `audit/` by default) are ever
  staged, and the commit names them explicitly (`git commit --only -- <paths>`), so
  even something a person staged by hand cannot ride along.
- A person's uncommitted change anywhere else (modified, staged, or a new untracked
  file) makes commit, pull and push refuse with the list of files: the report would
  describe a desired state that is in no commit, and a rebase would trip over it.
- Hooks are skipped for report commits (`--no-verify`): they hold only files the
  reconciler wrote, and a repo's pre-commit hook must not block the audit evidence.
- On a rejected push the report commit is rebased onto the remote branch and pushed
  again, at most `attempts` times. A rebase conflict in a report file keeps this run's
  version (it is the newer observation); a conflict anywhere else aborts the rebase.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path, PurePosixPath
from typing import NamedTuple

import git
import yaml

from reconciler.errors import ReconcilerError

MANAGED = ("reports", "audit")
_AUTHOR = re.compile(r"^\s*(?P<name>[^<>]+?)\s*<(?P<email>[^<>\s]+)>\s*$")
# Words git prints when a push is refused because the remote moved on.
_REJECTED = ("non-fast-forward", "fetch first", "[rejected]")


class GitError(ReconcilerError):
    """A Git operation on the access repo failed or was refused."""


class CommitRef(NamedTuple):
    """A commit and when it was committed (UTC-aware)."""

    sha: str
    at: datetime


DEFAULT_IDENTITY = "Access Reconciler <access-reconciler@localhost>"


class AccessRepo:
    """One access repo checkout. `managed` are the folders the reconciler may commit."""

    def __init__(
        self, path: Path, managed: Iterable[str] = MANAGED, identity: str = DEFAULT_IDENTITY
    ) -> None:
        # Who commits when a rebase replays the report commit: the robot (report.author),
        # never whoever happens to run CI, and it works where git has no identity set.
        self.identity = identity
        try:
            self.repo = git.Repo(path)
        except (git.InvalidGitRepositoryError, git.NoSuchPathError):
            raise GitError(
                f"{path} is not a Git repository; reports are committed to the access repo"
            ) from None
        if self.repo.working_tree_dir is None:
            raise GitError(f"{path} is a bare repository; the reconciler needs a checkout")
        self.root = Path(self.repo.working_tree_dir)
        self.managed = tuple(_clean_rel(m) for m in managed)

    # -- reading ----------------------------------------------------------------------

    def head_sha(self) -> str | None:
        """The commit checked out, or None in a repo without commits yet."""
        try:
            return self.repo.head.commit.hexsha
        except ValueError:
            return None

    def commit_time(self, sha: str) -> datetime:
        return self.repo.commit(sha).committed_datetime.astimezone(UTC)

    def changes(self) -> list[str]:
        """Every path with an uncommitted change (staged, unstaged or untracked), sorted.

        `git status --porcelain -z` with untracked files listed one by one; renames
        list the new path.
        """
        out = self.repo.git.status("--porcelain=v1", "-z", "--untracked-files=all")
        paths: list[str] = []
        fields = iter(out.split("\0"))
        for entry in fields:
            if not entry:
                continue
            status, path = entry[:2], entry[3:]
            paths.append(path)
            if "R" in status or "C" in status:
                next(fields, None)  # the rename's source path follows
        return sorted(set(paths))

    def is_managed(self, path: str) -> bool:
        parts = PurePosixPath(path).parts
        return any(parts[: len(PurePosixPath(m).parts)] == PurePosixPath(m).parts for m in self.managed)

    def foreign_changes(self) -> list[str]:
        """Uncommitted changes outside the managed folders: a person's work in progress."""
        return [p for p in self.changes() if not self.is_managed(p)]

    def is_dirty(self, paths: Iterable[str] | None = None) -> bool:
        """True when any of `paths` (default: anything outside the managed folders) has changes."""
        if paths is None:
            return bool(self.foreign_changes())
        wanted = [_clean_rel(p) for p in paths]
        return any(c == w or c.startswith(w.rstrip("/") + "/") for c in self.changes() for w in wanted)

    def ensure_no_foreign_changes(self, doing: str) -> None:
        """Refuse (GitError) when a person has uncommitted changes outside the managed folders."""
        foreign = self.foreign_changes()
        if foreign:
            shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
            raise GitError(
                f"refusing to {doing}: {self.root} has uncommitted changes outside "
                f"{', '.join(m + '/' for m in self.managed)} ({shown}); commit or stash them first"
            )

    # -- committing -------------------------------------------------------------------

    def commit_reports(self, paths: Iterable[Path | str], message: str, author: str) -> str | None:
        """Commit exactly `paths` (files or folders under the managed folders).

        Returns the new commit's sha, or None (and makes no commit) when none of them
        changed. `author` is "Name <email>" (reconciler.yaml `report.author`); it is the
        committer too, so the history names the robot, not whoever runs CI.
        """
        rel = [self._relative(p) for p in paths]
        outside = [p for p in rel if not self.is_managed(p)]
        if outside:
            raise GitError(
                f"refusing to commit {', '.join(outside)}: the reconciler commits only "
                f"{', '.join(m + '/' for m in self.managed)}"
            )
        self.ensure_no_foreign_changes("commit the report")
        existing = [p for p in rel if (self.root / p).exists() or self._tracked(p)]
        if not existing:
            return None
        self.repo.git.add("--all", "--", *existing)
        if not self.repo.git.diff("--cached", "--name-only", "--", *existing).strip():
            return None
        env = _identity_env(author)
        with self.repo.git.custom_environment(**env):
            self.repo.git.commit("--no-verify", "--only", "-m", message, "--", *existing)
        return self.repo.head.commit.hexsha

    def contains(self, path: Path) -> bool:
        """Is `path` inside this checkout? (An audit trail kept outside is never committed.)"""
        try:
            path.resolve().relative_to(self.root.resolve())
        except ValueError:
            return False
        return True

    def _tracked(self, rel: str) -> bool:
        return bool(self.repo.git.ls_files("--", rel).strip())

    def _relative(self, path: Path | str) -> str:
        candidate = Path(path)
        if candidate.is_absolute():
            try:
                candidate = candidate.resolve().relative_to(self.root.resolve())
            except ValueError:
                raise GitError(f"{path} is outside the access repo {self.root}") from None
        return _clean_rel(candidate.as_posix())

    # -- remotes ----------------------------------------------------------------------

    def upstream(self) -> tuple[str, str] | None:
        """(remote, branch) to pull from and push to: the tracking branch, else origin/<branch>."""
        if not self.repo.remotes:
            return None
        try:
            branch = self.repo.active_branch
        except TypeError:
            raise GitError(
                "the access repo is on a detached HEAD; check out a branch to push reports"
            ) from None
        tracking = branch.tracking_branch()
        if tracking is not None:
            return tracking.remote_name, tracking.remote_head
        remote = "origin" if "origin" in [r.name for r in self.repo.remotes] else self.repo.remotes[0].name
        return remote, branch.name

    def has_remote(self) -> bool:
        return bool(self.repo.remotes)

    def pull(self) -> bool:
        """Fetch and rebase onto the remote branch; False when there is no remote (or branch yet)."""
        upstream = self.upstream()
        if upstream is None:
            return False
        self.ensure_no_foreign_changes("pull")
        remote, branch = upstream
        if not self._fetch(remote, branch):
            return False
        self._rebase(f"{remote}/{branch}")
        return True

    def push(self, attempts: int = 3) -> bool:
        """Push the branch; on a non-fast-forward fetch, rebase and retry, `attempts` times at most.

        Returns False when there is no remote. Raises GitError when every attempt was
        rejected or the push failed for another reason (authentication, network).
        """
        upstream = self.upstream()
        if upstream is None:
            return False
        remote, branch = upstream
        for attempt in range(1, attempts + 1):
            try:
                self.repo.git.push(remote, f"HEAD:refs/heads/{branch}")
                return True
            except git.GitCommandError as exc:
                message = f"{exc.stderr or ''}{exc.stdout or ''}"
                if not any(word in message for word in _REJECTED):
                    raise GitError(f"push to {remote}/{branch} failed: {_one_line(message)}") from None
                if attempt == attempts:
                    raise GitError(
                        f"push to {remote}/{branch} was rejected {attempts} times (the remote keeps "
                        "moving); the report commit is kept locally and goes out with the next run"
                    ) from None
            self.ensure_no_foreign_changes("rebase the report commit")
            self._fetch(remote, branch)
            self._rebase(f"{remote}/{branch}")
        return False  # unreachable: the loop returns or raises

    def _fetch(self, remote: str, branch: str) -> bool:
        try:
            self.repo.git.fetch(remote, f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}")
        except git.GitCommandError as exc:
            if "couldn't find remote ref" in (exc.stderr or ""):
                return False  # an empty remote: nothing to pull yet
            raise GitError(f"fetch from {remote} failed: {_one_line(exc.stderr or str(exc))}") from None
        return True

    def _rebase(self, onto: str) -> None:
        """Rebase local commits onto `onto`, resolving report-only conflicts in our favour.

        `--autostash` carries report files a crashed run left uncommitted across the rebase.
        Anything else that stops the rebase aborts it, so the checkout is never left mid-rebase.
        """
        if self.head_sha() is None:
            self.repo.git.reset("--hard", onto)  # nothing local yet: just take the remote
            return
        try:
            with self.repo.git.custom_environment(**_identity_env(self.identity)):
                self.repo.git.rebase("--autostash", onto)
            return
        except git.GitCommandError:
            pass
        # Each replayed commit may stop on a conflict; resolve report files, else give up.
        for _ in range(100):
            conflicted = self._conflicted()
            foreign = [p for p in conflicted if not self._is_report(p)]
            if not conflicted or foreign:
                self._abort_rebase()
                raise GitError(
                    f"rebasing the report commit onto {onto} stopped"
                    + (f" on conflicts in {', '.join(foreign)}" if foreign else "")
                    + "; resolve by hand (the local commit is kept)"
                )
            # During a rebase "theirs" is the commit being replayed: this run's report.
            self.repo.git.checkout("--theirs", "--", *conflicted)
            self.repo.git.add("--", *conflicted)
            try:
                with self.repo.git.custom_environment(GIT_EDITOR="true", **_identity_env(self.identity)):
                    self.repo.git.rebase("--continue")
                return
            except git.GitCommandError:
                continue
        self._abort_rebase()
        raise GitError(f"rebase onto {onto} did not finish")

    def _abort_rebase(self) -> None:
        with contextlib.suppress(git.GitCommandError):  # no rebase in progress
            self.repo.git.rebase("--abort")

    def _conflicted(self) -> list[str]:
        out = self.repo.git.diff("--name-only", "--diff-filter=U")
        return [line for line in out.splitlines() if line]

    def _is_report(self, path: str) -> bool:
        # The audit trail is append-only and hash-chained: "ours wins" would drop the
        # other side's entries, so only report files are resolved automatically.
        return self.is_managed(path) and not path.endswith(".jsonl")

    # -- history ----------------------------------------------------------------------

    def offboarding_requests(
        self, usernames: Iterable[str], users_dir: str = "users"
    ) -> dict[str, CommitRef]:
        """For each username (lower-cased) offboarded at HEAD: the commit that asked for it.

        That is the first commit, on the first-parent line of HEAD, whose users/*.yaml
        made the user's `state` offboarded (after the last time it was anything else).
        A pull request counts from its merge commit: the moment the request reached the
        branch the reconciler reads. Users not offboarded at HEAD are left out.

        Walks only commits whose diff adds or removes a line mentioning `offboarded`
        (`git log -G`), and parses each users file blob once (cached by blob id).
        """
        wanted = {u.lower() for u in usernames}
        if not wanted or self.head_sha() is None:
            return {}
        log = self.repo.git.log(
            "--first-parent",
            "--diff-merges=first-parent",
            "--no-patch",
            "--reverse",
            "-G",
            "offboarded",
            "--format=%H %ct",
            "--",
            users_dir,
        )
        since: dict[str, CommitRef] = {}
        cache: dict[str, frozenset[str]] = {}
        for line in filter(None, log.splitlines()):
            sha, stamp = line.split()
            commit = self.repo.commit(sha)
            offboarded = self._offboarded_at(commit, users_dir, cache) & wanted
            for name in list(since):
                if name not in offboarded:
                    del since[name]  # re-activated later: a later offboarding starts again
            at = datetime.fromtimestamp(int(stamp), tz=UTC)
            for name in offboarded:
                since.setdefault(name, CommitRef(sha, at))
        current = self._offboarded_at(self.repo.head.commit, users_dir, cache) & wanted
        return {name: ref for name, ref in sorted(since.items()) if name in current}

    def _offboarded_at(
        self, commit: git.Commit, users_dir: str, cache: dict[str, frozenset[str]]
    ) -> frozenset[str]:
        try:
            folder = commit.tree / users_dir
        except KeyError:
            return frozenset()
        names: set[str] = set()
        for blob in folder.traverse():
            if blob.type != "blob" or not blob.path.endswith((".yaml", ".yml")):
                continue
            if blob.hexsha not in cache:
                cache[blob.hexsha] = _offboarded_in(blob.data_stream.read())
            names |= cache[blob.hexsha]
        return frozenset(names)


def _offboarded_in(data: bytes) -> frozenset[str]:
    """Usernames whose `state` is offboarded in one users file (unparseable files: none)."""
    try:
        doc = yaml.load(data, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return frozenset()
    users = doc.get("users") if isinstance(doc, Mapping) else None
    if not isinstance(users, list):
        return frozenset()
    return frozenset(
        str(u["username"]).lower()
        for u in users
        if isinstance(u, Mapping) and u.get("state") == "offboarded" and u.get("username")
    )


def _identity_env(author: str) -> dict[str, str]:
    match = _AUTHOR.match(author)
    if match is None:
        raise GitError(f"report author {author!r} is not of the form 'Name <email>'")
    name, email = match["name"], match["email"]
    return {
        "GIT_AUTHOR_NAME": name,
        "GIT_AUTHOR_EMAIL": email,
        "GIT_COMMITTER_NAME": name,
        "GIT_COMMITTER_EMAIL": email,
    }


def _clean_rel(path: str) -> str:
    clean = PurePosixPath(os.path.normpath(path)).as_posix()
    if clean.startswith("../") or clean == ".." or PurePosixPath(clean).is_absolute():
        raise GitError(f"{path} is outside the access repo")
    return clean


def _one_line(text: str) -> str:
    return " ".join(text.split())[:300]
