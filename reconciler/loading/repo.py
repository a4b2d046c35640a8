"""Load an access repo folder into `Desired`, with every finding positioned.

Every file is parsed with the fast path; only files with findings are re-read with
the round-trip loader to attach line and column. All findings come back at once.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from reconciler.gc_pause import gc_paused
from reconciler.loading import yaml_fast
from reconciler.loading.checks import UserEntry, check_users
from reconciler.loading.shape import findings_from
from reconciler.loading.yaml_source import YamlSyntaxError, parse_fast, parse_positioned, position_of
from reconciler.model.desired import (
    Desired,
    ReconcilerConfig,
    RolesFile,
    User,
    UsersFile,
    UsersFileHeader,
)
from reconciler.model.findings import Finding

CONFIG_FILE = "reconciler.yaml"
ROLES_FILE = "roles.yaml"
USERS_DIR = "users"


@dataclass(frozen=True)
class LoadResult:
    """The validated desired state (None when there are errors) and every finding, sorted."""

    desired: Desired | None
    findings: tuple[Finding, ...]
    files: int

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.is_error)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.is_error)


@dataclass
class _Source:
    relative: str
    text: str


def load_repo(root: Path, today: date | None = None) -> LoadResult:
    # Loading builds millions of acyclic objects (YAML nodes, dicts, models); the cyclic
    # garbage collector would re-scan the growing heap again and again for nothing, which
    # made 50,000 users cost 2x the CPU of 5 x 10,000 (benchmarks/, scenario 1).
    with gc_paused():
        return _load_repo(root, today)


def _load_repo(root: Path, today: date | None) -> LoadResult:
    today = today or date.today()
    findings: list[Finding] = []
    sources: dict[str, _Source] = {}

    def read(relative: str, fast: Any = yaml_fast.NOT_FAST, text: str | None = None) -> Any:
        path = root / relative
        try:
            text = path.read_text(encoding="utf-8") if text is None else text
        except FileNotFoundError:
            findings.append(Finding(relative, 0, 0, "error", f"{relative} is missing"))
            return None
        except UnicodeDecodeError as exc:
            findings.append(Finding(relative, 0, 0, "error", f"not UTF-8 text ({exc.reason})"))
            return None
        sources[relative] = _Source(relative, text)
        try:
            data = parse_fast(text, fast)
        except YamlSyntaxError as exc:
            findings.append(Finding(relative, exc.line, exc.column, "error", exc.message))
            return None
        if not isinstance(data, dict):
            shown = "empty" if data is None else f"a {type(data).__name__}"
            findings.append(
                Finding(relative, 1, 1, "error", f"the file must be a mapping at the top level, not {shown}")
            )
            return None
        return data

    def validate(model: type[BaseModel], data: Any, relative: str) -> Any:
        try:
            return model.model_validate(data)
        except ValidationError as exc:
            findings.extend(findings_from(exc, model, relative))
            return None

    if not (root / CONFIG_FILE).exists() and not root.is_dir():
        findings.append(Finding(str(root), 0, 0, "error", "the access repo folder does not exist"))
        return LoadResult(None, tuple(findings), 0)

    config_data = read(CONFIG_FILE)
    config = validate(ReconcilerConfig, config_data, CONFIG_FILE) if config_data is not None else None
    roles_data = read(ROLES_FILE)
    roles_file = validate(RolesFile, roles_data, ROLES_FILE) if roles_data is not None else None
    roles = roles_file.roles if roles_file else None

    entries, invalid = _load_users(root, read, validate, findings)
    findings += check_users(entries, roles, config, today, invalid)

    findings = _positioned(findings, sources)
    desired = None
    if config and roles is not None and not any(f.is_error for f in findings):
        desired = Desired(
            config=config,
            roles=roles,
            users=tuple(e.user for e in entries),
            sources={e.user.key: e.file for e in entries},
            indexes={e.user.key: e.index for e in entries},
        )
    return LoadResult(desired, tuple(sorted(findings)), len(sources))


def _load_users(
    root: Path, read: Any, validate: Any, findings: list[Finding]
) -> tuple[list[UserEntry], set[str]]:
    """Valid user entries, and the usernames of entries that failed shape validation."""
    folder = root / USERS_DIR
    if not folder.is_dir():
        findings.append(Finding(f"{USERS_DIR}/", 0, 0, "error", "the users/ folder is missing"))
        return [], set()
    files = sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
    if not files:
        findings.append(Finding(f"{USERS_DIR}/", 0, 0, "error", "the users/ folder has no .yaml files"))
        return [], set()
    entries: list[UserEntry] = []
    invalid: set[str] = set()
    texts: dict[str, str] = {}
    for path in files:
        with contextlib.suppress(UnicodeDecodeError):  # read() below reports it
            texts[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
    fast = dict(zip(texts, yaml_fast.parse_many(list(texts.values())), strict=True))
    for path in files:
        relative = path.relative_to(root).as_posix()
        data = read(relative, fast.get(relative, yaml_fast.NOT_FAST), texts.get(relative))
        if data is None or validate(UsersFileHeader, data, relative) is None:
            continue
        items = data["users"]
        try:  # one call for the whole file: per-user calls cost more than the validation
            users = UsersFile.model_validate(data).users
            entries.extend(UserEntry(user, relative, i) for i, user in enumerate(users))
            continue
        except ValidationError as exc:
            findings.extend(findings_from(exc, UsersFile, relative, item_depth=2))
            broken = {loc[1] for loc in (e["loc"] for e in exc.errors()) if len(loc) > 1}
        for index, item in enumerate(items):
            if index not in broken:
                entries.append(UserEntry(User.model_validate(item), relative, index))
            elif isinstance(item, dict) and isinstance(item.get("username"), str):
                invalid.add(item["username"].lower())
    if not entries and not any(f.file.startswith(USERS_DIR) for f in findings):
        findings.append(Finding(f"{USERS_DIR}/", 0, 0, "error", "no users are declared in users/*.yaml"))
    return entries, invalid


def _positioned(findings: list[Finding], sources: dict[str, _Source]) -> list[Finding]:
    return attach_positions(findings, lambda file: sources[file].text if file in sources else None)


def attach_positions(findings: Iterable[Finding], text_of: Callable[[str], str | None]) -> list[Finding]:
    """Attach line and column to findings that carry only a node path.

    `text_of(file)` gives a file's text (None when unknown: the finding stays as it is).
    Each file is re-read with the round-trip loader once, and only if a finding needs it.
    """
    docs: dict[str, Any] = {}
    out = []
    for finding in findings:
        if finding.line:
            out.append(finding)
            continue
        if finding.file not in docs:
            text = text_of(finding.file)
            docs[finding.file] = None if text is None else parse_positioned(text)
        if docs[finding.file] is None:
            out.append(finding)
            continue
        line, column = position_of(docs[finding.file], finding.node, finding.at_key)
        out.append(replace(finding, line=line, column=column))
    return out
