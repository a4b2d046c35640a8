"""Evaluate rules on the desired state (validate, `policy check`, pull requests).

Each finding points at the user's node in the users/*.yaml file that declares them:
the offending value when there is one (a role, an end_date, an environment), the user's
entry when something is missing. Offboarded people hold no access and are left out,
except by `transfer_required`, which is about offboarding. Waived people are skipped.
The runtime kinds (inactivity, failed_logins, end_date, offboarding_sla) need the
console and live in policy/observed.py.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Any

from reconciler.model.desired import Desired, User
from reconciler.model.findings import Finding
from reconciler.model.policy import (
    ExpiryRequired,
    PolicyPack,
    RequiredFields,
    RoleConstraints,
    RuleBase,
    SandboxRequiresProduction,
    SeparationOfDuties,
    TransferRequired,
)


def _and(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + f" and {items[-1]}"


class _Eval:
    def __init__(self, pack: PolicyPack, desired: Desired, today: date) -> None:
        self.pack = pack
        self.desired = desired
        self.today = today
        self.findings: list[Finding] = []

    def at_user(self, user: User, rule: RuleBase, message: str, *path: str | int) -> None:
        """A finding at `path` inside the user's entry (the entry itself when empty)."""
        file = self.desired.sources.get(user.key, "users/")
        index = self.desired.indexes.get(user.key)
        node = ("users", index, *path) if index is not None else ()
        self.findings.append(Finding(file, 0, 0, rule.severity, rule.cite(message), node=node))

    def people(self, rule: RuleBase, *, offboarded: bool = False) -> Iterator[User]:
        """Users a rule looks at, in file order: not waived, current unless `offboarded`."""
        for user in self.desired.users:
            if (user.state == "offboarded") == offboarded and not rule.waived(user.username, self.today):
                yield user

    # -- one method per kind ------------------------------------------------------------

    def separation_of_duties(self, rule: SeparationOfDuties) -> None:
        for user in self.people(rule):
            if rule.roles:
                held = [(i, r) for i, r in enumerate(user.roles) if r in rule.roles]
                if len({r for _, r in held}) >= 2:
                    roles = _and([r for _, r in held])
                    message = f"'{user.username}' holds {roles}, which no one may hold together"
                    self.at_user(user, rule, message, "roles", held[1][0])
            else:
                granted = {g.lower() for g in self.desired.groups_of(user)}
                held_groups = [g for g in rule.groups if g.lower() in granted]
                if len(held_groups) >= 2:
                    message = (
                        f"'{user.username}' gets permission groups {_and(held_groups)} through their roles,"
                        " which no one may hold together"
                    )
                    self.at_user(user, rule, message, "roles")

    def role_constraints(self, rule: RoleConstraints) -> None:
        holders = [u for u in self.people(rule) if rule.role in u.roles]
        for user in holders:
            j = user.roles.index(rule.role)
            if rule.user_types is not None and user.user_type not in rule.user_types:
                only = " or ".join(rule.user_types)
                message = f"role '{rule.role}' is only for {only}, and '{user.username}' is {user.user_type}"
                self.at_user(user, rule, message, "roles", j)
            if rule.requires_manager and user.manager is None:
                message = f"'{user.username}' holds role '{rule.role}' but has no manager"
                self.at_user(user, rule, message, "roles", j)
        if rule.max_holders is not None and len(holders) > rule.max_holders:
            file, index = self.pack.sources[rule.id]
            names = _and([u.username for u in holders])
            limit = rule.max_holders
            held = "1 person holds" if len(holders) == 1 else f"{len(holders)} people hold"
            message = f"{held} role '{rule.role}', at most {limit} may: {names}"
            self.findings.append(
                Finding(file, 0, 0, rule.severity, rule.cite(message), node=("rules", index, "max_holders"))
            )

    def required_fields(self, rule: RequiredFields) -> None:
        for user in self.people(rule):
            if not rule.applies_to.matches(user):
                continue
            for field in rule.fields:
                if not getattr(user, field):
                    message = f"'{user.username}' has no {field} (required for {rule.applies_to.describe()})"
                    self.at_user(user, rule, message)

    def expiry_required(self, rule: ExpiryRequired) -> None:
        latest = self.today + timedelta(days=rule.max_days)
        who = rule.applies_to.describe()
        for user in self.people(rule):
            if not rule.applies_to.matches(user):
                continue
            if user.end_date is None:
                days = rule.max_days
                message = f"'{user.username}' has no end_date; {who} need one at most {days} days away"
                self.at_user(user, rule, message)
            elif user.end_date > latest:
                days = (user.end_date - self.today).days
                message = (
                    f"end_date {user.end_date} is {days} days away; {who} may have at most"
                    f" {rule.max_days} (until {latest})"
                )
                self.at_user(user, rule, message, "end_date")

    def transfer_required(self, rule: TransferRequired) -> None:
        for user in self.people(rule, offboarded=True):
            if rule.applies_to.matches(user) and user.transfer_to is None:
                message = (
                    f"'{user.username}' is offboarded without a transfer_to;"
                    f" {rule.applies_to.describe()} must hand over open work"
                )
                self.at_user(user, rule, message)

    def sandbox_requires_production(self, rule: SandboxRequiresProduction) -> None:
        for user in self.people(rule):
            if rule.sandbox in user.environments and rule.production not in user.environments:
                message = f"'{user.username}' has {rule.sandbox} access without {rule.production}"
                self.at_user(user, rule, message, "environments", user.environments.index(rule.sandbox))


_KINDS: dict[type[RuleBase], Callable[[_Eval, Any], None]] = {
    SeparationOfDuties: _Eval.separation_of_duties,
    RoleConstraints: _Eval.role_constraints,
    RequiredFields: _Eval.required_fields,
    ExpiryRequired: _Eval.expiry_required,
    TransferRequired: _Eval.transfer_required,
    SandboxRequiresProduction: _Eval.sandbox_requires_production,
}


def evaluate_desired(pack: PolicyPack, desired: Desired, today: date) -> list[Finding]:
    """Findings (node paths, not yet positioned) of every desired-state rule in `pack`."""
    run = _Eval(pack, desired, today)
    for rule in pack.rules:
        method = _KINDS.get(type(rule))
        if method is not None:
            method(run, rule)
    return run.findings
