"""`reconciler audit verify`: check the hash chain of the audit trail and name the first
broken entry. Reads only reconciler.yaml's `report.audit` setting, so a repo whose users
files do not validate can still have its trail checked.
"""

from __future__ import annotations

from pathlib import Path

import click
from pydantic import ValidationError

from reconciler.cli.options import repo_option
from reconciler.errors import ConfigError, ReconcilerError
from reconciler.loading.yaml_source import YamlSyntaxError, parse_fast
from reconciler.model.desired import ReportSettings
from reconciler.reporting.audit import trail_path, verify


class AuditBroken(ReconcilerError):
    """The audit trail's chain is broken (or a trail that should exist does not)."""


@click.group("audit")
def command() -> None:
    """The append-only audit trail of every action the reconciler attempted."""


@command.command("verify")
@repo_option
@click.option("--target", "targets", multiple=True, help="Only this target's trail (repeatable).")
@click.option(
    "--path",
    "paths",
    multiple=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="A trail file to check instead (e.g. one kept outside the repo); repeatable.",
)
def verify_command(repo: Path, targets: tuple[str, ...], paths: tuple[Path, ...]) -> int:
    """Check every entry's hash and its link to the one before.

    Exits 0 when every trail is intact, 1 naming the file, line and problem of the first
    broken entry (or a missing trail).
    """
    files = list(paths) or _trails(repo, targets)
    broken = []
    for path in files:
        result = verify(path)
        if result.ok:
            click.echo(result.render())
        else:
            broken.append(result.render())
    if broken:
        for line in broken[1:]:
            click.echo(f"error: {line}", err=True)
        raise AuditBroken(broken[0])
    return 0


def _trails(repo: Path, targets: tuple[str, ...]) -> list[Path]:
    audit_dir = _report_settings(repo).audit
    if targets:
        return [trail_path(repo, audit_dir, t) for t in targets]
    found = sorted(trail_path(repo, audit_dir, "_").parent.glob("*.jsonl"))
    if not found:
        raise AuditBroken(f"no audit trail in {trail_path(repo, audit_dir, '_').parent}")
    return found


def _report_settings(repo: Path) -> ReportSettings:
    config = repo / "reconciler.yaml"
    if not config.exists():
        return ReportSettings()
    try:
        data = parse_fast(config.read_text(encoding="utf-8"))
        report = data.get("report") if isinstance(data, dict) else None
        return ReportSettings.model_validate(report or {})
    except (YamlSyntaxError, ValidationError) as exc:
        raise ConfigError(f"{config}: cannot read the report settings: {exc}") from None
