"""Safety gates: refuse a plan that would disable or change too much at once.

Per target, with the caps from reconciler.yaml (`safety:`):
- `max_deactivate`: accounts that would lose their login (deactivated or suspended);
- `max_deactivate_pct`: the same as a share of the target's observed accounts, applied
  only from MIN_ACCOUNTS_FOR_PCT accounts on (as octoDNS does), since 1 of 3 is not a
  mass deactivation;
- `max_changes`: all actions.
`--force` passes these. Nothing passes an action on a protected account: diff never
plans one, so finding one means the plan was not made by diff (or diff has a bug).
Targets in `report` mode are not applied, so the caps are not checked for them.
"""

from __future__ import annotations

from reconciler.errors import UnsafePlan
from reconciler.model.plan import Deactivate, Plan, Suspend, TargetPlan

MIN_ACCOUNTS_FOR_PCT = 10
_OVERRIDE = "rerun with --force to override"


def protected_violations(plan: Plan) -> list[str]:
    problems = []
    for target in plan.targets:
        protected = {p.lower() for p in target.protected}
        touched = sorted({a.username for a in target.actions if a.key in protected})
        if touched:
            problems.append(f"{target.name}: actions on protected account(s) {', '.join(touched)}")
    return problems


def _cap_violations(target: TargetPlan) -> list[str]:
    caps = target.safety
    disabled = len({a.key for a in target.actions if isinstance(a, Deactivate | Suspend)})
    problems = []
    if disabled > caps.max_deactivate:
        problems.append(
            f"{target.name}: {disabled} account(s) would be deactivated or suspended,"
            f" over max_deactivate ({caps.max_deactivate})"
        )
    if target.observed_accounts >= MIN_ACCOUNTS_FOR_PCT:
        pct = 100 * disabled / target.observed_accounts
        if pct > caps.max_deactivate_pct:
            problems.append(
                f"{target.name}: {disabled} of {target.observed_accounts} accounts ({pct:.1f}%) would be"
                f" deactivated or suspended, over max_deactivate_pct ({caps.max_deactivate_pct:g}%)"
            )
    if len(target.actions) > caps.max_changes:
        problems.append(
            f"{target.name}: {len(target.actions)} actions, over max_changes ({caps.max_changes})"
        )
    return problems


def safety_problems(plan: Plan) -> list[str]:
    """Every cap the plan exceeds, one message each (empty when safe)."""
    return [p for t in plan.targets if t.mode == "enforce" for p in _cap_violations(t)]


def raise_if_unsafe(plan: Plan, *, force: bool = False) -> None:
    protected = protected_violations(plan)
    if protected:
        raise UnsafePlan(
            "; ".join(protected) + "; protected accounts are never changed, not even with --force"
        )
    problems = safety_problems(plan)
    if problems and not force:
        raise UnsafePlan("; ".join(problems) + f"; {_OVERRIDE}")
