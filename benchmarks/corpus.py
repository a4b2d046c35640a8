"""Generate a large, valid access repo: N users over F files, as people would write them."""

from __future__ import annotations

import random
import shutil
from pathlib import Path

from reconciler.model.npi import complete_npi

EXAMPLE = Path(__file__).parents[1] / "examples" / "access-repo"
FIRST = [
    "Ava",
    "Ben",
    "Chloe",
    "Dev",
    "Elena",
    "Farid",
    "Grace",
    "Hana",
    "Ivan",
    "Jade",
    "Kofi",
    "Lena",
    "Mateo",
    "Nia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Uma",
    "Vik",
    "Wen",
    "Yara",
]
LAST = [
    "Ahn",
    "Brooks",
    "Costa",
    "Diaz",
    "Evans",
    "Fischer",
    "Garcia",
    "Hughes",
    "Ito",
    "Jensen",
    "Khan",
    "Lopez",
    "Moreau",
    "Novak",
    "Okafor",
    "Patel",
    "Quist",
    "Rossi",
    "Silva",
    "Tanaka",
]
STAFF_ROLES = ["medical-assistant", "front-desk", "billing"]
LOCATIONS = ["Main Clinic", "Northside", "Downtown", "Surgery Center"]


def write_access_repo(dest: Path, users: int, files: int, seed: int = 7) -> Path:
    """Copy the example repo's config and roles, then write `users` people over `files` files."""
    rng = random.Random(seed)
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "users").mkdir(parents=True)
    for name in ("reconciler.yaml", "roles.yaml"):
        shutil.copy(EXAMPLE / name, dest / name)
    per_file = -(-users // files)
    for f in range(files):
        lines = ["# generated for benchmarks", "users:"]
        for i in range(f * per_file, min(users, (f + 1) * per_file)):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            username = f"{first}.{last}{i}".lower()
            provider = rng.random() < 0.2
            lines += [
                f"  - username: {username}",
                f"    first_name: {first}",
                f"    last_name: {last}",
                f"    email: {username}@example.org",
                f"    user_type: {'provider' if provider else 'staff'}",
            ]
            if provider:
                lines.append(f'    npi: "{complete_npi(str(100000000 + i))}"')
            role = "dermatologist" if provider else rng.choice(STAFF_ROLES)
            lines += [
                f"    roles: [{role}]",
                f"    locations: [{rng.choice(LOCATIONS)}]",
                f"    start_date: 20{rng.randint(15, 25)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            ]
            if rng.random() < 0.05:
                lines.append("    environments: [production, sandbox]")
            lines.append("")
        (dest / "users" / f"team-{f:03d}.yaml").write_text("\n".join(lines) + "\n")
    return dest
