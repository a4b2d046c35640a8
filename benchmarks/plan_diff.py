"""How long diff() takes for N accounts with a given share drifted: `python -m benchmarks.plan_diff`.

Builds the desired and observed state in memory (loading YAML is measured elsewhere),
then times diff() alone: best of several runs, since the machine is shared.
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import UTC, date, datetime

from reconciler.loading import load_repo
from reconciler.model.desired import Desired, User
from reconciler.model.npi import complete_npi
from reconciler.model.observed import Account, Observed
from reconciler.planning import desired_fingerprint, diff, observed_fingerprint

from .corpus import EXAMPLE, STAFF_ROLES

LOCATIONS = ["Main Clinic", "Northside", "Downtown"]


def build(users: int, drift: float, seed: int = 7) -> tuple[Desired, dict[str, Observed]]:
    rng = random.Random(seed)
    example = load_repo(EXAMPLE).desired
    assert example is not None
    people = []
    for i in range(users):
        provider = rng.random() < 0.2
        username = f"user{i:06d}"
        people.append(
            User(
                username=username,
                first_name="First",
                last_name=f"Last{i}",
                email=f"{username}@example.org",
                user_type="provider" if provider else "staff",
                npi=complete_npi(str(100000000 + i)) if provider else None,
                roles=("dermatologist",) if provider else (rng.choice(STAFF_ROLES),),
                locations=(rng.choice(LOCATIONS),),
            )
        )
    desired = example.model_copy(update={"users": tuple(people), "sources": {}})
    accounts = []
    for user in people:
        account = Account(
            username=user.username,
            first_name=user.first_name,
            last_name=user.last_name,
            email=user.email,
            user_type=user.user_type,
            npi=user.npi,
            status="active",
            groups=desired.groups_of(user),
            locations=user.locations,
        )
        if rng.random() < drift:  # one kind of drift each, spread over the kinds diff handles
            change = rng.choice(["groups", "locations", "email", "suspended", "missing", "extra"])
            if change == "missing":
                continue
            if change == "extra":
                accounts.append(Account(username=f"stray{len(accounts)}", status="active"))
            else:
                account = account.model_copy(
                    update={
                        "groups": ("Billing", *account.groups) if change == "groups" else account.groups,
                        "locations": ("Northside",) if change == "locations" else account.locations,
                        "email": "old@example.org" if change == "email" else account.email,
                        "status": "suspended" if change == "suspended" else account.status,
                    }
                )
        accounts.append(account)
    seen = datetime.now(UTC)
    observed = {"production": Observed(target="production", observed_at=seen, accounts=tuple(accounts))}
    return desired, observed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=100_000)
    parser.add_argument("--drift", type=float, default=0.01)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    desired, observed = build(args.users, args.drift)
    wall, cpu = [], []
    for _ in range(args.runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        plan = diff(desired, observed, today=date(2026, 3, 1))
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    start = time.process_time()
    desired_fingerprint(desired), observed_fingerprint(observed)
    fingerprints = time.process_time() - start
    print(
        f"diff of {args.users:,} accounts, {args.drift:.0%} drift: {len(plan.actions):,} actions;"
        f" best {min(wall):.3f} s wall, {min(cpu):.3f} s CPU"
        f" (median {sorted(wall)[len(wall) // 2]:.3f} s wall)"
        f" over {args.runs} runs; of which both fingerprints {fingerprints:.3f} s CPU"
    )


if __name__ == "__main__":
    main()
