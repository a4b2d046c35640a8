"""`reconciler validate`: check an access repo and report every finding at once."""

from __future__ import annotations

import json
from datetime import date

import click

from reconciler.cli.options import format_option, repo_option
from reconciler.errors import ValidationFailed
from reconciler.loading import load_repo
from reconciler.policy import check_policies


@click.command("validate")
@repo_option
@format_option("text", "json")
def command(repo, output_format: str) -> int:
    """Validate reconciler.yaml, roles.yaml, users/*.yaml and the rules in policies/*.yaml.

    Prints each finding as file:line:column. Warnings do not fail; errors exit 1.
    """
    today = date.today()
    result = load_repo(repo)
    policies = check_policies(repo, result.desired, today)
    findings = sorted(result.findings + policies.findings)
    errors = sum(f.is_error for f in findings)
    warnings = len(findings) - errors
    files = result.files + policies.files
    if output_format == "json":
        click.echo(
            json.dumps(
                {
                    "valid": errors == 0,
                    "files": files,
                    "users": len(result.desired.users) if result.desired else None,
                    "rules": len(policies.pack.rules),
                    "errors": errors,
                    "warnings": warnings,
                    "findings": [f.as_dict() for f in findings],
                },
                indent=2,
            )
        )
    else:
        for finding in findings:
            click.echo(finding.render())
        users = f"{len(result.desired.users)} users, " if result.desired else ""
        summary = f"{users}{files} files: {_count(errors, 'error')}, {_count(warnings, 'warning')}"
        click.echo(("OK: " if errors == 0 else "FAILED: ") + summary, err=errors > 0)
    if errors:
        raise ValidationFailed()
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
