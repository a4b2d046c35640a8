"""Narrowing a plan to one person (`--user`), for an urgent offboarding."""

from __future__ import annotations

from reconciler.model.plan import Plan


def only_user(plan: Plan, username: str) -> Plan:
    """The same plan with only `username`'s actions, unmanaged entries and findings."""
    key = username.lower()
    targets = tuple(
        t.model_copy(
            update={
                "actions": tuple(a for a in t.actions if a.username.lower() == key),
                "unmanaged": tuple(u for u in t.unmanaged if u.username.lower() == key),
                "findings": tuple(f for f in t.findings if f.username.lower() == key),
            }
        )
        for t in plan.targets
    )
    return Plan.build(plan.desired_fingerprint, plan.observed_fingerprint, targets)
