"""MemoryConnector: the Connector protocol over dicts, for unit tests of planning and
execution. Not a console stand-in for users (that is the simulator).

Behaves like the contract asks of a real connector: every verb is idempotent
(`already_in_state` when there is nothing to do), refuses what the console refuses
(deactivating an account that still owns open work; acting on a missing or deactivated
account), and reads back its own write. Tests can make chosen calls fail, pause every
call on a hook, and inspect the calls made, in order.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Iterable
from datetime import UTC, datetime

from reconciler.connectors.base import NewAccount, Outcome, Profile
from reconciler.model.observed import Account, Observed

# Called before every write verb with (verb, target, username); may await, e.g. on an Event.
CallHook = Callable[[str, str, str], Awaitable[None]]


class MemoryConnector:
    """Accounts per target, changed in place by the verbs."""

    def __init__(
        self,
        accounts: dict[str, Iterable[Account]],
        *,
        fail: Iterable[tuple[str, str]] = (),
        on_call: CallHook | None = None,
    ) -> None:
        self.accounts: dict[str, dict[str, Account]] = {
            target: {a.key: a for a in listed} for target, listed in accounts.items()
        }
        # (verb, username) pairs that fail with an injected fault, as a console error would.
        self.fail = {(verb, username.lower()) for verb, username in fail}
        self.on_call = on_call
        self.calls: Counter[str] = Counter()
        self.log: list[tuple[str, str, str]] = []  # (verb, target, username), in call order
        self.closed = False

    # -- reading ------------------------------------------------------------------------

    async def observe(self, target: str) -> Observed:
        self.calls["observe"] += 1
        accounts = self.accounts.get(target, {})
        return Observed(target=target, observed_at=datetime.now(UTC), accounts=tuple(accounts.values()))

    def account(self, target: str, username: str) -> Account | None:
        return self.accounts.get(target, {}).get(username.lower())

    # -- the common shape of a write ----------------------------------------------------

    async def _begin(self, verb: str, target: str, username: str) -> Outcome | None:
        """Count, log, pause on the hook; a failure Outcome when the call is to fail."""
        self.calls[verb] += 1
        self.log.append((verb, target, username))
        if self.on_call is not None:
            await self.on_call(verb, target, username)
        if (verb, username.lower()) in self.fail:
            return Outcome(status="failed", message=f"injected fault: {verb} {username}")
        return None

    def _existing(self, target: str, username: str) -> Account | Outcome:
        account = self.account(target, username)
        if account is None:
            return Outcome(status="failed", message=f"no account '{username}' in {target}")
        if account.status == "inactive":
            return Outcome(status="failed", message=f"account '{username}' in {target} is inactive")
        return account

    def _write(self, target: str, account: Account, **changes: object) -> Outcome:
        # Validated again, as a console re-renders the page: groups and locations sorted.
        self.accounts.setdefault(target, {})[account.key] = Account.model_validate(
            {**account.model_dump(), **changes}
        )
        return Outcome(status="verified")

    # -- verbs --------------------------------------------------------------------------

    async def create(self, target: str, account: NewAccount) -> Outcome:
        if (fault := await self._begin("create", target, account.username)) is not None:
            return fault
        existing = self.account(target, account.username)
        if existing is not None:
            if existing.status == "inactive":
                return Outcome(
                    status="failed", message=f"username '{account.username}' belongs to an inactive account"
                )
            return Outcome(status="already_in_state", message="account exists")
        new = Account(
            username=account.username,
            **account.profile.model_dump(),
            status="active",
            groups=account.groups,
            locations=account.locations,
        )
        self.accounts.setdefault(target, {})[new.key] = new
        return Outcome(status="verified")

    async def update_profile(self, target: str, username: str, profile: Profile) -> Outcome:
        if (fault := await self._begin("update_profile", target, username)) is not None:
            return fault
        found = self._existing(target, username)
        if isinstance(found, Outcome):
            return found
        wanted = profile.model_dump()
        if all(getattr(found, k) == v for k, v in wanted.items()):
            return Outcome(status="already_in_state")
        return self._write(target, found, **wanted)

    async def set_groups(self, target: str, username: str, groups: tuple[str, ...]) -> Outcome:
        return await self._set("set_groups", "groups", target, username, groups)

    async def set_locations(self, target: str, username: str, locations: tuple[str, ...]) -> Outcome:
        return await self._set("set_locations", "locations", target, username, locations)

    async def _set(
        self, verb: str, field: str, target: str, username: str, values: tuple[str, ...]
    ) -> Outcome:
        if (fault := await self._begin(verb, target, username)) is not None:
            return fault
        current = self.account(target, username)
        # Already there is already there, even on an inactive account (a re-run after offboarding).
        if current is not None and getattr(current, field) == tuple(sorted(set(values))):
            return Outcome(status="already_in_state")
        found = self._existing(target, username)
        if isinstance(found, Outcome):
            return found
        return self._write(target, found, **{field: values})

    async def suspend(self, target: str, username: str) -> Outcome:
        return await self._status("suspend", target, username, "suspended")

    async def reactivate(self, target: str, username: str) -> Outcome:
        return await self._status("reactivate", target, username, "active")

    async def _status(self, verb: str, target: str, username: str, status: str) -> Outcome:
        if (fault := await self._begin(verb, target, username)) is not None:
            return fault
        found = self._existing(target, username)
        if isinstance(found, Outcome):
            return found
        if found.status == status:
            return Outcome(status="already_in_state")
        return self._write(target, found, status=status)

    async def transfer_open_work(self, target: str, username: str, to_username: str) -> Outcome:
        if (fault := await self._begin("transfer_open_work", target, username)) is not None:
            return fault
        found = self.account(target, username)
        if found is None:
            return Outcome(status="failed", message=f"no account '{username}' in {target}")
        if found.open_work == 0:
            return Outcome(status="already_in_state", message="no open work")
        successor = self.account(target, to_username)
        if successor is None or successor.status not in ("active", "locked"):
            return Outcome(status="failed", message=f"'{to_username}' is not an active user in {target}")
        self._write(target, successor, open_work=successor.open_work + found.open_work)
        return self._write(target, found, open_work=0)

    async def archive(self, target: str, username: str) -> Outcome:
        if (fault := await self._begin("archive", target, username)) is not None:
            return fault
        found = self.account(target, username)
        if found is None:
            return Outcome(status="failed", message=f"no account '{username}' in {target}")
        return Outcome(status="verified", evidence=f"archives/{target}/{found.key}.json")

    async def deactivate(self, target: str, username: str) -> Outcome:
        if (fault := await self._begin("deactivate", target, username)) is not None:
            return fault
        found = self.account(target, username)
        if found is None:
            return Outcome(status="failed", message=f"no account '{username}' in {target}")
        if found.status == "inactive":
            return Outcome(status="already_in_state")
        if found.open_work > 0:
            return Outcome(
                status="failed",
                message=f"'{username}' still owns {found.open_work} open work item(s); transfer them first",
            )
        return self._write(target, found, status="inactive")

    async def start(self) -> None:
        self.closed = False

    async def close(self) -> None:
        self.closed = True
