"""Findings about the rules themselves: names that point nowhere, and waivers.

A rule that names a role bundle, a permission group or a target that the repo does not
define cannot be evaluated: it gets an error at the name (with "did you mean") and is
left out of evaluation, so it neither hides other findings nor invents its own. Waivers
are checked here too: one that names an unknown person is an error, one that has
expired is a finding of the rule's severity at its `expires`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from reconciler.loading.suggest import did_you_mean
from reconciler.model.desired import Desired
from reconciler.model.findings import Finding, Severity
from reconciler.model.policy import (
    ExpiryRequired,
    FailedLogins,
    Inactivity,
    PolicyPack,
    RequiredFields,
    RoleConstraints,
    SandboxRequiresProduction,
    SeparationOfDuties,
    TransferRequired,
)


class _At:
    """Findings positioned inside one rule of one policy file."""

    def __init__(self, pack: PolicyPack, rule_id: str) -> None:
        self.file, self.index = pack.sources[rule_id]

    def __call__(self, severity: Severity, message: str, *path: str | int) -> Finding:
        return Finding(self.file, 0, 0, severity, message, node=("rules", self.index, *path))


def check_references(pack: PolicyPack, desired: Desired) -> tuple[list[Finding], set[str]]:
    """Findings for names a rule uses that the repo does not define, and the ids of those rules."""
    findings: list[Finding] = []
    broken: set[str] = set()
    roles = desired.roles
    groups = {g for bundle in roles.values() for g in bundle.groups}
    targets = desired.config.targets
    for rule in pack.rules:
        at = _At(pack, rule.id)
        named: list[tuple[str, Iterable[str], str, tuple[str | int, ...]]] = []  # (value, pool, what, path)
        if isinstance(rule, SeparationOfDuties):
            named += [(r, roles, "role", ("roles", i)) for i, r in enumerate(rule.roles)]
            named += [(g, groups, "group", ("groups", i)) for i, g in enumerate(rule.groups)]
        elif isinstance(rule, RoleConstraints):
            named.append((rule.role, roles, "role", ("role",)))
        elif isinstance(rule, RequiredFields | ExpiryRequired | TransferRequired):
            selected = rule.applies_to.roles
            named += [(r, roles, "role", ("applies_to", "roles", i)) for i, r in enumerate(selected)]
        elif isinstance(rule, Inactivity | FailedLogins):
            named += [(t, targets, "target", ("targets", i)) for i, t in enumerate(rule.targets)]
        elif isinstance(rule, SandboxRequiresProduction):
            named += [(rule.sandbox, targets, "target", ("sandbox",))]
            named += [(rule.production, targets, "target", ("production",))]
        for value, pool, what, path in named:
            if value not in pool:
                findings.append(at("error", _undefined(what, value, pool), *path))
                broken.add(rule.id)
    return findings, broken


def _undefined(what: str, value: str, pool: Iterable[str]) -> str:
    where = {
        "role": "is not defined in roles.yaml",
        "group": "is not granted by any role in roles.yaml",
        "target": "is not a target in reconciler.yaml",
    }[what]
    return f"{what} '{value}' {where}{did_you_mean(value, pool)}"


def check_waivers(pack: PolicyPack, today: date, desired: Desired | None) -> list[Finding]:
    """Expired waivers (at the rule's severity) and waivers naming someone who is not a user."""
    findings: list[Finding] = []
    users = {u.key: u.username for u in desired.users} if desired is not None else None
    for rule in pack.rules:
        at = _At(pack, rule.id)
        for w, waiver in enumerate(rule.waivers):
            if waiver.expires < today:
                who = ", ".join(waiver.users)
                message = rule.cite(f"waiver for {who} expired on {waiver.expires}; renew it or remove it")
                findings.append(at(rule.severity, message, "waivers", w, "expires"))
            if users is None:
                continue
            for u, username in enumerate(waiver.users):
                if username.lower() not in users:
                    message = f"waiver names '{username}', who is not a user in this repo"
                    message += did_you_mean(username, users.values())
                    findings.append(at("error", message, "waivers", w, "users", u))
    return findings
