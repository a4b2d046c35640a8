"""Offboarding time: from the commit that requested an offboarding to its verified
deactivation in a target (HIPAA 164.308(a)(3)(ii)(C): auditors ask "how fast").

Pure. The commits come in as data (gitops.AccessRepo.offboarding_requests finds them;
reporting must not import gitops): a mapping of lower-cased username -> (commit sha,
committed at). The deactivation time is when this run's Deactivate was verified (an
ActionClock's note), or the run's end when no note was taken.

Who is listed: the people this target's plan offboards (an Archive or Deactivate action),
that a commit asked to offboard. Leavers deactivated long ago have no actions and are
not listed again; people offboarded by policy (a passed end_date) or by being removed
from the target's environments have no requesting commit of `state: offboarded` and
are left out too.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import datetime

from reconciler.execution.executor import ApplyResult
from reconciler.model.plan import TargetPlan
from reconciler.reporting.drift import OffboardingTiming

_OFFBOARDING_KINDS = frozenset({"archive", "deactivate"})


def offboarding_candidates(target: TargetPlan) -> tuple[str, ...]:
    """Usernames (lower-cased, sorted) this target's plan offboards: ask gitops about these."""
    return tuple(sorted({a.key for a in target.actions if a.kind in _OFFBOARDING_KINDS}))


def offboarding_timings(
    target: TargetPlan,
    requests: Mapping[str, tuple[str, datetime]],
    result: ApplyResult | None,
    *,
    finished_at: datetime,
    times: Mapping[str, datetime] | None = None,
) -> tuple[OffboardingTiming, ...]:
    """One timing per offboarded person with a requesting commit; `minutes` once verified."""
    verified: dict[str, datetime] = {}
    for r in result.results if result is not None else ():
        if r.action.target == target.name and r.action.kind == "deactivate" and r.status == "verified":
            verified[r.action.key] = (times or {}).get(r.action_id, finished_at)
    timings = []
    for key in offboarding_candidates(target):
        request = requests.get(key)
        if request is None:
            continue
        sha, requested_at = request
        done = verified.get(key)
        username = next(a.username for a in target.actions if a.key == key)
        timings.append(
            OffboardingTiming(
                username=username,
                requested_commit=sha,
                requested_at=requested_at,
                deactivated_at=done,
                minutes=None
                if done is None
                else max(0, math.ceil((done - requested_at).total_seconds() / 60)),
            )
        )
    return tuple(timings)
