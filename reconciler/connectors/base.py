"""The Connector protocol: read a console completely, change it with small verbs.

Small like octoDNS's provider. Every write verb is idempotent and verified: it reads
the account, returns `already_in_state` when nothing is to be done, acts, reads back,
and returns `verified` only when the console shows the wanted state. Verbs return an
Outcome instead of raising through the caller; only `observe` raises (an
ObservationError when the read is short or failed).
"""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from reconciler.model.observed import Observed

OutcomeStatus = Literal["verified", "already_in_state", "failed"]


class Outcome(BaseModel):
    """What one verb did. `message` carries the console's own words on failure."""

    model_config = ConfigDict(frozen=True)

    status: OutcomeStatus
    message: str = ""
    evidence: str | None = None  # path of a screenshot or archive file, when one was saved
    attempts: int = 1

    @property
    def ok(self) -> bool:
        return self.status != "failed"


class Profile(BaseModel):
    """The profile fields of an account that Git declares."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    first_name: str
    last_name: str
    email: str
    user_type: Literal["provider", "staff"]
    npi: str | None = None


class NewAccount(BaseModel):
    """Everything needed to create an account in one form."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    username: str
    profile: Profile
    groups: tuple[str, ...]
    locations: tuple[str, ...]


class Connector(Protocol):
    """One console (both its environments, each a target with its own login)."""

    async def start(self) -> None: ...

    async def observe(self, target: str) -> Observed: ...

    async def create(self, target: str, account: NewAccount) -> Outcome: ...

    async def update_profile(self, target: str, username: str, profile: Profile) -> Outcome: ...

    async def set_groups(self, target: str, username: str, groups: tuple[str, ...]) -> Outcome: ...

    async def set_locations(self, target: str, username: str, locations: tuple[str, ...]) -> Outcome: ...

    async def suspend(self, target: str, username: str) -> Outcome: ...

    async def reactivate(self, target: str, username: str) -> Outcome: ...

    async def transfer_open_work(self, target: str, username: str, to_username: str) -> Outcome: ...

    async def archive(self, target: str, username: str) -> Outcome: ...

    async def deactivate(self, target: str, username: str) -> Outcome: ...

    async def close(self) -> None: ...
