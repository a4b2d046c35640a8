"""Why an action is planned: `git` (declared, not yet applied) or `drift` (changed in
the console outside Git), judged against the baseline.

The baseline is the observed state recorded at the last committed report. A field where
the console now differs from the baseline was changed out of band: drift. Everything
else, and everything when there is no baseline yet, is a Git change. (`policy` reasons
are decided by diff itself, not here.)
"""

from __future__ import annotations

from typing import Literal

from reconciler.model.observed import Account, Observed
from reconciler.model.plan import Reason
from reconciler.planning.compare import label_set, raw_profile_of_account, same_profile

Field = Literal["exists", "status", "groups", "locations", "profile"]


def _exists(account: Account | None) -> bool:
    return account is not None and account.status != "inactive"


def _same(field: Field, base: Account, now: Account) -> bool:
    if field == "status":
        return base.status == now.status
    if field == "groups":
        return base.groups == now.groups or label_set(base.groups) == label_set(now.groups)
    if field == "locations":
        return base.locations == now.locations or label_set(base.locations) == label_set(now.locations)
    return same_profile(raw_profile_of_account(base), raw_profile_of_account(now))


class Baseline:
    """One target's baseline accounts, keyed case-insensitively (or none at all)."""

    def __init__(self, observed: Observed | None) -> None:
        self._accounts = observed.by_key() if observed is not None else None

    def reason(self, key: str, field: Field, now: Account | None) -> Reason:
        if self._accounts is None:
            return "git"
        base = self._accounts.get(key)
        if field == "exists":
            return "drift" if base is not None and _exists(base) != _exists(now) else "git"
        if base is None or now is None:
            return "git"
        return "git" if _same(field, base, now) else "drift"
