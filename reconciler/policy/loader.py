"""Read an access repo's `policies/*.yaml` into a PolicyPack, with shape findings.

Mirrors loading/repo.py's users files: the whole file is validated in one call, and when
that fails each rule is validated alone, so one broken rule (unknown kind, missing field)
is reported at its position and every other rule still counts. A repo without a
`policies/` folder has no rules, and that is not a finding.

Findings carry node paths; reconciler.policy.check attaches positions once, together
with the findings of the rules themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from reconciler.loading.shape import findings_from
from reconciler.loading.yaml_source import YamlSyntaxError, parse_fast
from reconciler.model.findings import Finding
from reconciler.model.policy import PolicyFile, PolicyFileHeader, PolicyPack, Rule

POLICIES_DIR = "policies"

_RULE: TypeAdapter[Any] = TypeAdapter(Rule)


@dataclass(frozen=True)
class PolicyLoad:
    """The valid rules, the findings about the files' shape, and each file's text."""

    pack: PolicyPack
    findings: tuple[Finding, ...]
    texts: dict[str, str]  # relative path -> text, for positions

    @property
    def files(self) -> int:
        return len(self.texts)


def policy_files(root: Path) -> list[Path]:
    folder = root / POLICIES_DIR
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())


def load_policies(root: Path) -> PolicyLoad:
    findings: list[Finding] = []
    texts: dict[str, str] = {}
    rules: list[Any] = []
    sources: dict[str, tuple[str, int]] = {}
    for path in policy_files(root):
        relative = path.relative_to(root).as_posix()
        try:
            texts[relative] = text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            findings.append(Finding(relative, 0, 0, "error", f"not UTF-8 text ({exc.reason})"))
            continue
        for index, rule in _rules_of(relative, text, findings):
            if rule.id in sources:
                earlier = sources[rule.id][0]
                message = f"duplicate rule id '{rule.id}' (already used in {earlier})"
                findings.append(Finding(relative, 0, 0, "error", message, node=("rules", index, "id")))
                continue
            rules.append(rule)
            sources[rule.id] = (relative, index)
    return PolicyLoad(PolicyPack(rules=tuple(rules), sources=sources), tuple(findings), texts)


def _rules_of(relative: str, text: str, findings: list[Finding]) -> list[tuple[int, Any]]:
    """(index, rule) for every valid rule of one file; findings for the rest."""
    try:
        data = parse_fast(text)
    except YamlSyntaxError as exc:
        findings.append(Finding(relative, exc.line, exc.column, "error", exc.message))
        return []
    if not isinstance(data, dict):
        shown = "empty" if data is None else f"a {type(data).__name__}"
        findings.append(
            Finding(relative, 1, 1, "error", f"the file must be a mapping with `rules:`, not {shown}")
        )
        return []
    if not _valid(PolicyFileHeader, data, relative, findings):
        return []
    items = data["rules"]
    try:  # one call for the whole file, as for users files
        return list(enumerate(PolicyFile.model_validate(data).rules))
    except ValidationError as exc:
        findings.extend(findings_from(exc, PolicyFile, relative, item_depth=2))
        broken = {loc[1] for loc in (e["loc"] for e in exc.errors()) if len(loc) > 1}
    return [(i, _RULE.validate_python(item)) for i, item in enumerate(items) if i not in broken]


def _valid(model: type[BaseModel], data: Any, relative: str, findings: list[Finding]) -> bool:
    try:
        model.model_validate(data)
    except ValidationError as exc:
        findings.extend(findings_from(exc, model, relative))
        return False
    return True
