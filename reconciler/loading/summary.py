"""What an access repo declares, summarised: people per role and environment, leavers, expiries."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from reconciler.model.desired import Desired


@dataclass(frozen=True)
class Expiring:
    username: str
    end_date: date
    days_left: int
    tags: tuple[str, ...]


@dataclass(frozen=True)
class RepoSummary:
    practice: str
    users: int
    states: dict[str, int]
    per_role: dict[str, int]
    per_environment: dict[str, int]
    offboarded: list[tuple[str, str | None]] = field(default_factory=list)  # username, transfer_to
    expiring: list[Expiring] = field(default_factory=list)
    expired: list[Expiring] = field(default_factory=list)  # end_date passed, still not offboarded

    def as_dict(self) -> dict[str, object]:
        return {
            "practice": self.practice,
            "users": self.users,
            "states": self.states,
            "per_role": self.per_role,
            "per_environment": self.per_environment,
            "offboarded": [{"username": u, "transfer_to": t} for u, t in self.offboarded],
            "expiring": [_expiring(e) for e in self.expiring],
            "expired": [_expiring(e) for e in self.expired],
        }


def _expiring(e: Expiring) -> dict[str, object]:
    return {"username": e.username, "end_date": e.end_date.isoformat(), "days_left": e.days_left,
            "tags": list(e.tags)}


def summarise(desired: Desired, today: date, within_days: int = 30) -> RepoSummary:
    """Counts are of people who are not offboarded, except `states` and `offboarded`."""
    current = [u for u in desired.users if u.state != "offboarded"]
    per_role = Counter(role for u in current for role in u.roles)
    per_env = Counter(env for u in current for env in u.environments)
    horizon = today + timedelta(days=within_days)
    expiring, expired = [], []
    for user in sorted(current, key=lambda u: (u.end_date or date.max, u.username)):
        if user.end_date is None:
            continue
        entry = Expiring(user.username, user.end_date, (user.end_date - today).days, user.tags)
        if user.end_date < today:
            expired.append(entry)
        elif user.end_date <= horizon:
            expiring.append(entry)
    return RepoSummary(
        practice=desired.config.practice,
        users=len(desired.users),
        states=dict(sorted(Counter(u.state for u in desired.users).items())),
        per_role={role: per_role.get(role, 0) for role in sorted(desired.roles)},
        per_environment={t: per_env.get(t, 0) for t in desired.config.targets},
        offboarded=sorted((u.username, u.transfer_to) for u in desired.users if u.state == "offboarded"),
        expiring=expiring,
        expired=expired,
    )
