"""The loader: the example repo is clean, findings come all at once and point at the node."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from reconciler.loading import load_repo
from reconciler.loading.summary import summarise
from reconciler.model.npi import complete_npi, npi_is_valid

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "access-repo"
BASE = ROOT / "tests" / "fixtures" / "base"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    dest = tmp_path / "repo"
    shutil.copytree(BASE, dest)
    return dest


def test_example_repo_validates_clean():
    result = load_repo(EXAMPLE)
    assert result.findings == ()
    assert result.desired is not None
    assert len(result.desired.users) >= 25


def test_findings_from_several_files_are_reported_together(repo: Path):
    people = repo / "users" / "people.yaml"
    people.write_text(people.read_text().replace("roles: [dermatologist]", "roles: [dermatolgist]"))
    config = repo / "reconciler.yaml"
    config.write_text(config.read_text().replace("unmanaged: report", "unmanaged: delete"))
    result = load_repo(repo)
    assert result.desired is None
    assert [(f.file, f.line, f.column) for f in result.errors] == [
        ("reconciler.yaml", 13, 16),
        ("users/people.yaml", 8, 13),
    ]
    assert "did you mean 'dermatologist'" in result.errors[1].message


def test_usernames_are_one_identity_whatever_their_case(repo: Path):
    (repo / "users" / "more.yaml").write_text(
        "users:\n  - username: GRACE.HOPPER\n    first_name: G\n    last_name: H\n"
        "    email: gh2@test-derm.example\n    user_type: staff\n"
    )
    result = load_repo(repo)
    assert [f.message.split(" (")[0] for f in result.errors] == ["duplicate username 'grace.hopper'"]


def test_a_broken_user_does_not_hide_references_to_it(repo: Path):
    people = repo / "users" / "people.yaml"
    people.write_text(people.read_text().replace("    first_name: Grace\n", "    first_name: [Grace]\n"))
    result = load_repo(repo)
    # Only the shape error: transfer_to and manager references to grace.hopper are not
    # reported as "not a user" because she is declared, just invalid.
    assert [f.message for f in result.findings] == ["first_name must be a string, not a list"]


def test_warnings_leave_the_desired_state_usable(repo: Path):
    people = repo / "users" / "people.yaml"
    people.write_text(people.read_text().replace("    transfer_to: grace.hopper\n", ""))
    result = load_repo(repo)
    assert result.errors == ()
    assert len(result.warnings) == 1
    assert result.desired is not None


def test_role_bundles_expand_to_sorted_unique_groups():
    desired = load_repo(BASE).desired
    assert desired is not None
    ada = desired.user("ADA.LOVELACE")
    assert ada is not None
    assert desired.groups_of(ada) == ("Clinical", "Provider", "Scheduling")


def test_summary_counts_current_people_and_names_leavers_and_expiries(repo: Path):
    people = repo / "users" / "people.yaml"
    tags = "    tags: [break-glass]\n"
    people.write_text(people.read_text().replace(tags, tags + "    end_date: 2030-01-10\n"))
    desired = load_repo(repo).desired
    assert desired is not None
    summary = summarise(desired, today=date(2030, 1, 1), within_days=30)
    assert summary.states == {"active": 3, "offboarded": 1}
    assert summary.per_role["medical-assistant"] == 1  # the offboarded MA does not count
    assert summary.per_environment == {"production": 3, "sandbox": 1}
    assert summary.offboarded == [("alan.turing", "grace.hopper")]
    assert [(e.username, e.days_left) for e in summary.expiring] == [("breakglass.admin", 9)]
    later = summarise(desired, today=date(2030, 2, 1))
    assert [e.username for e in later.expired] == ["breakglass.admin"]


@pytest.mark.parametrize("npi", ["1234567893", "1245319599", complete_npi("198765432")])
def test_valid_npis_pass_the_luhn_check(npi: str):
    assert npi_is_valid(npi)


@pytest.mark.parametrize("npi", ["1234567890", "123456789", "12345678901", "abcdefghij"])
def test_invalid_npis_fail(npi: str):
    assert not npi_is_valid(npi)
