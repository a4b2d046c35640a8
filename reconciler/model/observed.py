"""What a console showed when it was read: every account of one target, at one time.

Values are normalised on the way in (groups and locations sorted, usernames keyed
case-insensitively) so that comparisons never flap on order or case.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

AccountStatus = Literal["active", "suspended", "inactive", "locked"]


class Account(BaseModel):
    """One console account as observed."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    user_type: Literal["provider", "staff"] = "staff"
    npi: str | None = None
    status: AccountStatus
    groups: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    last_login: datetime | None = None
    failed_logins: int = Field(default=0, ge=0)
    open_work: int = Field(default=0, ge=0)

    @field_validator("groups", "locations")
    @classmethod
    def _sorted(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(sorted(set(value)))

    @property
    def key(self) -> str:
        return self.username.lower()

    @property
    def is_enabled(self) -> bool:
        """Can log in now, or could after an unlock (locked accounts keep their access)."""
        return self.status in ("active", "locked")


class Observed(BaseModel):
    """Every account of one target, read completely (a short read never becomes one)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target: str
    observed_at: datetime
    accounts: tuple[Account, ...]

    def account(self, username: str) -> Account | None:
        key = username.lower()
        return next((a for a in self.accounts if a.key == key), None)

    def by_key(self) -> dict[str, Account]:
        return {a.key: a for a in self.accounts}


class ConsoleChange(BaseModel):
    """One change the console's audit log attributes to a console user."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    username: str  # the account that was changed
    at: str  # the console's own timestamp text (UTC)
    actor: str  # the console user who made the change
    action: str
    fields: tuple[str, ...] = ()
