"""diff(desired, observed) -> Plan: what must change in each console to match Git.

Pure and deterministic: no I/O, no clock (`today` is an argument), output independent
of the order of users or accounts. Linear: every lookup is a dict keyed by the
lower-cased username, so 100,000 accounts plan in a fraction of a second.

Decisions worth knowing:
- A user is wanted in a target when it is listed under `environments`, its state is not
  `offboarded` and its end_date has not passed (a passed end_date offboards with reason
  `policy`). Any other account of theirs that can still log in (or be re-enabled) is
  offboarded, in every target, listed or not.
- When the caller passes `policy_offboard` (the policy layer does, when a pack has an
  `end_date` rule), that mapping alone says who is offboarded by policy, and why; the
  built-in end_date rule is then off, so waivers and grace days are the policy's business
  and no one is offboarded twice.
- A missing account is created with its groups and locations in one step, unless the
  user is suspended or starts in the future.
- A deactivated (`inactive`) account that Git wants active is not reactivated: the
  console's verbs cannot revive it, so the plan carries a finding instead.
- Protected accounts are never acted on. If Git declares changes for one, the changes
  are dropped and a finding says so.
- Unmanaged accounts (no user in Git) follow the target's `unmanaged` setting; inactive
  ones are ignored whatever it says.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from reconciler.model.desired import Desired, Target, User
from reconciler.model.observed import Account, Observed
from reconciler.model.plan import (
    AccountValues,
    Action,
    CreateAccount,
    GrantGroups,
    Plan,
    PlanFinding,
    Reactivate,
    Reason,
    RevokeGroups,
    SetLocations,
    Suspend,
    TargetPlan,
    UnmanagedAccount,
    UpdateProfile,
)
from reconciler.planning.checksum import desired_fingerprint, observed_fingerprint
from reconciler.planning.compare import (
    changed_fields,
    label_set,
    norm_label,
    profile_values,
    raw_profile_of_account,
    raw_profile_of_user,
    same_profile,
)
from reconciler.planning.offboarding import Offboarding, offboarding_actions
from reconciler.planning.ordering import in_execution_order
from reconciler.planning.reasons import Baseline


def diff(
    desired: Desired,
    observed: dict[str, Observed],
    baseline: dict[str, Observed] | None = None,
    *,
    today: date,
    policy_offboard: Mapping[str, str] | None = None,
) -> Plan:
    """Plan every target that is both configured and observed, in reconciler.yaml order.

    A configured target without an observation is left out (never planned as empty: an
    empty console would mean "create everyone"); an observation of an unknown target is
    ignored. `policy_offboard`: lower-cased username -> why, people to offboard with
    reason `policy` whatever their state says (None: the built-in end_date rule).
    """
    forced = None if policy_offboard is None else {k.lower(): why for k, why in policy_offboard.items()}
    users = {u.username.lower(): u for u in desired.users}
    groups = _GroupsOf(desired)
    planned: dict[str, Observed] = {}
    targets: list[TargetPlan] = []
    for name, target in desired.config.targets.items():
        seen = observed.get(name)
        if seen is None:
            continue
        planned[name] = seen
        base = Baseline(baseline.get(name) if baseline else None)
        targets.append(_TargetDiff(name, target, users, groups, seen, base, today, forced).plan())
    return Plan.build(desired_fingerprint(desired), observed_fingerprint(planned), tuple(targets))


class _GroupsOf:
    """Desired.groups_of, memoised per roles tuple: thousands of users share a few bundles."""

    def __init__(self, desired: Desired) -> None:
        self._desired = desired
        self._cache: dict[tuple[str, ...], tuple[tuple[str, ...], frozenset[str]]] = {}

    def __call__(self, user: User) -> tuple[tuple[str, ...], frozenset[str]]:
        roles = user.__dict__["roles"]  # hot path: see _TargetDiff._in_sync
        hit = self._cache.get(roles)
        if hit is None:
            names = self._desired.groups_of(user)
            hit = self._cache[roles] = (names, label_set(names))
        return hit


class _TargetDiff:
    """The actions, unmanaged accounts and findings of one target."""

    def __init__(
        self,
        name: str,
        target: Target,
        users: dict[str, User],
        groups: _GroupsOf,
        observed: Observed,
        baseline: Baseline,
        today: date,
        forced: dict[str, str] | None = None,
    ) -> None:
        self.name = name
        self.target = target
        self.users = users
        self.groups = groups
        self.observed = observed
        self.accounts = observed.by_key()
        self.baseline = baseline
        self.today = today
        self.forced = forced
        self.protected = frozenset(p.lower() for p in target.protected)
        self.actions: list[Action] = []
        self.findings: list[PlanFinding] = []
        self.unmanaged: list[UnmanagedAccount] = []

    def plan(self) -> TargetPlan:
        accounts, protected, forced = self.accounts, self.protected, self.forced or {}
        for key, user in self.users.items():
            account = accounts.get(key)
            if account is None or key in protected or key in forced or not self._in_sync(user, account):
                self._person(user, account)
        for key, account in self.accounts.items():
            if key not in self.users and key not in self.protected:
                self._unmanaged(account)
        return TargetPlan(
            name=self.name,
            mode=self.target.mode,
            observed_accounts=len(self.observed.accounts),
            safety=self.target.safety,
            protected=self.target.protected,
            actions=in_execution_order(self.actions),
            unmanaged=tuple(sorted(self.unmanaged, key=lambda u: u.username.lower())),
            findings=tuple(sorted(self.findings, key=lambda f: (f.username.lower(), f.message))),
        )

    # -- managed accounts ---------------------------------------------------------------

    def _in_sync(self, user: User, account: Account) -> bool:
        """The common case, decided on raw values alone: nothing to do for this account.

        False only means "look closer": _reconcile then normalises and decides. Reads the
        models' __dict__ directly: this runs once per account, and pydantic attribute
        access would be most of the cost of a 100,000-account plan.
        """
        a, u = account.__dict__, user.__dict__
        return (
            a["status"] == u["state"]
            and a["groups"] == self.groups(user)[0]
            and a["locations"] == u["locations"]
            and a["email"] == u["email"]
            and a["first_name"] == u["first_name"]
            and a["last_name"] == u["last_name"]
            and a["user_type"] == u["user_type"]
            and a["npi"] == u["npi"]
            and self.name in u["environments"]
            and (u["end_date"] is None or u["end_date"] >= self.today)
        )

    def _intent(self, user: User) -> tuple[str, Reason | None, str]:
        """What Git wants of this user here: active, suspended or offboard (and why)."""
        if user.state == "offboarded":
            return "offboard", None, "state: offboarded"
        if self.forced is not None:
            if user.key in self.forced:
                return "offboard", "policy", self.forced[user.key]
        elif user.end_date is not None and user.end_date < self.today:
            return "offboard", "policy", f"end_date {user.end_date} has passed"
        if self.name not in user.environments:
            return "offboard", None, f"no longer listed for {self.name}"
        return user.state, None, ""

    def _person(self, user: User, account: Account | None) -> None:
        if user.key not in self.protected:
            self._reconcile(user, account)
            return
        # Protected: work out what Git would change, then drop it and say so.
        before = len(self.actions)
        self._reconcile(user, account)
        dropped = len(self.actions) - before
        del self.actions[before:]
        if dropped:
            self._finding(
                user.username, f"protected in {self.name}: {dropped} change(s) Git declares not planned"
            )

    def _reconcile(self, user: User, account: Account | None) -> None:
        intent, forced, why = self._intent(user)
        if intent == "offboard":
            if account is not None and account.status != "inactive":
                self._offboard(user, account, forced, why)
            return
        if account is None:
            if intent == "active" and not (user.start_date and user.start_date > self.today):
                self._create(user)
            return
        if account.status == "inactive":
            if intent == "active":
                self._finding(
                    account.username,
                    "account was deactivated in the console; re-enable it by hand or give the person a new"
                    " username",
                )
            return
        self._status(account, intent)
        self._profile(user, account)
        self._locations(user, account)
        self._groups(user, account)

    def _create(self, user: User) -> None:
        names, _ = self.groups(user)
        self.actions.append(
            CreateAccount(
                target=self.name,
                username=user.username,
                after=AccountValues(
                    **profile_values(raw_profile_of_user(user)).model_dump(),
                    groups=names,
                    locations=tuple(sorted(user.locations)),
                ),
                reason=self.baseline.reason(user.key, "exists", None),
                detail="new account" if not names else f"new account with {len(names)} group(s)",
            )
        )

    def _status(self, account: Account, intent: str) -> None:
        if account.status == intent:
            return
        reason = self.baseline.reason(account.key, "status", account)
        if intent == "active" and account.status in ("suspended", "locked"):
            verb = "unlock" if account.status == "locked" else "reactivate"
            self.actions.append(
                Reactivate(
                    target=self.name,
                    username=account.username,
                    before=account.status,
                    reason=reason,
                    detail=f"{verb}: Git says active",
                )
            )
        # A locked account cannot sign in either: it already is what `suspended` asks for
        # (an administrator's unlock would make it active, and then it is suspended).
        elif intent == "suspended" and account.status == "active":
            self.actions.append(
                Suspend(
                    target=self.name,
                    username=account.username,
                    before=account.status,
                    reason=reason,
                    detail="Git says suspended",
                )
            )

    def _profile(self, user: User, account: Account) -> None:
        want, have = raw_profile_of_user(user), raw_profile_of_account(account)
        if same_profile(have, want):
            return
        self.actions.append(
            UpdateProfile(
                target=self.name,
                username=account.username,
                before=profile_values(have),
                after=profile_values(want),
                reason=self.baseline.reason(account.key, "profile", account),
                detail="change " + ", ".join(changed_fields(have, want)),
            )
        )

    def _locations(self, user: User, account: Account) -> None:
        # Raw equality first: it is the common case and costs no normalising.
        if account.locations == user.locations or label_set(user.locations) == label_set(account.locations):
            return
        self.actions.append(
            SetLocations(
                target=self.name,
                username=account.username,
                before=account.locations,
                after=tuple(sorted(user.locations)),
                reason=self.baseline.reason(account.key, "locations", account),
                detail="locations: " + (", ".join(sorted(user.locations)) or "none"),
            )
        )

    def _groups(self, user: User, account: Account) -> None:
        names, wanted = self.groups(user)
        if account.groups == names:  # both sorted: the common case, no normalising
            return
        have = label_set(account.groups)
        if have == wanted:
            return
        reason = self.baseline.reason(account.key, "groups", account)
        kept = tuple(g for g in account.groups if norm_label(g) in wanted)
        if len(kept) < len(account.groups):
            removed = [g for g in account.groups if norm_label(g) not in wanted]
            self.actions.append(
                RevokeGroups(
                    target=self.name,
                    username=account.username,
                    before=account.groups,
                    after=kept,
                    reason=reason,
                    detail="revoke " + ", ".join(removed),
                )
            )
        added = [g for g in names if norm_label(g) not in have]
        if added:
            self.actions.append(
                GrantGroups(
                    target=self.name,
                    username=account.username,
                    before=kept,
                    after=tuple(sorted((*kept, *added))),
                    reason=reason,
                    detail="grant " + ", ".join(added),
                )
            )

    def _offboard(self, user: User, account: Account, forced: Reason | None, why: str) -> None:
        successor, because = self._successor(user)
        actions, findings = offboarding_actions(
            Offboarding(
                target=self.name,
                account=account,
                why=why,
                status_reason=forced or self.baseline.reason(account.key, "status", account),
                groups_reason=forced or self.baseline.reason(account.key, "groups", account),
                successor=successor,
                no_successor_because=because,
            )
        )
        self.actions += actions
        self.findings += findings

    def _successor(self, user: User) -> tuple[str | None, str]:
        """Who can take this user's open work here: Git-active, wanted here, enabled now."""
        if user.transfer_to is None:
            return None, "no transfer_to"
        key = user.transfer_to.lower()
        successor, account = self.users.get(key), self.accounts.get(key)
        if successor is None or self._intent(successor)[0] != "active":
            return None, f"transfer_to '{user.transfer_to}' is not active in Git for {self.name}"
        if account is None or account.status not in ("active", "locked"):
            return None, f"transfer_to '{user.transfer_to}' has no active account in {self.name}"
        return account.username, ""

    # -- unmanaged accounts -------------------------------------------------------------

    def _unmanaged(self, account: Account) -> None:
        policy = self.target.unmanaged
        if policy == "ignore" or account.status == "inactive":
            return
        self.unmanaged.append(
            UnmanagedAccount(target=self.name, username=account.username, status=account.status)
        )
        if policy == "suspend" and account.status in ("active", "locked"):
            self.actions.append(
                Suspend(
                    target=self.name,
                    username=account.username,
                    before=account.status,
                    reason="policy",
                    detail="not in Git (unmanaged: suspend)",
                )
            )

    def _finding(self, username: str, message: str) -> None:
        self.findings.append(PlanFinding(target=self.name, username=username, message=message))
