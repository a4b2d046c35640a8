"""The desired state declared in an access repo: reconciler.yaml, roles.yaml, users/*.yaml.

Shape and per-field rules live here (pydantic v2, unknown keys forbidden); rules that
span files (duplicates, references between users, roles and targets) live in
reconciler.loading.checks, which knows where every node came from.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from reconciler.model.npi import npi_is_valid

UserType = Literal["provider", "staff"]
UserState = Literal["active", "suspended", "offboarded"]
Mode = Literal["enforce", "report"]
Unmanaged = Literal["ignore", "report", "suspend"]
Risk = Literal["low", "high"]

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
EnvVarName = Annotated[str, StringConstraints(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")]
Username = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9._@-]*$", max_length=64)]

# Deliberately simple: one '@', a dot in the domain, no spaces. Deliverability is the
# identity provider's business, not ours.
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# -- reconciler.yaml ------------------------------------------------------------------


class Credentials(Frozen):
    """Names of environment variables holding the robot's login; never the values."""

    username_env: EnvVarName
    password_env: EnvVarName
    totp_secret_env: EnvVarName


class Safety(Frozen):
    """Caps a plan must stay under unless `--force` (see planning.safety)."""

    max_deactivate_pct: float = Field(default=25, ge=0, le=100)
    max_deactivate: int = Field(default=10, ge=0)
    max_changes: int = Field(default=100, ge=0)
    # A read of the console with this much fewer accounts than the last report is refused
    # as short (an expired session or an empty grid must never look like mass departure).
    max_observed_drop_pct: float = Field(default=20, ge=0, le=100)


class Target(Frozen):
    """One console environment (production or the Practice Sandbox): one login."""

    kind: Literal["modmed"]
    base_url: Annotated[str, StringConstraints(pattern=r"^https?://[^\s/]+(/\S*)?$")]
    practice: Name
    credentials: Credentials
    mode: Mode = "report"
    unmanaged: Unmanaged = "report"
    protected: tuple[Username, ...] = ()
    safety: Safety = Safety()


class ReportSettings(Frozen):
    """Where drift reports and the audit trail go, and how they are committed."""

    dir: Name = "reports"
    # The audit trail's folder (audit/<target>.jsonl): relative to the access repo, or an
    # absolute path outside it (then it is never committed).
    audit: Name = "audit"
    commit: bool = True
    push: bool = False
    author: Annotated[str, StringConstraints(pattern=r"^[^<>]+ <[^<>\s]+>$")] = (
        "Access Reconciler <access-reconciler@localhost>"
    )


class ReconcilerConfig(Frozen):
    """reconciler.yaml."""

    version: Literal[1]
    practice: Name
    targets: dict[Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")], Target] = Field(
        min_length=1
    )
    report: ReportSettings = ReportSettings()


# -- roles.yaml -----------------------------------------------------------------------


class RoleBundle(Frozen):
    """A business role mapped onto ModMed permission groups."""

    description: str = ""
    user_types: tuple[UserType, ...] = Field(min_length=1)
    groups: tuple[Name, ...] = Field(min_length=1)
    locations: tuple[Name, ...] | None = None
    risk: Risk = "low"


class RolesFile(Frozen):
    """roles.yaml."""

    roles: dict[Name, RoleBundle] = Field(min_length=1)


# -- users/*.yaml ---------------------------------------------------------------------


class User(Frozen):
    """One person and the access they should have."""

    username: Username
    first_name: Name
    last_name: Name
    email: str
    user_type: UserType
    npi: str | None = None
    roles: tuple[Name, ...] = ()
    locations: tuple[Name, ...] = ()
    environments: tuple[Name, ...] = ("production",)
    state: UserState = "active"
    manager: Username | None = None
    start_date: date | None = None
    end_date: date | None = None
    transfer_to: Username | None = None
    tags: tuple[Name, ...] = ()

    @field_validator("email")
    @classmethod
    def _email(cls, value: str) -> str:
        if not _EMAIL.match(value):
            raise ValueError(f"email '{value}' is not a valid email address")
        return value

    @field_validator("npi", mode="before")
    @classmethod
    def _npi(cls, value: Any) -> Any:
        if isinstance(value, bool) or value is None:
            return value
        if isinstance(value, int):
            raise ValueError(f"npi {value} was read as a number; quote it: npi: \"{value}\"")
        if isinstance(value, str):
            if not (len(value) == 10 and value.isdigit()):
                raise ValueError(f"npi '{value}' must be exactly 10 digits")
            if not npi_is_valid(value):
                raise ValueError(f"npi '{value}' fails the NPI check digit (Luhn over 80840)")
        return value

    @property
    def key(self) -> str:
        """Identity: the username, matched case-insensitively."""
        return self.username.lower()


class UsersFileHeader(Frozen):
    """A users/*.yaml file: a `users` list. Entries are validated one by one."""

    users: list[Any]


# -- the whole repo -------------------------------------------------------------------


class Desired(Frozen):
    """Everything an access repo declares, validated."""

    config: ReconcilerConfig
    roles: dict[str, RoleBundle]
    users: tuple[User, ...]
    # username (lower-case) -> the users/*.yaml file that declares it, for messages.
    sources: dict[str, str] = {}
    # username (lower-case) -> its index in that file's `users` list, to position findings
    # made later (policy rules) at the user's node.
    indexes: dict[str, int] = {}

    def user(self, username: str) -> User | None:
        key = username.lower()
        return next((u for u in self.users if u.key == key), None)

    def groups_of(self, user: User) -> tuple[str, ...]:
        """The permission groups a user's role bundles grant, sorted and unique."""
        return tuple(sorted({g for role in user.roles for g in self.roles[role].groups}))

    def users_in(self, target: str) -> tuple[User, ...]:
        return tuple(u for u in self.users if target in u.environments)


class UsersFile(Frozen):
    """A users/*.yaml file as a whole (for the JSON Schema editors use)."""

    users: list[User]
