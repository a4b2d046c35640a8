"""The plan: typed, frozen actions per target in execution order, sealed by a checksum.

Owns the action value objects, the per-target plan and the Plan itself (with its
checksum). It computes nothing about *what* to do: planning.diff decides the actions,
planning.ordering their order, planning.safety whether they may run. Imports only
model and errors, like every model module.

Every action says where (`target`), on whom (`username`), what the console shows now
(`before`) and what it will show after this one step (`after`), why (`reason`: `git`
for a declared change not yet applied, `drift` for a change made in the console outside
Git, `policy` for a rule such as `unmanaged: suspend` or a passed end_date) and a short
human `detail`. `before`/`after` are plain values (strings, ints, tuples of strings) or,
for whole profiles, small frozen models that dump to plain JSON.
"""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from reconciler.model.canonical import sha256_of
from reconciler.model.desired import Mode, Safety
from reconciler.model.observed import AccountStatus

Reason = Literal["git", "drift", "policy"]

PLAN_FORMAT = 1


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ProfileValues(_Frozen):
    """The profile fields Git declares for an account (connectors.base.Profile, as data)."""

    first_name: str
    last_name: str
    email: str
    user_type: Literal["provider", "staff"]
    npi: str | None = None


class AccountValues(ProfileValues):
    """Everything a new account is created with, in one form."""

    groups: tuple[str, ...]
    locations: tuple[str, ...]


class _Action(_Frozen):
    target: str
    username: str
    reason: Reason
    detail: str = ""

    @property
    def key(self) -> str:
        """The person, case-insensitively: one person's actions run one after another."""
        return self.username.lower()

    def semantic(self) -> dict[str, Any]:
        """What the action does, without its wording: the part checksums cover.

        `detail` is left out so that rewording (or an open-work count that changes by
        the minute) never makes a saved plan stale.
        """
        return self.model_dump(mode="json", exclude={"detail"})


class CreateAccount(_Action):
    """A missing account, created with its profile, groups and locations in one go."""

    kind: Literal["create_account"] = "create_account"
    before: None = None
    after: AccountValues


class UpdateProfile(_Action):
    """Names, email, user type or NPI differ; `after` is the whole profile Git declares."""

    kind: Literal["update_profile"] = "update_profile"
    before: ProfileValues
    after: ProfileValues


class GrantGroups(_Action):
    """Add permission groups: `after` is the full set the account ends with."""

    kind: Literal["grant_groups"] = "grant_groups"
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def added(self) -> tuple[str, ...]:
        return tuple(g for g in self.after if g not in self.before)


class RevokeGroups(_Action):
    """Remove permission groups: `after` is the full set the account keeps."""

    kind: Literal["revoke_groups"] = "revoke_groups"
    before: tuple[str, ...]
    after: tuple[str, ...]

    @property
    def removed(self) -> tuple[str, ...]:
        return tuple(g for g in self.before if g not in self.after)


class SetLocations(_Action):
    """Make the account's locations exactly `after`."""

    kind: Literal["set_locations"] = "set_locations"
    before: tuple[str, ...]
    after: tuple[str, ...]


class Suspend(_Action):
    kind: Literal["suspend"] = "suspend"
    before: AccountStatus
    after: Literal["suspended"] = "suspended"


class Reactivate(_Action):
    """Suspended or locked -> active (for a locked account this is the unlock)."""

    kind: Literal["reactivate"] = "reactivate"
    before: Literal["suspended", "locked"]
    after: Literal["active"] = "active"


class TransferOpenWork(_Action):
    """Move tasks, unsigned notes and appointments from `before` (the owner) to `after`."""

    kind: Literal["transfer_open_work"] = "transfer_open_work"
    before: str
    after: str

    @property
    def to_username(self) -> str:
        return self.after


class Archive(_Action):
    """Export the user record as offboarding evidence; changes nothing in the console."""

    kind: Literal["archive"] = "archive"
    before: None = None
    after: None = None


