"""Mapping a console account's permission groups back onto role bundles (for import).

Owns one question: which bundles of roles.yaml grant exactly these groups to this kind
of user? One bundle that matches is best; a few bundles whose groups add up exactly
come next; anything else gets a generated bundle, which a person must review. Never
grants more or less than the console shows, so that import followed by plan is quiet.

Pure: no files, no console. Must not import planning or connectors (same layer).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from itertools import combinations

from reconciler.model.desired import RoleBundle, UserType

GENERATED_PREFIX = "imported-"
# Bundles combined to cover one person's groups before a bundle is generated instead;
# more than three reads as a coincidence rather than a role.
MAX_COMBINED = 3
# A guess, flagged for review: groups that sound administrative make a bundle high risk.
_ADMIN_WORDS = re.compile(r"admin", re.IGNORECASE)


def norm_label(value: str) -> str:
    """As the planner compares labels (planning.compare): whitespace collapsed, case folded."""
    return " ".join(value.split()).casefold()


def _labels(values: Iterable[str]) -> frozenset[str]:
    return frozenset(norm_label(v) for v in values)


@dataclass
class GeneratedBundle:
    """A bundle made up from one set of groups; user_types grow as people are assigned."""

    name: str
    groups: tuple[str, ...]
    user_types: set[str] = field(default_factory=set)
    holders: int = 0

    def as_bundle(self) -> RoleBundle:
        return RoleBundle(
            description=self.description,
            user_types=tuple(t for t in ("provider", "staff") if t in self.user_types),  # type: ignore[arg-type]
            groups=self.groups,
            risk=self.risk,
        )

    @property
    def description(self) -> str:
        people = "person holds" if self.holders == 1 else "people hold"
        return f"Imported from the console, where {self.holders} {people} exactly these groups"

    @property
    def risk(self) -> str:
        return "high" if any(_ADMIN_WORDS.search(g) for g in self.groups) else "low"


class BundleMatcher:
    """Assigns bundles to group sets, generating new bundles when none add up exactly."""

    def __init__(self, roles: Mapping[str, RoleBundle]) -> None:
        self.roles = dict(roles)
        self.generated: dict[frozenset[str], GeneratedBundle] = {}
        self._cache: dict[tuple[frozenset[str], str, frozenset[str]], tuple[str, ...] | None] = {}

    def roles_for(
        self, groups: Iterable[str], user_type: UserType, locations: Iterable[str] = ()
    ) -> tuple[tuple[str, ...], bool]:
        """The bundle names granting exactly `groups`, and whether one was generated."""
        wanted = _labels(groups)
        if not wanted:
            return (), False
        key = (wanted, user_type, _labels(locations))
        if key not in self._cache:
            self._cache[key] = self._existing(wanted, user_type, key[2])
        found = self._cache[key]
        if found is not None:
            return found, False
        return (self._generate(wanted, tuple(groups), user_type),), True

    def _candidates(self, wanted: frozenset[str], user_type: str, locations: frozenset[str]) -> list[str]:
        """Bundles this person may hold whose groups all fall within theirs, best first.

        A bundle limited to some locations only fits someone working at those alone; an
        unrestricted bundle with the same groups is preferred (the restriction is a
        reviewer's decision, not something the console can show).
        """
        fitting = []
        for order, (name, bundle) in enumerate(self.roles.items()):
            if user_type not in bundle.user_types or not _labels(bundle.groups) <= wanted:
                continue
            if bundle.locations is not None and not (locations and locations <= _labels(bundle.locations)):
                continue
            fitting.append((bundle.locations is not None, order, name))
        return [name for *_, name in sorted(fitting)]

    def _existing(
        self, wanted: frozenset[str], user_type: str, locations: frozenset[str]
    ) -> tuple[str, ...] | None:
        candidates = self._candidates(wanted, user_type, locations)
        for size in range(1, MAX_COMBINED + 1):
            for names in combinations(candidates, size):
                covered = frozenset().union(*(_labels(self.roles[n].groups) for n in names))
                if covered == wanted:
                    return names
        return None

    def _generate(self, wanted: frozenset[str], groups: tuple[str, ...], user_type: str) -> str:
        bundle = self.generated.get(wanted)
        if bundle is None:
            shown = tuple(sorted({" ".join(g.split()) for g in groups}, key=norm_label))
            bundle = GeneratedBundle(self._fresh_name(shown), shown)
            self.generated[wanted] = bundle
        bundle.user_types.add(user_type)
        bundle.holders += 1
        return bundle.name

    def _fresh_name(self, groups: tuple[str, ...]) -> str:
        slug = "-".join(re.sub(r"[^a-z0-9]+", "-", g.casefold()).strip("-") for g in groups)
        base = GENERATED_PREFIX + (slug or "groups")
        taken = set(self.roles) | {b.name for b in self.generated.values()}
        name, n = base, 1
        while name in taken:
            n += 1
            name = f"{base}-{n}"
        return name
