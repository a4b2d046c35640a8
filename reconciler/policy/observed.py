"""Evaluate rules on the observed state: the plan, with the runtime kinds enforced.

`plan_with_policies` is planning.diff with a policy pack on top:
- `end_date`: the pack decides who is offboarded past their end_date (waivers, grace
  days) and hands that to diff as `policy_offboard`, so diff's built-in end_date rule is
  off and no one is offboarded twice. Each such offboarding also gets a loud plan
  finding: Git still says the person is active.
- `failed_logins`, `inactivity`: an account Git wants enabled that crossed the limit is
  suspended (reason `policy`). A suspended one stays suspended: diff's reactivation (or
  unlock, for a locked account) is dropped, with a finding that says why. Accounts that
  have never logged in are left alone: the console does not say when they were created.
- `sandbox_requires_production`: a sandbox account whose owner will not have an active
  production account after this plan is suspended too.
- `offboarding_sla`: offboardings still pending past the SLA get a finding (given when
  each was requested, which only Git knows).
Protected accounts and accounts no user in Git claims are never touched here.

Pure, like diff: the clock is each observation's `observed_at`.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from reconciler.model.desired import Desired, User
from reconciler.model.observed import Account, Observed
from reconciler.model.plan import Action, Plan, PlanFinding, Suspend, TargetPlan
from reconciler.model.policy import (
    EndDate,
    FailedLogins,
    Inactivity,
    PolicyPack,
    RuleBase,
    SandboxRequiresProduction,
)
from reconciler.planning import diff
from reconciler.planning.ordering import in_execution_order
from reconciler.policy.sla import as_utc, sla_breaches

_CUT = frozenset({"suspend", "deactivate", "archive", "transfer_open_work"})


def plan_with_policies(
    desired: Desired,
    observed: dict[str, Observed],
    baseline: dict[str, Observed] | None = None,
    *,
    pack: PolicyPack,
    today: date,
    offboarding_requested: Mapping[str, datetime] | None = None,
) -> Plan:
    """diff() with the pack's runtime rules applied. An empty pack plans exactly like diff."""
    if not pack.rules:
        return diff(desired, observed, baseline, today=today)
    forced = end_date_offboarding(pack, desired, today) if pack.has(EndDate) else None
    plan = diff(desired, observed, baseline, today=today, policy_offboard=forced)
    return enforce(plan, desired, observed, pack, forced or {}, offboarding_requested or {})


def end_date_offboarding(pack: PolicyPack, desired: Desired, today: date) -> dict[str, str]:
    """Lower-cased username -> why, for everyone an `end_date` rule offboards today."""
    out: dict[str, str] = {}
    for user in desired.users:
        if user.state == "offboarded" or user.end_date is None:
            continue
        for rule in pack.of_kind(EndDate):
            ended = today > user.end_date + timedelta(days=rule.grace_days)
            if ended and not rule.waived(user.username, today):
                out[user.key] = rule.cite(f"end_date {user.end_date} has passed")
                break
    return out


def enforce(
    plan: Plan,
    desired: Desired,
    observed: dict[str, Observed],
    pack: PolicyPack,
    forced: Mapping[str, str],
    offboarding_requested: Mapping[str, datetime],
) -> Plan:
    """`plan` with the runtime rules' actions and findings added (and re-ordered, re-sealed)."""
    run = _Enforcement(plan, desired, observed, pack, forced)
    for target in plan.targets:
        run.account_rules(target.name)
    for rule in pack.of_kind(SandboxRequiresProduction):
        run.sandbox_rule(rule)
    for target in plan.targets:
        run.loud_end_dates(target.name)
        run.sla(target.name, offboarding_requested)
    targets = tuple(
        t.model_copy(
            update={
                "actions": in_execution_order(run.actions[t.name]),
                "findings": tuple(sorted(run.findings[t.name], key=_finding_order)),
            }
        )
        for t in plan.targets
    )
    return Plan.build(plan.desired_fingerprint, plan.observed_fingerprint, targets)