class Deactivate(_Action):
    kind: Literal["deactivate"] = "deactivate"
    before: AccountStatus
    after: Literal["inactive"] = "inactive"


Action = Annotated[
    CreateAccount
    | UpdateProfile
    | GrantGroups
    | RevokeGroups
    | SetLocations
    | Suspend
    | Reactivate
    | TransferOpenWork
    | Archive
    | Deactivate,
    Field(discriminator="kind"),
]

ACTION_KINDS: tuple[str, ...] = (
    "create_account",
    "update_profile",
    "grant_groups",
    "revoke_groups",
    "set_locations",
    "suspend",
    "reactivate",
    "transfer_open_work",
    "archive",
    "deactivate",
)


class UnmanagedAccount(_Frozen):
    """An account in the console that no user in Git claims (never a protected one)."""

    target: str
    username: str
    status: AccountStatus


class PlanFinding(_Frozen):
    """Something the plan cannot fix by itself and a person should look at."""

    target: str
    username: str
    message: str


class TargetPlan(_Frozen):
    """One target's actions in execution order, plus what the safety checks need."""

    name: str
    mode: Mode
    observed_accounts: int = Field(ge=0)
    safety: Safety = Safety()
    protected: tuple[str, ...] = ()
    actions: tuple[Action, ...] = ()
    unmanaged: tuple[UnmanagedAccount, ...] = ()
    findings: tuple[PlanFinding, ...] = ()


def plan_checksum(desired_fingerprint: str, observed_fingerprint: str, actions: tuple[_Action, ...]) -> str:
    """sha256 over canonical JSON of both fingerprints and every action, in order."""
    return sha256_of(
        {
            "desired": desired_fingerprint,
            "observed": observed_fingerprint,
            "actions": [a.semantic() for a in actions],
        }
    )


def count_kinds(actions: tuple[_Action, ...]) -> dict[str, int]:
    counted = Counter(a.kind for a in actions)  # type: ignore[attr-defined]
    return {kind: counted[kind] for kind in ACTION_KINDS if counted[kind]}


class Plan(_Frozen):
    """What apply would do, per target, and the checksum that seals it.

    Build one with `Plan.build`; the validator recomputes `counts` and `checksum` so a
    plan file edited by hand (or by accident) is refused when it is read back.
    """

    format: Literal[1] = PLAN_FORMAT
    desired_fingerprint: str
    observed_fingerprint: str
    targets: tuple[TargetPlan, ...]
    counts: dict[str, int]
    checksum: str

    @classmethod
    def build(
        cls, desired_fingerprint: str, observed_fingerprint: str, targets: tuple[TargetPlan, ...]
    ) -> Plan:
        actions = tuple(a for t in targets for a in t.actions)
        return cls(
            desired_fingerprint=desired_fingerprint,
            observed_fingerprint=observed_fingerprint,
            targets=targets,
            counts=count_kinds(actions),
            checksum=plan_checksum(desired_fingerprint, observed_fingerprint, actions),
        )

    @model_validator(mode="after")
    def _sealed(self) -> Plan:
        actions = self.actions
        if self.counts != count_kinds(actions):
            raise ValueError("plan counts do not match its actions; the plan was edited")
        if self.checksum != plan_checksum(self.desired_fingerprint, self.observed_fingerprint, actions):
            raise ValueError("plan checksum does not match its content; the plan was edited")
        return self

    @property
    def actions(self) -> tuple[Action, ...]:
        return tuple(a for t in self.targets for a in t.actions)

    @property
    def unmanaged(self) -> tuple[UnmanagedAccount, ...]:
        return tuple(u for t in self.targets for u in t.unmanaged)

    @property
    def findings(self) -> tuple[PlanFinding, ...]:
        return tuple(f for t in self.targets for f in t.findings)

    @property
    def is_empty(self) -> bool:
        return not self.counts

    def target(self, name: str) -> TargetPlan | None:
        return next((t for t in self.targets if t.name == name), None)
