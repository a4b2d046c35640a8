"""Fingerprints of the plan's inputs, and the check that refuses a stale saved plan.

A fingerprint covers exactly what the plan depends on, so that it changes when the
plan could, and not otherwise:
- desired: each target's mode, unmanaged policy, protected accounts and safety caps;
  each role's groups; each user's identity, profile, roles, locations, environments,
  state, dates and successor. Not descriptions, tags, managers, report settings or
  which file declares whom.
- observed: each account's identity, profile, status, groups, locations and whether it
  has open work. Not `observed_at`, `last_login` or `failed_logins` (noise that moves by
  the minute and that diff does not read), nor the open-work *count* (a busy clinic
  changes it constantly; only "any open work" changes the plan).
Lists are sorted by lower-cased username, so file and page order never matter.
"""

from __future__ import annotations

from typing import Any

from reconciler.errors import StalePlan
from reconciler.model.canonical import sha256_of
from reconciler.model.desired import Desired
from reconciler.model.observed import Observed
from reconciler.model.plan import Plan


def _user_row(u: Any) -> list[Any]:
    return [
        u.key, u.username, u.first_name, u.last_name, u.email, u.user_type, u.npi, list(u.roles),
        list(u.locations), list(u.environments), u.state,
        u.start_date.isoformat() if u.start_date else None,
        u.end_date.isoformat() if u.end_date else None,
        u.transfer_to,
    ]  # fmt: skip


def desired_fingerprint(desired: Desired) -> str:
    targets = {
        name: [t.mode, t.unmanaged, sorted(p.lower() for p in t.protected), t.safety.model_dump()]
        for name, t in desired.config.targets.items()
    }
    roles = {name: sorted(bundle.groups) for name, bundle in desired.roles.items()}
    users = sorted((_user_row(u) for u in desired.users), key=lambda row: row[0])
    return sha256_of({"targets": targets, "roles": roles, "users": users})


def _account_row(a: Any) -> list[Any]:
    return [
        a.key, a.username, a.first_name, a.last_name, a.email, a.user_type, a.npi, a.status,
        list(a.groups), list(a.locations), a.open_work > 0,
    ]  # fmt: skip


def observed_fingerprint(observed: dict[str, Observed]) -> str:
    return sha256_of(
        {
            name: sorted((_account_row(a) for a in observed[name].accounts), key=lambda row: row[0])
            for name in sorted(observed)
        }
    )


def verify_plan(saved: Plan, fresh: Plan) -> None:
    """Raise StalePlan unless `fresh` (planned now) is the very plan that was saved."""
    if saved.checksum == fresh.checksum:
        return
    changed = [
        what
        for what, differs in (
            ("Git (desired state)", saved.desired_fingerprint != fresh.desired_fingerprint),
            ("the console (observed state)", saved.observed_fingerprint != fresh.observed_fingerprint),
        )
        if differs
    ]
    since = " and ".join(changed) if changed else "the planned actions"
    raise StalePlan(
        f"the saved plan {saved.checksum[:12]} is stale: {since} changed since it was made"
        f" (now {fresh.checksum[:12]}); plan again"
    )
