"""Validation of the user form: what the console accepts, and the inline error for each field.

`parse_user_form` never touches the store except to check username uniqueness; an invalid
post changes nothing and re-renders with `errors` keyed by field name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reconciler.simulator.catalog import LOCATIONS, PERMISSION_GROUPS, USER_TYPES
from reconciler.simulator.npi import is_valid_npi
from reconciler.simulator.store import Store

USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
NAME_MAX = 80
# Path segments the console itself uses under /admin/users/.
RESERVED_USERNAMES = frozenset({"new", "data", "export.csv"})


@dataclass
class UserForm:
    values: dict[str, object]
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def parse_user_form(form, store: Store, *, creating: bool, current_username: str = "") -> UserForm:
    """Read and check the posted fields; a starlette FormData goes in."""
    values: dict[str, object] = {
        "first_name": str(form.get("first_name", "")).strip(),
        "last_name": str(form.get("last_name", "")).strip(),
        "email": str(form.get("email", "")).strip(),
        "user_type": str(form.get("user_type", "")).strip(),
        "npi": str(form.get("npi", "")).strip().replace(" ", ""),
        "groups": [str(v) for v in form.getlist("groups")],
        "locations": [str(v) for v in form.getlist("locations")],
    }
    errors: dict[str, str] = {}
    if creating:
        username = str(form.get("username", "")).strip()
        values["username"] = username
        if not USERNAME.match(username) or username.lower() in RESERVED_USERNAMES:
            errors["username"] = "Use 2-64 letters, digits, dots, dashes or underscores."
        elif store.get(username) is not None:
            errors["username"] = f"The username {username!r} is already taken (usernames ignore case)."
    for name, label in (("first_name", "First name"), ("last_name", "Last name")):
        text = str(values[name])
        if not text:
            errors[name] = f"{label} is required."
        elif len(text) > NAME_MAX:
            errors[name] = f"{label} is too long (at most {NAME_MAX} characters)."
    email = str(values["email"])
    if email and not EMAIL.match(email):
        errors["email"] = "Enter an email address like name@example.com."
    if values["user_type"] not in USER_TYPES:
        errors["user_type"] = "Choose Provider or Staff."
    npi = str(values["npi"])
    if values["user_type"] == "provider" and not npi:
        errors["npi"] = "Providers need an NPI."
    elif npi and not is_valid_npi(npi):
        errors["npi"] = "An NPI is 10 digits and must pass the Luhn check (prefix 80840)."
    unknown_groups = sorted(set(values["groups"]) - set(PERMISSION_GROUPS))  # type: ignore[arg-type]
    if unknown_groups:
        errors["groups"] = "Unknown permission group: " + ", ".join(unknown_groups) + "."
    unknown_locations = sorted(set(values["locations"]) - set(LOCATIONS))  # type: ignore[arg-type]
    if unknown_locations:
        errors["locations"] = "Unknown location: " + ", ".join(unknown_locations) + "."
    elif not values["locations"]:
        errors["locations"] = "Choose at least one location."
    values["groups"] = sorted(set(values["groups"]))  # type: ignore[arg-type]
    values["locations"] = sorted(set(values["locations"]))  # type: ignore[arg-type]
    return UserForm(values, errors)