class _Enforcement:
    def __init__(
        self,
        plan: Plan,
        desired: Desired,
        observed: dict[str, Observed],
        pack: PolicyPack,
        forced: Mapping[str, str],
    ) -> None:
        self.desired = desired
        self.observed = observed
        self.pack = pack
        self.forced = forced
        self.users = {u.key: u for u in desired.users}
        self.plans: dict[str, TargetPlan] = {t.name: t for t in plan.targets}
        self.actions: dict[str, list[Action]] = {t.name: list(t.actions) for t in plan.targets}
        self.findings: dict[str, list[PlanFinding]] = {t.name: list(t.findings) for t in plan.targets}

    # -- helpers ------------------------------------------------------------------------

    def kinds(self, target: str, key: str) -> set[str]:
        return {a.kind for a in self.actions[target] if a.key == key}

    def managed(self, target: str, account: Account) -> User | None:
        """The Git user who should be able to log in with `account` here, unless a plan
        action already cuts it (offboarding, a Git suspension)."""
        user = self.users.get(account.key)
        if (
            user is None
            or account.key in {p.lower() for p in self.plans[target].protected}
            or user.state != "active"
            or target not in user.environments
            or account.key in self.forced
            or account.status == "inactive"
            or self.kinds(target, account.key) & _CUT
        ):
            return None
        return user

    def suspend(self, target: str, account: Account, rule: RuleBase, why: str) -> None:
        """Suspend `account` by `rule`, or keep it suspended (dropping diff's reactivation)."""
        before = len(self.actions[target])
        self.actions[target] = [
            a for a in self.actions[target] if not (a.key == account.key and a.kind == "reactivate")
        ]
        dropped = len(self.actions[target]) < before
        if account.status in ("active", "locked"):
            self.actions[target].append(
                Suspend(
                    target=target,
                    username=account.username,
                    before=account.status,
                    reason="policy",
                    detail=rule.cite(why),
                )
            )
        elif dropped:
            kept = f"stays suspended, not reactivated: {why}; a waiver lifts it"
            self.finding(target, account, rule.cite(kept))

    def finding(self, target: str, account: Account, message: str) -> None:
        self.findings[target].append(PlanFinding(target=target, username=account.username, message=message))

    # -- the rules ----------------------------------------------------------------------

    def account_rules(self, target: str) -> None:
        seen = self.observed[target]
        now = as_utc(seen.observed_at)
        for account in seen.accounts:
            user = self.managed(target, account)
            if user is None:
                continue
            for rule in self.pack.of_kind(FailedLogins):
                if _applies(rule, target, user, now.date()) and account.failed_logins >= rule.max_failed:
                    why = f"{account.failed_logins} failed logins (limit {rule.max_failed})"
                    self.suspend(target, account, rule, why)
                    if account.status != "suspended":  # "suspend and report"
                        report = f"{why}: suspended; confirm with the person before reactivating it"
                        self.finding(target, account, rule.cite(report))
                    break
            else:
                for rule in self.pack.of_kind(Inactivity):
                    idle = _idle_days(account, now)
                    if _applies(rule, target, user, now.date()) and idle is not None and idle >= rule.days:
                        self.suspend(target, account, rule, f"no login for {idle} days (limit {rule.days})")
                        break

    def sandbox_rule(self, rule: SandboxRequiresProduction) -> None:
        sandbox, production = self.observed.get(rule.sandbox), self.observed.get(rule.production)
        if sandbox is None or production is None or rule.sandbox not in self.plans:
            return  # without both reads there is nothing to compare
        today = as_utc(sandbox.observed_at).date()
        for account in sandbox.accounts:
            user = self.managed(rule.sandbox, account)
            if user is None or rule.waived(user.username, today):
                continue
            if not self.active_after_plan(rule.production, account.key, production.account(account.key)):
                self.suspend(rule.sandbox, account, rule, f"no active {rule.production} account")

    def active_after_plan(self, target: str, key: str, account: Account | None) -> bool:
        """Will `key` have an active account in `target` once this plan has run?"""
        if target not in self.actions:
            return False
        kinds = self.kinds(target, key)
        if account is None:
            return "create_account" in kinds  # a new hire gets both accounts in one run
        if kinds & {"suspend", "deactivate"}:
            return False
        return account.status == "active" or "reactivate" in kinds

    def loud_end_dates(self, target: str) -> None:
        for key, why in self.forced.items():
            actions = [a for a in self.actions[target] if a.key == key]
            if any(a.kind in ("deactivate", "suspend") for a in actions):
                user = self.users[key]
                file = self.desired.sources.get(key, "users/")
                message = f"OFFBOARDED BY POLICY although {file} still says state: {user.state}: {why}"
                finding = PlanFinding(target=target, username=user.username, message=message)
                self.findings[target].append(finding)

    def sla(self, target: str, requested: Mapping[str, datetime]) -> None:
        pending = {
            k: at for k, at in requested.items() if self.kinds(target, k.lower()) & {"deactivate", "suspend"}
        }
        if not pending:
            return
        for breach in sla_breaches(self.pack, pending, {}, self.observed[target].observed_at):
            finding = PlanFinding(target=target, username=breach.username, message=breach.message)
            self.findings[target].append(finding)


def _finding_order(finding: PlanFinding) -> tuple[str, str]:
    return finding.username.lower(), finding.message


def _applies(rule: FailedLogins | Inactivity, target: str, user: User, today: date) -> bool:
    return (not rule.targets or target in rule.targets) and not rule.waived(user.username, today)


def _idle_days(account: Account, now: datetime) -> int | None:
    """Whole days since the last login; None for an account that never logged in."""
    if account.last_login is None:
        return None
    return (now - as_utc(account.last_login)).days
