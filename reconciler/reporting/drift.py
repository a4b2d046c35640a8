"""The drift report of one run for one target: a frozen value object built by a pure function.

Owns `DriftReport` (schema_version 1) and its parts, `build_report` (TargetPlan +
ApplyResult + the Observed it was planned from + attributions -> report) and the way
back, `baseline_of` (report -> Observed, the next plan's baseline). Reads nothing, writes
nothing, asks no clock: reporting.store does the files, the engine passes the times.
Must not import gitops (a sibling layer) or anything that talks to a console.

What goes into Git (it is committed to the access repo, read by auditors, and must carry
no PHI and no secrets): usernames, statuses, user types, permission groups, locations,
the date (not time) of the last login, failed-login and open-work counts, action kinds,
reasons and outcomes, console usernames of whoever changed something, and times. Never
first or last names, emails or NPIs. An account's profile is kept only as
`profile_sha256`, a short fingerprint of its normalised names, email, user type and NPI:
enough for the next run to tell "profile changed in the console since" from "unchanged",
which planning needs to decide between `drift` and `git`. The fingerprint is not secret
(it is salted with target and username for separation, not secrecy); the values it
covers of managed people are in users/*.yaml anyway, and those of unmanaged accounts are
not recoverable from it without guessing them.

Action wording for the report never quotes profile values: an update reads "fields:
email, last_name", not the old and new values.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from reconciler.execution.executor import ActionResult, ApplyResult
from reconciler.model.canonical import sha256_of
from reconciler.model.desired import Mode
from reconciler.model.observed import Account, AccountStatus, Observed
from reconciler.model.plan import Action, Reason, TargetPlan
from reconciler.planning.compare import changed_fields, normal_profile, raw_profile_of_account
from reconciler.planning.render import row

SCHEMA_VERSION = 1

# How an action ended up in this run; `pending` = planned and not attempted (no apply,
# or the target is in report mode).
ActionStatus = Literal[
    "pending", "verified", "already_in_state", "failed", "skipped", "done_earlier", "report_only"
]
APPLIED = frozenset({"verified", "already_in_state", "done_earlier"})
FAILED = frozenset({"failed", "skipped"})  # skipped: an earlier action of the same person failed

# Which console field an action corrects, to attribute it to the console audit log.
_FIELD_OF_KIND = {
    "create_account": "exists",
    "update_profile": "profile",
    "grant_groups": "groups",
    "revoke_groups": "groups",
    "set_locations": "locations",
    "suspend": "status",
    "reactivate": "status",
    "deactivate": "status",
    "transfer_open_work": "status",
    "archive": "status",
}
KNOWN_FIELDS = frozenset(_FIELD_OF_KIND.values())


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ConsoleChange(_Frozen):
    """One change the console's audit log attributes to someone (for out-of-band drift).

    `field` is one of exists, profile, groups, locations, status (or the console's own
    word when it maps to none of them); `actor` is the console username who did it.
    """

    username: str
    field: str
    actor: str
    at: datetime


class PolicyFinding(_Frozen):
    """A policy (or plan) finding as the report shows it; messages must carry no PHI."""

    rule: str
    severity: Literal["error", "warning", "info"] = "warning"
    username: str | None = None
    message: str
    where: str | None = None  # file:line in the access repo, when the finding is about Git


class OffboardingTiming(_Frozen):
    """From the commit that asked for an offboarding to the verified deactivation here."""

    username: str
    requested_commit: str
    requested_at: datetime
    deactivated_at: datetime | None = None  # None: not deactivated here yet
    minutes: int | None = None  # whole minutes, rounded up: never understates the delay


class ReportAccount(_Frozen):
    """What Git keeps of one observed account (see the module docstring for why)."""

    username: str
    status: AccountStatus
    user_type: Literal["provider", "staff"]
    groups: tuple[str, ...] = ()
    locations: tuple[str, ...] = ()
    last_login: date | None = None
    failed_logins: int = Field(default=0, ge=0)
    open_work: int = Field(default=0, ge=0)
    profile_sha256: str


class ReportAction(_Frozen):
    username: str
    action: str
    change: str
    reason: Reason
    status: ActionStatus
    message: str = ""
    changed_by: tuple[ConsoleChange, ...] = ()  # out-of-band drift only: who did it, when


class ReportUnmanaged(_Frozen):
    username: str
    status: AccountStatus


class Summary(_Frozen):
    in_sync: bool
    pending: int
    out_of_band: int
    applied: int
    failed: int
    unmanaged: int
    findings: int
    offboardings: int


class RunInfo(_Frozen):
    """The volatile part: different on every run, so kept out of the content digest."""

    started_at: datetime
    finished_at: datetime
    observed_at: datetime
    desired_commit: str | None = None
    plan_checksum: str | None = None
    reconciler_version: str


class DriftReport(_Frozen):
    """One target's drift report. Sections are sorted; `content_sha256` covers all but `run`."""

    schema_version: Literal[1] = SCHEMA_VERSION
    target: str
    mode: Mode
    content_sha256: str = ""
    summary: Summary
    pending: tuple[ReportAction, ...] = ()
    out_of_band: tuple[ReportAction, ...] = ()
    applied: tuple[ReportAction, ...] = ()
    failed: tuple[ReportAction, ...] = ()
    unmanaged: tuple[ReportUnmanaged, ...] = ()
    findings: tuple[PolicyFinding, ...] = ()
    offboarding: tuple[OffboardingTiming, ...] = ()
    console_changes: tuple[ConsoleChange, ...] = ()
    accounts: tuple[ReportAccount, ...] = ()
    run: RunInfo

    def content_digest(self) -> str:
        """sha256 of everything but the run metadata: equal digests, nothing new to commit."""
        return sha256_of(self.model_dump(mode="json", exclude={"run", "content_sha256"}))

    @property
    def in_sync(self) -> bool:
        return self.summary.in_sync


