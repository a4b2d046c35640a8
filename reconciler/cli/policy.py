"""`reconciler policy check`: the desired-state policy rules alone, for pull requests.

`--format markdown` prints a pull-request comment. The repo's own files must load for
the rules to be evaluated; when they do not, the policy files are still checked on their
own and the command says to run `reconciler validate`.
"""

from __future__ import annotations

import json
from datetime import date

import click

from reconciler.cli.options import format_option, repo_option
from reconciler.errors import ValidationFailed
from reconciler.loading import load_repo
from reconciler.model.findings import Finding
from reconciler.policy import PolicyCheck, check_policies


@click.group("policy")
def command() -> None:
    """Policies as code: the rules in policies/*.yaml."""


@command.command("check")
@repo_option
@format_option("text", "json", "markdown")
def check(repo, output_format: str) -> int:
    """Check the rules in policies/*.yaml against the users and roles in Git.

    Prints each finding as file:line:column. Warnings do not fail; errors exit 1.
    """
    loaded = load_repo(repo)
    result = check_policies(repo, loaded.desired, date.today())
    unloaded = len(loaded.errors) if loaded.desired is None else 0
    render = {"text": _text, "json": _json, "markdown": _markdown}[output_format]
    click.echo(render(result, unloaded))
    if result.errors or unloaded:
        raise ValidationFailed(
            f"{unloaded} error(s) outside policies/ keep the rules from being evaluated;"
            f" run `reconciler validate --repo {repo}`"
            if unloaded
            else ""
        )
    return 0


def _summary(result: PolicyCheck) -> str:
    errors, warnings = len(result.errors), len(result.warnings)
    rules = f"{len(result.pack.rules)} rule{'' if len(result.pack.rules) == 1 else 's'}"
    return f"{rules} in {result.files} file(s): {errors} error(s), {warnings} warning(s)"


def _text(result: PolicyCheck, unloaded: int) -> str:
    lines = [f.render() for f in result.findings]
    lines.append(("OK: " if not (result.errors or unloaded) else "FAILED: ") + _summary(result))
    return "\n".join(lines)


def _json(result: PolicyCheck, unloaded: int) -> str:
    return json.dumps(
        {
            "valid": not (result.errors or unloaded),
            "evaluated": not unloaded,
            "rules": [
                {"id": r.id, "kind": r.kind, "severity": r.severity, "description": r.description}
                for r in result.pack.rules
            ],
            "errors": len(result.errors),
            "warnings": len(result.warnings),
            "findings": [f.as_dict() for f in result.findings],
        },
        indent=2,
    )


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _where(finding: Finding) -> str:
    return finding.file if finding.line == 0 else f"{finding.file}:{finding.line}:{finding.column}"


def _markdown(result: PolicyCheck, unloaded: int) -> str:
    ok = not (result.errors or unloaded)
    lines = [f"### Policy check: {'passed' if ok else 'failed'}", "", _summary(result) + "."]
    if unloaded:
        note = f"**{unloaded} error(s) outside `policies/`**: run `reconciler validate`; the rules could not"
        lines += ["", note + " be evaluated against the users."]
    if result.findings:
        lines += ["", "| | Where | Finding |", "|---|---|---|"]
        for f in result.findings:
            icon = "❌ error" if f.is_error else "⚠️ warning"
            lines.append(f"| {icon} | `{_where(f)}` | {_cell(f.message)} |")
    if result.pack.rules:
        lines += ["", "<details><summary>Rules checked</summary>", ""]
        lines += ["| Rule | Kind | Severity | What it says |", "|---|---|---|---|"]
        lines += [
            f"| `{r.id}` | {r.kind} | {r.severity} | {_cell(r.description)} |" for r in result.pack.rules
        ]
        lines += ["", "</details>"]
    return "\n".join(lines)
