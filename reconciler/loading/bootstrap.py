"""The access-repo side of `reconciler import`: what a repo already holds, and writing to it.

Owns the files: reading reconciler.yaml on its own (a repo being bootstrapped has no
users yet, so the full loader would refuse it), the usernames users/*.yaml already
declares (import never declares anyone twice), the refusal to overwrite the output
file without `force`, and writing the users file and roles.yaml.

Must not import connectors or planning; the console is read by the caller.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from reconciler.errors import ConfigError
from reconciler.loading.dump import Dump
from reconciler.loading.repo import CONFIG_FILE, ROLES_FILE, USERS_DIR, attach_positions
from reconciler.loading.shape import findings_from
from reconciler.loading.yaml_source import YamlSyntaxError, parse_fast
from reconciler.model.desired import ReconcilerConfig

DEFAULT_OUT = Path(USERS_DIR) / "imported.yaml"


@dataclass(frozen=True)
class ImportPaths:
    """Where an import reads and writes, checked before the console is read."""

    root: Path
    out: Path  # the users file to write

    @property
    def roles(self) -> Path:
        return self.root / ROLES_FILE

    @property
    def out_shown(self) -> str:
        try:
            return self.out.relative_to(self.root).as_posix()
        except ValueError:
            return str(self.out)


def import_paths(root: Path, out: Path | None, force: bool) -> ImportPaths:
    """The output path (relative to the repo unless absolute); refuses to overwrite it unless `force`."""
    target = out if out is not None else DEFAULT_OUT
    path = target if target.is_absolute() else root / target
    if path.suffix not in (".yaml", ".yml") or path.resolve().parent != (root / USERS_DIR).resolve():
        # Anywhere else, validate and plan would not see the people it declares.
        raise ConfigError(f"--out {target}: must be a .yaml file in {USERS_DIR}/ (validate reads only those)")
    if path.exists() and not force:
        raise ConfigError(f"{target} already exists; pass --force to overwrite it")
    return ImportPaths(root, path)


def read_config(root: Path) -> ReconcilerConfig:
    """reconciler.yaml alone, validated; its findings, positioned, in the error otherwise."""
    path = root / CONFIG_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path} is missing; write reconciler.yaml (the targets) first") from None
    try:
        data = parse_fast(text)
    except YamlSyntaxError as exc:
        raise ConfigError(f"{CONFIG_FILE}:{exc.line}:{exc.column}: {exc.message}") from None
    try:
        return ReconcilerConfig.model_validate(data)
    except ValidationError as exc:
        findings = attach_positions(findings_from(exc, ReconcilerConfig, CONFIG_FILE), lambda _: text)
        raise ConfigError("\n".join(f.render() for f in findings)) from None


def read_roles(root: Path) -> str | None:
    """roles.yaml as text, or None when there is none yet."""
    try:
        return (root / ROLES_FILE).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def declared_usernames(root: Path, skip: Path | None = None) -> set[str]:
    """Usernames users/*.yaml declares now (lower-case), leaving out the file `skip`.

    Read leniently: a file that does not parse declares nobody here, and validate
    reports it; anything more would make import as strict as the loader it bootstraps.
    """
    folder = root / USERS_DIR
    names: set[str] = set()
    if not folder.is_dir():
        return names
    for path in sorted(folder.iterdir()):
        if path.suffix not in (".yaml", ".yml") or (skip is not None and path.resolve() == skip.resolve()):
            continue
        try:
            data = parse_fast(path.read_text(encoding="utf-8"))
        except (YamlSyntaxError, UnicodeDecodeError):
            continue
        users = data.get("users") if isinstance(data, dict) else None
        for item in users if isinstance(users, list) else ():
            if isinstance(item, dict) and isinstance(item.get("username"), str):
                names.add(item["username"].lower())
    return names


def write_import(paths: ImportPaths, dump: Dump) -> list[Path]:
    """Write the users file, and roles.yaml when bundles were generated; the paths written."""
    paths.out.parent.mkdir(parents=True, exist_ok=True)
    paths.out.write_text(dump.users_yaml, encoding="utf-8")
    written = [paths.out]
    if dump.generated:
        paths.roles.write_text(dump.roles_yaml, encoding="utf-8")
        written.append(paths.roles)
    return written
