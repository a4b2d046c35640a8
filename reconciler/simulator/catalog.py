"""The fixed vocabulary of a practice: permission groups, locations, user types, statuses.

Names follow what partner setup guides show of ModMed's console; the exact catalogue of a
real practice is configurable there, here it is fixed (an assumption, see README.md).
"""

from __future__ import annotations

PERMISSION_GROUPS: tuple[str, ...] = (
    "Administrator",
    "Assistant Administrator",
    "Billing",
    "Clinical",
    "Front Desk",
    "Management",
    "Medical Assistant",
    "Practice Management",
    "Provider",
    "Reports",
    "Scheduling",
)

# Groups whose members may sign in to the admin console.
ADMIN_GROUPS: frozenset[str] = frozenset({"Administrator", "Assistant Administrator"})

LOCATIONS: tuple[str, ...] = ("Downtown", "Main Clinic", "Northside", "Surgery Center")

USER_TYPES: tuple[str, ...] = ("provider", "staff")

# inactive = deactivated (never deleted); locked = too many failed sign-ins.
STATUSES: tuple[str, ...] = ("active", "suspended", "inactive", "locked")

ENVIRONMENTS: tuple[str, ...] = ("production", "sandbox")

ENVIRONMENT_LABELS: dict[str, str] = {"production": "Production", "sandbox": "Practice Sandbox"}

# Open work a user can own; deactivation waits until all of it is transferred.
WORK_KINDS: dict[str, str] = {
    "open_tasks": "open tasks",
    "unsigned_notes": "unsigned notes",
    "future_appointments": "future appointments",
}
