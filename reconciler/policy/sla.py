"""The offboarding SLA: from the commit that requested an offboarding to its verified end.

Pure arithmetic over times the caller supplies: when each offboarding was requested (the
commit that set `state: offboarded`, from gitops) and when each was verified (from the
apply results or the audit trail). The plan uses it for offboardings still pending; the
drift report can use it for finished ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

from reconciler.model.policy import OffboardingSla, PolicyPack


def as_utc(moment: datetime) -> datetime:
    """Console and Git times without a zone are taken as UTC (the simulator writes UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


@dataclass(frozen=True)
class SlaBreach:
    rule: OffboardingSla
    username: str
    requested_at: datetime
    verified_at: datetime | None  # None: not verified yet
    minutes: int

    @property
    def message(self) -> str:
        limit = self.rule.minutes
        if self.verified_at is None:
            text = (
                f"offboarding of '{self.username}' requested at {self.requested_at:%Y-%m-%d %H:%M} UTC"
                f" is still not verified after {self.minutes} minutes (SLA {limit} minutes)"
            )
        else:
            text = (
                f"offboarding of '{self.username}' took {self.minutes} minutes from request to verified"
                f" deactivation (SLA {limit} minutes)"
            )
        return self.rule.cite(text)


def sla_breaches(
    pack: PolicyPack,
    requested: Mapping[str, datetime],
    verified: Mapping[str, datetime],
    now: datetime,
) -> list[SlaBreach]:
    """Every offboarding over an `offboarding_sla` rule's minutes, finished or not, by username.

    `requested` and `verified` map usernames (any case) to times; an offboarding with no
    verified time is measured up to `now`.
    """
    now = as_utc(now)
    done = {k.lower(): as_utc(v) for k, v in verified.items()}
    breaches = []
    for rule in pack.of_kind(OffboardingSla):
        for username, asked in sorted(requested.items(), key=lambda kv: kv[0].lower()):
            if rule.waived(username, now.date()):
                continue
            asked = as_utc(asked)
            finished = done.get(username.lower())
            minutes = int(((finished or now) - asked).total_seconds() // 60)
            if minutes > rule.minutes:
                breaches.append(SlaBreach(rule, username, asked, finished, minutes))
    return breaches
