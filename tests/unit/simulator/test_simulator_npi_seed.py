"""NPI checks and the seeded practice generator."""

from __future__ import annotations

import random
from datetime import UTC, datetime

from reconciler.simulator.catalog import LOCATIONS, PERMISSION_GROUPS
from reconciler.simulator.npi import is_valid_npi, make_npi
from reconciler.simulator.seed import generate_environment

NOW = datetime(2026, 1, 15, 12, 0, tzinfo=UTC)


def test_npi_luhn_over_80840_prefix() -> None:
    assert is_valid_npi("1234567893")  # the CMS example
    assert not is_valid_npi("1234567890")
    assert not is_valid_npi("123456789")
    assert not is_valid_npi("12345678x3")


def test_generated_npis_are_valid() -> None:
    rng = random.Random(1)
    assert all(is_valid_npi(make_npi(rng)) for _ in range(500))


def test_seed_is_deterministic() -> None:
    first = generate_environment(200, 7, "demo-derm", "production", NOW)
    again = generate_environment(200, 7, "demo-derm", "production", NOW)
    other = generate_environment(200, 8, "demo-derm", "production", NOW)
    assert first == again
    assert first != other


def test_seeded_practice_is_plausible() -> None:
    people = generate_environment(400, 7, "demo-derm", "production", NOW)
    assert len({p.username.lower() for p in people}) == 400
    providers = [p for p in people if p.user_type == "provider"]
    assert providers and all(is_valid_npi(p.npi) for p in providers)
    assert all(set(p.groups) <= set(PERMISSION_GROUPS) and set(p.locations) <= set(LOCATIONS) for p in people)
    statuses = {p.status for p in people}
    assert statuses == {"active", "suspended", "inactive", "locked"}
    assert any(p.failed_logins and p.status == "active" for p in people)
    assert any(p.open_work for p in people)
    assert any(p.last_login and p.last_login < "2025-10-01" and p.status == "active" for p in people)


def test_sandbox_is_a_subset_of_production_staff() -> None:
    production = {p.username for p in generate_environment(300, 7, "demo-derm", "production", NOW)}
    sandbox = {p.username for p in generate_environment(300, 7, "demo-derm", "sandbox", NOW)}
    assert sandbox and sandbox < production
