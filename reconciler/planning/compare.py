"""How Git's values and the console's values are compared: normalised, never raw.

Case, surrounding whitespace and order must never look like a change, or every plan
would flap. Owns the normal forms; builds ProfileValues only when values really differ
(building 100,000 models to compare them would dominate the diff).
"""

from __future__ import annotations

from collections.abc import Iterable

from reconciler.model.desired import User
from reconciler.model.observed import Account
from reconciler.model.plan import ProfileValues

PROFILE_FIELDS = ("first_name", "last_name", "email", "user_type", "npi")

# Raw profile values in PROFILE_FIELDS order.
RawProfile = tuple[str, str, str, str, str | None]


def norm_label(value: str) -> str:
    """Group and location labels: internal runs of whitespace collapsed, case folded."""
    return " ".join(value.split()).casefold()


def label_set(values: Iterable[str]) -> frozenset[str]:
    return frozenset(norm_label(v) for v in values)


def normal_profile(raw: RawProfile) -> tuple[str, ...]:
    """The profile as compared: also what a drift report fingerprints (reporting.drift)."""
    first, last, email, user_type, npi = raw
    # Names keep their case: "Mcdonald" -> "McDonald" is a real correction.
    return (
        " ".join(first.split()),
        " ".join(last.split()),
        email.strip().lower(),
        user_type,
        (npi or "").strip(),
    )


def raw_profile_of_user(user: User) -> RawProfile:
    return (user.first_name, user.last_name, user.email, user.user_type, user.npi)


def raw_profile_of_account(account: Account) -> RawProfile:
    return (account.first_name, account.last_name, account.email, account.user_type, account.npi)


def same_profile(a: RawProfile, b: RawProfile) -> bool:
    return a == b or normal_profile(a) == normal_profile(b)


def changed_fields(before: RawProfile, after: RawProfile) -> tuple[str, ...]:
    pairs = zip(normal_profile(before), normal_profile(after), strict=True)
    return tuple(name for name, (b, a) in zip(PROFILE_FIELDS, pairs, strict=True) if b != a)


def profile_values(raw: RawProfile) -> ProfileValues:
    first, last, email, user_type, npi = raw
    return ProfileValues(
        first_name=first,
        last_name=last,
        email=email,
        user_type=user_type,
        npi=npi or None,  # type: ignore[arg-type]
    )