# -- building -------------------------------------------------------------------------


def profile_fingerprint(target: str, account: Account) -> str:
    """16 hex digits over the normalised profile (salted with target and username)."""
    profile = normal_profile(raw_profile_of_account(account))
    return sha256_of({"target": target, "username": account.key, "profile": list(profile)})[:16]


def report_account(target: str, account: Account) -> ReportAccount:
    last = account.last_login
    if last is not None and last.tzinfo is None:
        last = last.replace(tzinfo=UTC)  # the console shows UTC; a naive time is taken as such
    return ReportAccount(
        username=account.username,
        status=account.status,
        user_type=account.user_type,
        groups=account.groups,
        locations=account.locations,
        # The day only: enough for inactivity rules, and it does not change on every login.
        last_login=last.astimezone(UTC).date() if last is not None else None,
        failed_logins=account.failed_logins,
        open_work=account.open_work,
        profile_sha256=profile_fingerprint(target, account),
    )


def describe(action: Action) -> str:
    """The action's change in words, without profile values (no names, emails or NPIs)."""
    if action.kind == "update_profile":
        before, after = action.before, action.after  # type: ignore[union-attr]
        have = (before.first_name, before.last_name, before.email, before.user_type, before.npi)
        want = (after.first_name, after.last_name, after.email, after.user_type, after.npi)
        return "fields: " + (", ".join(changed_fields(have, want)) or "formatting")
    return row(action).change


