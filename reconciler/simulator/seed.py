"""A realistic, seeded practice: who works there, in which roles, and in what state.

The same (seed, practice, environment, now) always gives the same accounts. The sandbox
holds a subset of the production staff (sandbox access is opt-in), drawn from the same people.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from reconciler.simulator.catalog import LOCATIONS
from reconciler.simulator.npi import make_npi
from reconciler.simulator.store import Account

FIRST_NAMES = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Oliver",
    "Sophia",
    "Elijah",
    "Isabella",
    "James",
    "Mia",
    "William",
    "Amelia",
    "Benjamin",
    "Harper",
    "Lucas",
    "Evelyn",
    "Henry",
    "Abigail",
    "Theodore",
    "Emily",
    "Jack",
    "Elizabeth",
    "Levi",
    "Sofia",
    "Alexander",
    "Avery",
    "Jackson",
    "Ella",
    "Mateo",
    "Scarlett",
    "Daniel",
    "Grace",
    "Michael",
    "Chloe",
    "Mason",
    "Victoria",
    "Sebastian",
    "Riley",
    "Ethan",
    "Aria",
    "Logan",
    "Lily",
    "Owen",
    "Aurora",
    "Samuel",
    "Zoey",
    "Jacob",
    "Nora",
    "Asher",
    "Hannah",
    "Aiden",
    "Layla",
    "John",
    "Priya",
    "Wei",
    "Fatima",
    "Diego",
    "Aisha",
    "Hiroshi",
    "Mei",
    "Carlos",
    "Lucia",
    "Omar",
    "Nadia",
    "Raj",
    "Ananya",
    "Tomasz",
    "Ingrid",
    "Kofi",
    "Amara",
    "Dmitri",
    "Yara",
    "Santiago",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Gonzalez",
    "Wilson",
    "Anderson",
    "Thomas",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Perez",
    "Thompson",
    "White",
    "Harris",
    "Sanchez",
    "Clark",
    "Ramirez",
    "Lewis",
    "Robinson",
    "Walker",
    "Young",
    "Allen",
    "King",
    "Wright",
    "Scott",
    "Torres",
    "Nguyen",
    "Hill",
    "Flores",
    "Green",
    "Adams",
    "Nelson",
    "Baker",
    "Hall",
    "Rivera",
    "Campbell",
    "Mitchell",
    "Carter",
    "Roberts",
    "Patel",
    "Kim",
    "Chen",
    "Singh",
    "Okafor",
    "Kowalski",
    "Novak",
    "Larsen",
    "Haddad",
    "Nakamura",
    "Rossi",
    "Schmidt",
    "Dubois",
    "Cohen",
    "Murphy",
    "O'Brien",
    "Fischer",
    "Ivanova",
    "Mensah",
]

# (role name, weight, user type, groups). Weights follow a dermatology group's staffing.
ROLES: tuple[tuple[str, int, str, tuple[str, ...]], ...] = (
    ("dermatologist", 14, "provider", ("Provider", "Clinical")),
    ("physician-assistant", 8, "provider", ("Provider", "Clinical")),
    ("medical-assistant", 24, "staff", ("Medical Assistant", "Clinical")),
    ("front-desk", 18, "staff", ("Front Desk", "Scheduling")),
    ("scheduler", 8, "staff", ("Scheduling",)),
    ("biller", 12, "staff", ("Billing", "Reports")),
    ("practice-manager", 4, "staff", ("Practice Management", "Management", "Reports")),
    ("office-admin", 2, "staff", ("Assistant Administrator", "Reports")),
    ("it-admin", 1, "staff", ("Administrator",)),
)


def _username(first: str, last: str, taken: set[str]) -> str:
    base = (first[0] + last).lower().replace("'", "")
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}{n}"
    taken.add(candidate)
    return candidate


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate_people(count: int, seed: int, practice: str, now: datetime) -> list[Account]:
    """The practice's staff as production knows them."""
    rng = random.Random(f"{seed}:{practice}")
    taken: set[str] = set()
    weights = [role[1] for role in ROLES]
    people: list[Account] = []
    for _ in range(count):
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        _role, _w, user_type, groups = rng.choices(ROLES, weights)[0]
        username = _username(first, last, taken)
        locations = sorted(set(rng.sample(LOCATIONS, k=rng.choice((1, 1, 1, 2, 2, 3)))))
        account = Account(
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@{practice}.example",
            user_type=user_type,
            npi=make_npi(rng) if user_type == "provider" else "",
            groups=list(groups),
            locations=locations,
        )
        _give_state(account, rng, now)
        people.append(account)
    return people


def _give_state(account: Account, rng: random.Random, now: datetime) -> None:
    """Status, last login, failed logins and open work, in plausible proportions."""
    roll = rng.random()
    if roll < 0.08:
        # Deactivated months ago: left the practice, offboarded properly.
        account.status = "inactive"
        account.last_login = _stamp(now - timedelta(days=rng.randint(60, 700), minutes=rng.randint(0, 1440)))
        return
    if roll < 0.12:
        account.status = "suspended"
        account.last_login = _stamp(now - timedelta(days=rng.randint(20, 200), minutes=rng.randint(0, 1440)))
    elif roll < 0.14:
        account.status = "locked"
        account.failed_logins = 5
        account.last_login = _stamp(now - timedelta(days=rng.randint(1, 40), minutes=rng.randint(0, 1440)))
    else:
        account.status = "active"
        usage = rng.random()
        if usage < 0.04:
            account.last_login = None  # invited, never signed in
        elif usage < 0.14:
            # Still active but unused for months: what an inactivity policy should catch.
            account.last_login = _stamp(
                now - timedelta(days=rng.randint(90, 400), minutes=rng.randint(0, 1440))
            )
        else:
            account.last_login = _stamp(now - timedelta(minutes=rng.randint(5, 60 * 24 * 21)))
        if rng.random() < 0.1:
            account.failed_logins = rng.randint(1, 4)
    if rng.random() < (0.6 if account.user_type == "provider" else 0.2):
        account.open_tasks = rng.randint(0, 6)
        if account.user_type == "provider":
            account.unsigned_notes = rng.randint(0, 9)
            account.future_appointments = rng.randint(0, 40)


def generate_environment(count: int, seed: int, practice: str, env: str, now: datetime) -> list[Account]:
    """The accounts of one environment: all staff in production, about a third in the sandbox."""
    people = generate_people(count, seed, practice, now)
    if env == "production":
        return people
    rng = random.Random(f"{seed}:{practice}:{env}")
    sandbox = []
    for person in people:
        # Trainers and new staff use the sandbox; leavers rarely kept access there.
        if rng.random() < (0.35 if person.status != "inactive" else 0.1):
            person.open_tasks = person.unsigned_notes = person.future_appointments = 0
            if rng.random() < 0.3:
                person.open_tasks = rng.randint(1, 3)  # training tasks
            if person.last_login and rng.random() < 0.5:
                person.last_login = None
            sandbox.append(person)
    return sandbox
