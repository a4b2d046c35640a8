"""Rules that span files: duplicates, and references between users, roles and targets.

Runs on whatever parsed cleanly, so one broken file does not hide the findings in the
others. Each finding carries the node path of the offending value.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from reconciler.loading.suggest import did_you_mean
from reconciler.model.desired import ReconcilerConfig, RoleBundle, User
from reconciler.model.findings import Finding, NodePath, Severity


@dataclass(frozen=True)
class UserEntry:
    """A validated user and where it was declared."""

    user: User
    file: str
    index: int

    def finding(self, severity: Severity, message: str, *path: str | int) -> Finding:
        return Finding(self.file, 0, 0, severity, message, node=("users", self.index, *path))


def check_users(
    entries: list[UserEntry],
    roles: dict[str, RoleBundle] | None,
    config: ReconcilerConfig | None,
    today: date,
    invalid: frozenset[str] | set[str] = frozenset(),
) -> list[Finding]:
    """`invalid`: usernames declared by entries that failed shape validation; references
    to them are not reported again (their own findings already say what is wrong)."""
    findings: list[Finding] = []
    findings += _duplicates(entries, "username", lambda u: u.username.lower())
    findings += _duplicates(entries, "email", lambda u: u.email.lower())
    findings += _duplicates(entries, "npi", lambda u: u.npi)
    by_key = {e.user.key: e for e in entries}
    targets = set(config.targets) if config else None
    protected = {p.lower() for t in config.targets.values() for p in t.protected} if config else set()
    for entry in entries:
        findings += _check_one(entry, by_key, roles, targets, protected, today, invalid)
    return findings


def _duplicates(
    entries: Iterable[UserEntry], field: str, key: Callable[[User], str | None]
) -> list[Finding]:
    first: dict[str, UserEntry] = {}
    findings = []
    for entry in entries:
        value = key(entry.user)
        if value is None:
            continue
        if value in first:
            earlier = first[value]
            shown = getattr(entry.user, field)
            findings.append(
                entry.finding(
                    "error",
                    f"duplicate {field} '{shown}' (already declared in {earlier.file}"
                    f" for '{earlier.user.username}')",
                    field,
                )
            )
        else:
            first[value] = entry
    return findings


def _check_one(
    entry: UserEntry,
    by_key: dict[str, UserEntry],
    roles: dict[str, RoleBundle] | None,
    targets: set[str] | None,
    protected: set[str],
    today: date,
    invalid: frozenset[str] | set[str],
) -> list[Finding]:
    user = entry.user
    out: list[Finding] = []
    if user.user_type == "provider" and user.npi is None:
        out.append(entry.finding("error", f"provider '{user.username}' has no npi", "user_type"))
    if roles is not None:
        for i, role in enumerate(user.roles):
            bundle = roles.get(role)
            if bundle is None:
                out.append(
                    entry.finding(
                        "error", f"role '{role}' is not defined{did_you_mean(role, roles)}", "roles", i
                    )
                )
            elif user.user_type not in bundle.user_types:
                allowed = ", ".join(bundle.user_types)
                out.append(
                    entry.finding(
                        "error",
                        f"role '{role}' is not allowed for user_type '{user.user_type}' (only {allowed})",
                        "roles",
                        i,
                    )
                )
    if targets is not None:
        for i, env in enumerate(user.environments):
            if env not in targets:
                out.append(
                    entry.finding(
                        "error",
                        f"environment '{env}' is not a target in reconciler.yaml{did_you_mean(env, targets)}",
                        "environments",
                        i,
                    )
                )
    if user.manager is not None and user.manager.lower() not in by_key.keys() | invalid:
        out.append(
            entry.finding(
                "error",
                f"manager '{user.manager}' is not a user in this repo{did_you_mean(user.manager, by_key)}",
                "manager",
            )
        )
    if user.transfer_to is None or user.transfer_to.lower() not in invalid:
        out += _check_transfer(entry, by_key)
    if user.start_date and user.end_date and user.end_date < user.start_date:
        out.append(
            entry.finding(
                "error", f"end_date {user.end_date} is before start_date {user.start_date}", "end_date"
            )
        )
    if user.state == "active" and user.end_date and user.end_date < today:
        out.append(
            entry.finding(
                "warning",
                f"end_date {user.end_date} has passed but '{user.username}' is still active;"
                " offboard them (state: offboarded)",
                "end_date",
            )
        )
    if user.state == "offboarded" and user.key in protected:
        out.append(
            entry.finding(
                "error",
                f"'{user.username}' is a protected account and cannot be offboarded",
                "state",
            )
        )
    return out


def _check_transfer(entry: UserEntry, by_key: dict[str, UserEntry]) -> list[Finding]:
    user = entry.user
    if user.transfer_to is None:
        if user.state == "offboarded":
            return [
                entry.finding(
                    "warning",
                    f"offboarded user '{user.username}' has no transfer_to; open work cannot be"
                    " transferred and deactivation will fail if any remains",
                    "state",
                )
            ]
        return []
    successor = by_key.get(user.transfer_to.lower())
    path: NodePath = ("transfer_to",)
    if successor is None:
        return [
            entry.finding(
                "error",
                f"transfer_to '{user.transfer_to}' is not a user in this repo"
                f"{did_you_mean(user.transfer_to, by_key)}",
                *path,
            )
        ]
    if successor.user.key == user.key:
        return [entry.finding("error", "transfer_to names the user themselves", *path)]
    if successor.user.state != "active":
        return [
            entry.finding(
                "error",
                f"transfer_to '{user.transfer_to}' is {successor.user.state}, not active",
                *path,
            )
        ]
    missing = [env for env in user.environments if env not in successor.user.environments]
    if missing:
        return [
            entry.finding(
                "error",
                f"transfer_to '{user.transfer_to}' has no account in {', '.join(missing)}"
                f" (where '{user.username}' has one)",
                *path,
            )
        ]
    return []