def build_report(
    target: TargetPlan,
    observed: Observed,
    run: RunInfo,
    *,
    result: ApplyResult | None = None,
    console_changes: Iterable[ConsoleChange] = (),
    findings: Iterable[PolicyFinding] = (),
    offboarding: Iterable[OffboardingTiming] = (),
) -> DriftReport:
    """The report of `target` for this run. Pure; sorts everything it lists.

    `result` is the whole run's ApplyResult (None when nothing was applied: a drift
    check); only this target's results are read. `console_changes` are the console audit
    log's entries since the baseline, by people (not the reconciler's own login).
    """
    if observed.target != target.name:
        raise ValueError(f"observed state of {observed.target!r} given for target {target.name!r}")
    changes = tuple(sorted(console_changes, key=lambda c: (c.username.lower(), c.at, c.field, c.actor)))
    outcomes = _outcomes(target, result)
    rows = [
        _report_action(action, outcome, changes)
        for action, outcome in sorted(
            zip(target.actions, outcomes, strict=True), key=lambda pair: pair[0].key
        )
    ]  # sorted() is stable: one person's actions keep their execution order
    pending = tuple(r for r in rows if r.status in ("pending", "report_only"))
    applied = tuple(r for r in rows if r.status in APPLIED)
    failed = tuple(r for r in rows if r.status in FAILED)
    out_of_band = tuple(r for r in rows if r.reason == "drift")
    unmanaged = tuple(
        ReportUnmanaged(username=u.username, status=u.status)
        for u in sorted(target.unmanaged, key=lambda u: u.username.lower())
    )
    all_findings = tuple(
        sorted(
            (
                *findings,
                *(
                    PolicyFinding(rule="plan", username=f.username, message=f.message)
                    for f in target.findings
                ),
            ),
            key=lambda f: (f.rule, (f.username or "").lower(), f.where or "", f.message),
        )
    )
    timings = tuple(sorted(offboarding, key=lambda t: t.username.lower()))
    summary = Summary(
        in_sync=not (pending or failed or unmanaged),
        pending=len(pending),
        out_of_band=len(out_of_band),
        applied=len(applied),
        failed=len(failed),
        unmanaged=len(unmanaged),
        findings=len(all_findings),
        offboardings=len(timings),
    )
    report = DriftReport(
        target=target.name,
        mode=target.mode,
        summary=summary,
        pending=pending,
        out_of_band=out_of_band,
        applied=applied,
        failed=failed,
        unmanaged=unmanaged,
        findings=all_findings,
        offboarding=timings,
        console_changes=changes,
        accounts=tuple(
            report_account(target.name, a) for a in sorted(observed.accounts, key=lambda a: a.key)
        ),
        run=run,
    )
    return report.model_copy(update={"content_sha256": report.content_digest()})


def _outcomes(target: TargetPlan, result: ApplyResult | None) -> list[ActionResult | None]:
    if result is None:
        return [None] * len(target.actions)
    mine = [r for r in result.results if r.action.target == target.name]
    if [r.action for r in mine] != list(target.actions):
        raise ValueError(f"the apply result does not belong to this plan of {target.name!r}")
    return list(mine)


def _report_action(
    action: Action, outcome: ActionResult | None, changes: tuple[ConsoleChange, ...]
) -> ReportAction:
    changed_by: tuple[ConsoleChange, ...] = ()
    if action.reason == "drift":
        field = _FIELD_OF_KIND[action.kind]
        changed_by = tuple(
            c
            for c in changes
            if c.username.lower() == action.key and (c.field == field or c.field not in KNOWN_FIELDS)
        )
    return ReportAction(
        username=action.username,
        action=action.kind,
        change=describe(action),
        reason=action.reason,
        status=outcome.status if outcome is not None else "pending",
        message=outcome.message if outcome is not None and outcome.status != "report_only" else "",
        changed_by=changed_by,
    )


# -- the way back: report -> baseline -------------------------------------------------


def baseline_of(report: DriftReport, current: Observed | None = None) -> Observed:
    """The observed state the report recorded, as the next plan's baseline.

    Profiles are not in the report. Where `current` (the console just read) has the
    account with the same profile fingerprint, its profile fields are copied (unchanged
    since); otherwise they stay blank, which planning reads as "changed since the
    baseline" (out-of-band) exactly when the profile really changed.
    """
    now = current.by_key() if current is not None else {}
    accounts = []
    for kept in report.accounts:
        values = kept.model_dump(exclude={"profile_sha256", "last_login"})
        seen = now.get(kept.username.lower())
        if seen is not None and profile_fingerprint(report.target, seen) == kept.profile_sha256:
            values |= {
                "first_name": seen.first_name,
                "last_name": seen.last_name,
                "email": seen.email,
                "npi": seen.npi,
            }
        if kept.last_login is not None:
            values["last_login"] = datetime.combine(kept.last_login, time(0), tzinfo=UTC)
        accounts.append(Account.model_validate(values))
    return Observed(target=report.target, observed_at=report.run.observed_at, accounts=tuple(accounts))
