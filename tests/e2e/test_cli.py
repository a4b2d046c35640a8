"""The CLI as a user meets it: exit codes, one-line errors, machine-readable output."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from reconciler import __version__
from reconciler.cli import main
from reconciler.loading.schema import SCHEMAS, schema_text

ROOT = Path(__file__).parents[2]
EXAMPLE = ROOT / "examples" / "access-repo"


def test_version(capsys):
    assert main(["--version"]) == 0
    assert __version__ in capsys.readouterr().out


def test_validate_json_lists_findings_with_positions(tmp_path, capsys):
    (tmp_path / "reconciler.yaml").write_text("version: 1\npractice: x\ntargets: {}\n")
    (tmp_path / "roles.yaml").write_text("roles: [a]\n")
    code = main(["validate", "--repo", str(tmp_path), "--format", "json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1
    assert report["valid"] is False
    assert {(f["file"], f["line"], f["column"]) for f in report["findings"]} == {
        ("reconciler.yaml", 3, 1),  # targets must not be empty: points at the key
        ("roles.yaml", 1, 1),  # roles must be a mapping
        ("users/", 0, 0),  # no users folder
    }


def test_missing_repo_is_one_clean_line(tmp_path, capsys):
    code = main(["validate", "--repo", str(tmp_path / "nope")])
    out = capsys.readouterr()
    assert code == 1
    assert "the access repo folder does not exist" in out.out
    assert "Traceback" not in out.err


def test_show_names_leavers_and_their_successor(capsys):
    assert main(["show", "--repo", str(EXAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "tyler.brandt (open work goes to carla.mendoza)" in out
    assert "People per role" in out


def test_show_json(capsys):
    assert main(["show", "--repo", str(EXAMPLE), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["practice"] == "lakeshore-derm"
    assert summary["per_environment"]["sandbox"] == 5
    assert summary["offboarded"] == [{"username": "tyler.brandt", "transfer_to": "carla.mendoza"}]


def test_show_refuses_an_invalid_repo_in_one_line(tmp_path, capsys):
    (tmp_path / "reconciler.yaml").write_text("version: 1\n")
    code = main(["show", "--repo", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.strip().splitlines()[-1].startswith("error: ")
    assert "does not validate" in err


@pytest.mark.parametrize("kind", sorted(SCHEMAS))
def test_example_repo_schemas_are_current(kind):
    # The modelines in the example repo point at these files; they must match the model.
    assert (EXAMPLE / ".schema" / f"{kind}.schema.json").read_text() == schema_text(kind)


def test_schema_of_users_rejects_unknown_keys(capsys):
    assert main(["schema", "users"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert schema["$defs"]["User"]["additionalProperties"] is False
    assert "npi" in schema["$defs"]["User"]["properties"]


def test_a_file_that_is_not_utf8_is_a_finding_not_a_traceback(tmp_path):
    (tmp_path / "reconciler.yaml").write_text("version: 1\n")
    (tmp_path / "roles.yaml").write_bytes(b"\xff\xfe")
    run = subprocess.run(
        [sys.executable, "-m", "reconciler", "validate", "--repo", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 1
    assert "roles.yaml: error: not UTF-8 text" in run.stdout
    assert "Traceback" not in run.stderr


def test_console_script_is_installed():
    run = subprocess.run(
        [str(Path(sys.executable).parent / "reconciler"), "--help"], capture_output=True, text=True
    )
    assert run.returncode == 0
    assert "validate" in run.stdout and "schema" in run.stdout


def test_unexpected_fault_is_one_line_and_debug_shows_the_traceback(monkeypatch, capsys):
    import reconciler.cli.validate as validate_command

    def explode(repo):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(validate_command, "load_repo", explode)
    assert main(["validate", "--repo", str(EXAMPLE)]) == 1
    assert capsys.readouterr().err.strip() == (
        "error: unexpected RuntimeError: disk on fire (rerun with --debug)"
    )
    with pytest.raises(RuntimeError, match="disk on fire"):
        main(["--debug", "validate", "--repo", str(EXAMPLE)])


def test_validate_includes_policy_rules_and_the_example_pack_is_clean(capsys):
    assert main(["validate", "--repo", str(EXAMPLE), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["rules"] >= 10
    assert report["findings"] == []


def test_example_repo_uses_the_default_policy_pack():
    shipped = sorted(p.name for p in (ROOT / "policies").glob("*.yaml"))
    assert shipped == sorted(p.name for p in (EXAMPLE / "policies").glob("*.yaml"))
    for name in shipped:
        assert (EXAMPLE / "policies" / name).read_text() == (ROOT / "policies" / name).read_text()


def test_default_pack_covers_every_rule_kind(capsys):
    from reconciler.model.policy import RULE_KINDS

    assert main(["policy", "check", "--repo", str(EXAMPLE), "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["valid"] is True
    assert {r["kind"] for r in report["rules"]} == set(RULE_KINDS)


def test_policy_check_markdown_is_a_pr_comment(tmp_path, capsys):
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    admin = repo / "users" / "billing-and-admin.yaml"
    admin.write_text(
        admin.read_text().replace(
            "roles: [practice-admin]                # practice administrator",
            "roles: [practice-admin, billing]",
        )
    )
    assert main(["policy", "check", "--repo", str(repo), "--format", "markdown"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("### Policy check: failed\n")
    assert (
        "| ❌ error | `users/billing-and-admin.yaml:47:29` | 'gregory.sandoval' holds practice-admin"
        " and billing, which no one may hold together (policy 'admin-not-billing') |" in out
    )
    assert "| `admin-not-billing` | separation_of_duties | error |" in out


def test_policy_check_says_when_the_repo_itself_does_not_load(tmp_path, capsys):
    import shutil

    repo = tmp_path / "repo"
    shutil.copytree(EXAMPLE, repo)
    (repo / "roles.yaml").write_text("roles: {}\n")
    assert main(["policy", "check", "--repo", str(repo)]) == 1
    err = capsys.readouterr().err
    assert "outside policies/ keep the rules from being evaluated" in err
