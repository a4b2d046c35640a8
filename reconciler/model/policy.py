"""Policy rules as data: the shape of `policies/*.yaml` (pydantic v2, unknown keys forbidden).

A policy file holds `rules:`, a list; each rule has an `id`, a `kind` (one class per kind,
a discriminated union, so an unknown kind or a missing field is a shape error the loader
can position), a `severity`, a `description`, kind-specific fields and optional
`waivers`. This module owns the shape and the small questions a rule answers about one
person (does it apply to them, are they waived); evaluating rules against the desired
or observed state is reconciler.policy's job. Imports only model.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Annotated, Any, Literal, TypeVar

from pydantic import Field, StringConstraints, model_validator

from reconciler.model.desired import Frozen, Name, User, Username, UserType
from reconciler.model.findings import Severity

RuleId = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9._-]*$", max_length=64)]

# Optional user fields a `required_fields` rule can insist on.
RequirableField = Literal[
    "npi", "manager", "start_date", "end_date", "transfer_to", "roles", "locations", "tags"
]


class Waiver(Frozen):
    """An exception to one rule for named people, with a reason and an end."""

    users: tuple[Username, ...] = Field(min_length=1)
    reason: Name
    expires: date

    def covers(self, username: str, today: date) -> bool:
        """An expired waiver covers nobody (and is itself a finding)."""
        key = username.lower()
        return today <= self.expires and any(u.lower() == key for u in self.users)


_PLURAL = {"provider": "providers", "staff": "staff"}


class Selector(Frozen):
    """Whom a rule applies to. Each criterion given must match (any one of its values);
    an empty selector selects everyone."""

    user_types: tuple[UserType, ...] = ()
    roles: tuple[Name, ...] = ()
    tags: tuple[Name, ...] = ()

    def matches(self, user: User) -> bool:
        if self.user_types and user.user_type not in self.user_types:
            return False
        if self.roles and not set(self.roles) & set(user.roles):
            return False
        return not (self.tags and not {t.lower() for t in self.tags} & {t.lower() for t in user.tags})

    def describe(self) -> str:
        """`people tagged contractor`, `providers`, `everyone`: for messages."""
        parts = []
        if self.user_types:
            parts.append(" or ".join(_PLURAL[t] for t in self.user_types))
        if self.roles:
            parts.append("holders of " + " or ".join(self.roles))
        if self.tags:
            parts.append("people tagged " + " or ".join(self.tags))
        return ", ".join(parts) if parts else "everyone"


class RuleBase(Frozen):
    """What every rule has, whatever its kind."""

    id: RuleId
    severity: Severity
    description: Name
    waivers: tuple[Waiver, ...] = ()

    def waived(self, username: str, today: date) -> bool:
        return any(w.covers(username, today) for w in self.waivers)

    def cite(self, text: str) -> str:
        """A finding's message, naming the rule it comes from."""
        return f"{text} (policy '{self.id}')"


# -- kinds evaluated on the desired state (validate, pull requests) ----------------------


class SeparationOfDuties(RuleBase):
    """No one may hold two or more of these role bundles, or of these permission groups."""

    kind: Literal["separation_of_duties"]
    roles: tuple[Name, ...] = ()
    groups: tuple[Name, ...] = ()

    @model_validator(mode="after")
    def _one_list(self) -> SeparationOfDuties:
        if bool(self.roles) == bool(self.groups):
            raise ValueError("separation_of_duties needs either `roles` or `groups` (not both)")
        if len(self.roles or self.groups) < 2:
            raise ValueError("separation_of_duties needs at least two roles or groups that conflict")
        return self


class RoleConstraints(RuleBase):
    """Limits on who may hold one role bundle."""

    kind: Literal["role_constraints"]
    role: Name
    user_types: tuple[UserType, ...] | None = None
    max_holders: int | None = Field(default=None, ge=0)
    requires_manager: bool = False

    @model_validator(mode="after")
    def _some_constraint(self) -> RoleConstraints:
        if self.user_types is None and self.max_holders is None and not self.requires_manager:
            raise ValueError("role_constraints needs user_types, max_holders or requires_manager")
        return self


class RequiredFields(RuleBase):
    """Fields that must be filled in for the people selected."""

    kind: Literal["required_fields"]
    fields: tuple[RequirableField, ...] = Field(min_length=1)
    applies_to: Selector = Selector()


class ExpiryRequired(RuleBase):
    """The people selected (contractors, emergency access) need an end_date, and a near one."""

    kind: Literal["expiry_required"]
    applies_to: Selector
    max_days: int = Field(ge=1)


class TransferRequired(RuleBase):
    """Offboarding the people selected needs a transfer_to (they always leave open work)."""

    kind: Literal["transfer_required"]
    applies_to: Selector = Selector()


# -- kinds evaluated on the observed state too (plan and apply) --------------------------


class SandboxRequiresProduction(RuleBase):
    """Practice Sandbox access only for people with an active production account."""

    kind: Literal["sandbox_requires_production"]
    sandbox: Name = "sandbox"
    production: Name = "production"


class Inactivity(RuleBase):
    """No console login for `days` days: suspend (reason `policy`)."""

    kind: Literal["inactivity"]
    days: int = Field(ge=1)
    targets: tuple[Name, ...] = ()  # empty: every target


class FailedLogins(RuleBase):
    """`max_failed` failed logins or more: suspend and report (reason `policy`)."""

    kind: Literal["failed_logins"]
    max_failed: int = Field(ge=1)
    targets: tuple[Name, ...] = ()


class EndDate(RuleBase):
    """`grace_days` after a person's end_date they are offboarded, whatever the YAML's state."""

    kind: Literal["end_date"]
    grace_days: int = Field(default=0, ge=0)


class OffboardingSla(RuleBase):
    """Offboarding must be verified within `minutes` of the commit that requested it."""

    kind: Literal["offboarding_sla"]
    minutes: int = Field(ge=1)


Rule = Annotated[
    SeparationOfDuties
    | RoleConstraints
    | RequiredFields
    | ExpiryRequired
    | TransferRequired
    | SandboxRequiresProduction
    | Inactivity
    | FailedLogins
    | EndDate
    | OffboardingSla,
    Field(discriminator="kind"),
]

RULE_KINDS: tuple[str, ...] = (
    "separation_of_duties",
    "role_constraints",
    "required_fields",
    "expiry_required",
    "transfer_required",
    "sandbox_requires_production",
    "inactivity",
    "failed_logins",
    "end_date",
    "offboarding_sla",
)


class PolicyFileHeader(Frozen):
    """A policies/*.yaml file: a `rules` list. Rules are validated one by one."""

    rules: list[Any]


class PolicyFile(Frozen):
    """A policies/*.yaml file as a whole (for validation in one call and the JSON Schema)."""

    rules: list[Rule]


R = TypeVar("R")


class PolicyPack(Frozen):
    """Every valid rule of an access repo's policies/, in file order."""

    rules: tuple[Rule, ...] = ()
    # rule id -> (the policies/*.yaml file, the rule's index in its `rules` list), for positions.
    sources: dict[str, tuple[str, int]] = Field(default_factory=dict)

    def of_kind(self, kind: type[R]) -> Iterator[R]:
        return (r for r in self.rules if isinstance(r, kind))

    def has(self, kind: type[Any]) -> bool:
        return any(isinstance(r, kind) for r in self.rules)
