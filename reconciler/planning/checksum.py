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
Rows are sorted by lower-cased username, so file and page order never matter, and hashed
with model.canonical.sha256_of_rows (fast; a missing value and an empty one are the same).
"""

from __future__ import annotations

from typing import Any

from reconciler.errors import StalePlan
from reconciler.model.canonical import sha256_of, sha256_of_rows
from reconciler.model.desired import Desired
from reconciler.model.observed import Observed
from reconciler.model.plan import Plan


def _user_row(u: Any) -> tuple[str, ...]:
    return (
        u.username, u.first_name, u.last_name, u.email, u.user_type, u.npi or "",
        str(len(u.roles)), *u.roles, str(len(u.locations)), *u.locations,
        str(len(u.environments)), *u.environments, u.state,
        u.start_date.isoformat() if u.start_date else "",
        u.end_date.isoformat() if u.end_date else "",
        u.transfer_to or "",
    )  # fmt: skip


def _by_username(row: tuple[str, ...]) -> str:
    return row[0].lower()


def desired_fingerprint(desired: Desired) -> str:
    targets = {
        name: [t.mode, t.unmanaged, sorted(p.lower() for p in t.protected), t.safety.model_dump()]
        for name, t in desired.config.targets.items()
    }
    roles = {name: sorted(bundle.groups) for name, bundle in desired.roles.items()}
    users = sha256_of_rows(sorted(map(_user_row, desired.users), key=_by_username))
    return sha256_of({"targets": targets, "roles": roles, "users": users})


def _account_row(a: Any) -> tuple[str, ...]:
    return (
        a.username, a.first_name, a.last_name, a.email, a.user_type, a.npi or "", a.status,
        str(len(a.groups)), *a.groups, str(len(a.locations)), *a.locations,
        "1" if a.open_work > 0 else "0",
    )  # fmt: skip


def observed_fingerprint(observed: dict[str, Observed]) -> str:
    # Sorting by lower-cased username makes page order irrelevant (usernames are unique
    # case-insensitively).
    return sha256_of(
        {
            name: sha256_of_rows(sorted(map(_account_row, observed[name].accounts), key=_by_username))
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
