"""`reconciler import` end to end over an in-memory console: files written, validate clean,
and a plan against the same console shows no changes."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from reconciler.cli import main, run_options
from reconciler.connectors.memory import MemoryConnector
from reconciler.loading import load_repo
from reconciler.loading.dump import GENERATED_COMMENT
from reconciler.model.observed import Account

ROOT = Path(__file__).parents[3]
BASE = ROOT / "tests" / "fixtures" / "base"
EXAMPLE = ROOT / "examples" / "access-repo"


def account(username: str, **fields: object) -> Account:
    values: dict = {
        "first_name": username.split(".")[0].title(),
        "last_name": username.split(".")[-1].title(),
        "email": f"{username}@test-derm.example",
        "status": "active",
        **fields,
    }
    return Account(username=username, **values)


CONSOLE = {
    "production": [
        account(
            "ada.lovelace",
            user_type="provider",
            npi="1234567893",
            groups=("Provider", "Clinical", "Scheduling"),
            locations=("Main Clinic",),
        ),
        account("grace.hopper", groups=("Medical Assistant", "Clinical"), locations=("Main Clinic",)),
        account("katherine.johnson", groups=("Billing", "Front Desk"), status="suspended"),
        account("mary.jackson", groups=("Billing", "Reports", "Medical Assistant", "Clinical")),
        account("alan.turing", status="inactive"),
        account("reconciler-bot", groups=("Administrator",)),
        account("breakglass.admin", groups=("Administrator",)),
    ],
    "sandbox": [
        account("grace.hopper", groups=("Medical Assistant", "Clinical"), locations=("Main Clinic",)),
        account("tess.trainer", groups=("Scheduling", "Front Desk")),
    ],
}


@pytest.fixture
def memory(monkeypatch) -> MemoryConnector:
    connector = MemoryConnector(CONSOLE)
    monkeypatch.setattr(run_options, "connector_factory", lambda desired, targets, options: connector)
    return connector


@pytest.fixture
def fresh(tmp_path: Path) -> Path:
    """A repo being adopted: reconciler.yaml and roles.yaml, nobody in users/ yet."""
    repo = tmp_path / "repo"
    repo.mkdir()
    shutil.copy(BASE / "reconciler.yaml", repo)
    shutil.copy(BASE / "roles.yaml", repo)
    return repo


def run(repo: Path, tmp_path: Path, *args: str) -> int:
    return main([*args, "--repo", str(repo), "--state-dir", str(tmp_path / "state")])


def test_import_then_validate_is_clean_and_plan_shows_no_changes(memory, fresh, tmp_path, capsys):
    assert run(fresh, tmp_path, "import") == 0
    err = capsys.readouterr().err
    assert "Imported 5 people into users/imported.yaml." in err
    assert "Skipped 1 deactivated in the console: alan.turing" in err
    assert "Skipped 2 protected in reconciler.yaml: breakglass.admin, reconciler-bot" in err
    result = load_repo(fresh)
    assert result.findings == ()
    assert result.desired is not None
    assert result.desired.user("grace.hopper").environments == ("production", "sandbox")
    assert result.desired.user("tess.trainer").environments == ("sandbox",)
    assert result.desired.user("mary.jackson").roles == ("medical-assistant", "billing")
    assert main(["validate", "--repo", str(fresh)]) == 0
    assert run(fresh, tmp_path, "plan", "--detailed-exitcode") == 0
    assert "No changes" in capsys.readouterr().out
    assert not [verb for verb, *_ in memory.log]  # nothing was written to the console


def test_generated_bundles_are_appended_to_roles_yaml_for_review(memory, fresh, tmp_path):
    before = (fresh / "roles.yaml").read_text()
    assert run(fresh, tmp_path, "import") == 0
    roles = (fresh / "roles.yaml").read_text()
    assert roles.startswith(before)
    assert roles.count(f"# {GENERATED_COMMENT}") == 2  # katherine's and tess's groups
    assert "imported-billing-front-desk:" in roles and "imported-front-desk-scheduling:" in roles


def test_an_empty_roles_yaml_is_filled_with_generated_bundles(memory, fresh, tmp_path):
    (fresh / "roles.yaml").write_text("")
    assert run(fresh, tmp_path, "import") == 0
    assert load_repo(fresh).findings == ()
    assert run(fresh, tmp_path, "plan", "--detailed-exitcode") == 0


def test_an_import_into_the_example_repo_validates_and_plans_clean(memory, tmp_path, capsys):
    # Without policies/: the example pack asks for what no console knows (managers, start dates).
    repo = tmp_path / "example"
    shutil.copytree(EXAMPLE, repo, ignore=shutil.ignore_patterns("users", "policies"))
    (repo / "users").mkdir()
    renamed = {
        t: [a.model_copy(update={"email": a.email.replace("test-derm", "lakeshore-derm")}) for a in accounts]
        for t, accounts in CONSOLE.items()
    }
    memory.accounts = MemoryConnector(renamed).accounts
    assert run(repo, tmp_path, "import") == 0
    assert main(["validate", "--repo", str(repo)]) == 0, capsys.readouterr()
    assert run(repo, tmp_path, "plan", "--detailed-exitcode") == 0


def test_an_existing_out_file_is_kept_unless_force(memory, fresh, tmp_path, capsys):
    out = fresh / "users" / "imported.yaml"
    out.parent.mkdir()
    out.write_text("users: []\n")
    assert run(fresh, tmp_path, "import") == 1
    assert "already exists; pass --force" in capsys.readouterr().err
    assert out.read_text() == "users: []\n"
    assert memory.calls["observe"] == 0  # refused before the console was read
    assert run(fresh, tmp_path, "import", "--force") == 0
    assert "grace.hopper" in out.read_text()


def test_people_already_declared_elsewhere_are_not_declared_twice(memory, fresh, tmp_path, capsys):
    (fresh / "users").mkdir()
    shutil.copy(BASE / "users" / "people.yaml", fresh / "users" / "people.yaml")
    assert run(fresh, tmp_path, "import", "--out", "users/more.yaml") == 0
    assert "already declared in users/: ada.lovelace, alan.turing, grace.hopper" in capsys.readouterr().err
    assert load_repo(fresh).errors == ()


def test_one_target_and_one_user(memory, fresh, tmp_path, capsys):
    assert run(fresh, tmp_path, "import", "--target", "sandbox", "--user", "tess.trainer") == 0
    assert "warning: production not read" in capsys.readouterr().err
    text = (fresh / "users" / "imported.yaml").read_text()
    assert "username: tess.trainer" in text and "grace.hopper" not in text
    assert memory.calls["observe"] == 1


def test_out_must_be_in_users(memory, fresh, tmp_path, capsys):
    assert run(fresh, tmp_path, "import", "--out", "people.yaml") == 1
    assert "must be a .yaml file in users/" in capsys.readouterr().err


def test_a_repo_without_reconciler_yaml_is_one_clean_line(memory, tmp_path, capsys):
    assert run(tmp_path, tmp_path, "import") == 1
    assert "reconciler.yaml is missing" in capsys.readouterr().err
