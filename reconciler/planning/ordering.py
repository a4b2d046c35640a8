"""Execution order: everything that reduces access before anything that extends it.

Two phases, least privilege at every moment: in `reduce` go transfers, archives,
suspensions, revocations, location removals and deactivations; in `extend` go
creations, reactivations, profile updates, location additions and grants. Within a
phase one person's actions keep a fixed order (offboarding: transfer -> archive ->
revoke -> deactivate), and people are ordered by username so plans are deterministic.
The executor runs the phases one after the other with the same `phase_of`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Literal

from reconciler.model.plan import Action, SetLocations

Phase = Literal["reduce", "extend"]
PHASES: tuple[Phase, ...] = ("reduce", "extend")

# Fixed order of one person's actions within a phase.
_RANK: dict[str, int] = {
    # reduce
    "transfer_open_work": 0,
    "archive": 1,
    "suspend": 2,
    "revoke_groups": 3,
    "set_locations": 4,
    "deactivate": 5,
    # extend
    "create_account": 0,
    "reactivate": 1,
    "update_profile": 2,
    "grant_groups": 4,
}
_EXTENDS = frozenset({"create_account", "reactivate", "update_profile", "grant_groups"})


def phase_of(action: Action) -> Phase:
    if isinstance(action, SetLocations):
        # Removal-only is a reduction; anything that adds a location extends access.
        return "reduce" if set(action.after) <= set(action.before) else "extend"
    return "extend" if action.kind in _EXTENDS else "reduce"


def order_key(action: Action) -> tuple[int, str, int]:
    return (PHASES.index(phase_of(action)), action.key, _RANK[action.kind])


def in_execution_order(actions: Iterable[Action]) -> tuple[Action, ...]:
    return tuple(sorted(actions, key=order_key))
