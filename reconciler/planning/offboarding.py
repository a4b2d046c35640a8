"""The offboarding sequence for one account: transfer open work -> archive -> revoke
every group -> deactivate.

The console refuses to deactivate an account that still owns open work (tasks, unsigned
notes, appointments), so the work goes to the successor first. When there is open work
and no successor who can take it in this target, deactivation would be refused: the
account is suspended instead (login cut, work kept) and a finding asks for a
`transfer_to`; the next plan finishes the job once one is set.
"""

from __future__ import annotations

from dataclasses import dataclass

from reconciler.model.observed import Account
from reconciler.model.plan import (
    Action,
    Archive,
    Deactivate,
    PlanFinding,
    Reason,
    RevokeGroups,
    Suspend,
    TransferOpenWork,
)


@dataclass(frozen=True)
class Offboarding:
    """Why and on whose behalf one account is offboarded."""

    target: str
    account: Account
    why: str  # e.g. "state: offboarded", "no longer listed for sandbox"
    status_reason: Reason
    groups_reason: Reason
    successor: str | None  # a user who can take open work in this target now
    no_successor_because: str = ""


def offboarding_actions(job: Offboarding) -> tuple[list[Action], list[PlanFinding]]:
    account, target = job.account, job.target
    actions: list[Action] = []
    findings: list[PlanFinding] = []
    blocked = False
    if account.open_work > 0:
        if job.successor is not None:
            actions.append(
                TransferOpenWork(
                    target=target,
                    username=account.username,
                    before=account.username,
                    after=job.successor,
                    reason=job.status_reason,
                    detail=f"{account.open_work} open work item(s) to {job.successor}",
                )
            )
        else:
            blocked = True
            findings.append(
                PlanFinding(
                    target=target,
                    username=account.username,
                    message=(
                        f"{account.open_work} open work item(s) and {job.no_successor_because}; suspended"
                        " instead of deactivated until a transfer_to can take the work"
                    ),
                )
            )
    actions.append(
        Archive(
            target=target,
            username=account.username,
            reason=job.status_reason,
            detail=f"export the user record as offboarding evidence ({job.why})",
        )
    )
    if account.groups:
        actions.append(
            RevokeGroups(
                target=target,
                username=account.username,
                before=account.groups,
                after=(),
                reason=job.groups_reason,
                detail=f"offboarding: revoke all {len(account.groups)} group(s)",
            )
        )
    if not blocked:
        actions.append(
            Deactivate(
                target=target,
                username=account.username,
                before=account.status,
                reason=job.status_reason,
                detail=job.why,
            )
        )
    elif account.status != "suspended":
        actions.append(
            Suspend(
                target=target,
                username=account.username,
                before=account.status,
                reason=job.status_reason,
                detail=f"{job.why}; open work blocks deactivation",
            )
        )
    return actions, findings
