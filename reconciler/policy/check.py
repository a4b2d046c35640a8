"""The desired-state policy check: load policies/, resolve names, evaluate, position.

One entry point for `reconciler validate` and `reconciler policy check`. Every finding
comes back at once and positioned: shape errors in a policy file, names a rule uses that
the repo does not define, expired waivers, and what the rules find in users/*.yaml.
A broken rule is reported and left out; it blocks nothing else from being reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from reconciler.loading import attach_positions
from reconciler.model.desired import Desired
from reconciler.model.findings import Finding
from reconciler.model.policy import PolicyPack
from reconciler.policy.desired import evaluate_desired
from reconciler.policy.loader import load_policies
from reconciler.policy.references import check_references, check_waivers


@dataclass(frozen=True)
class PolicyCheck:
    """The rules that can be enforced, and every finding, sorted and positioned."""

    pack: PolicyPack
    findings: tuple[Finding, ...]
    files: int

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.is_error)

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if not f.is_error)


def check_policies(root: Path, desired: Desired | None, today: date) -> PolicyCheck:
    """Check `root`'s policies/ against `desired` (None when the repo itself does not load:
    then only what the policy files say about themselves is checked)."""
    loaded = load_policies(root)
    findings = list(loaded.findings)
    pack = loaded.pack
    findings += check_waivers(pack, today, desired)
    if desired is not None:
        unresolved, broken = check_references(pack, desired)
        findings += unresolved
        pack = pack.model_copy(update={"rules": tuple(r for r in pack.rules if r.id not in broken)})
        findings += evaluate_desired(pack, desired, today)

    def text_of(file: str) -> str | None:
        if file in loaded.texts:
            return loaded.texts[file]
        try:  # a users/*.yaml file: it loaded a moment ago
            return (root / file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None

    return PolicyCheck(pack, tuple(sorted(attach_positions(findings, text_of))), loaded.files)
