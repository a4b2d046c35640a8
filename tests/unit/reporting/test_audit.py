"""The audit trail: hash-chained, append-only, and `verify` names the first broken entry."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from reconciler.cli import main
from reconciler.reporting import AuditError, AuditRecord, AuditTrail, records_for, verify
from reconciler.reporting.audit import GENESIS, entry_hash

AT = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)


def record(n: int, **changes) -> AuditRecord:
    values = {
        "at": AT + timedelta(minutes=n),
        "target": "production",
        "username": f"user{n}",
        "action": "deactivate",
        "reason": "git",
        "outcome": "verified",
        "desired_commit": "abc123",
    }
    return AuditRecord(**(values | changes))


@pytest.fixture
def trail(tmp_path: Path) -> Path:
    path = tmp_path / "audit" / "production.jsonl"
    AuditTrail(path).extend(record(n) for n in range(1, 6))
    return path


def rewrite(path: Path, edit) -> None:
    lines = path.read_text().splitlines()
    edit(lines)
    path.write_text("\n".join(lines) + "\n")


def test_entries_chain_each_to_the_line_before(trail):
    lines = trail.read_bytes().splitlines()
    entries = [json.loads(line) for line in lines]
    assert entries[0]["prev"] == GENESIS
    for before, entry in zip(lines, entries[1:], strict=False):
        assert entry["prev"] == hashlib.sha256(before).hexdigest()
    assert all(e["hash"] == entry_hash(e) for e in entries)
    assert verify(trail).ok and verify(trail).entries == 5


def test_an_edited_middle_entry_is_named(trail):
    rewrite(trail, lambda lines: lines.__setitem__(2, lines[2].replace('"verified"', '"failed"')))
    result = verify(trail)
    assert (result.ok, result.broken_line, result.entries) == (False, 3, 2)
    assert "edited" in result.problem
    assert result.render().startswith(f"{trail}:3: ")


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(trail):
    def forge(lines):
        entry = json.loads(lines[2])
        entry["outcome"] = "failed"
        entry["hash"] = entry_hash(entry)
        lines[2] = json.dumps(entry, sort_keys=True, separators=(",", ":"))

    rewrite(trail, forge)
    result = verify(trail)
    assert result.broken_line == 4
    assert "prev does not match line 3" in result.problem


def test_a_removed_entry_is_named(trail):
    rewrite(trail, lambda lines: lines.pop(1))
    assert verify(trail).broken_line == 2


def test_removing_the_first_entries_is_detected(trail):
    rewrite(trail, lambda lines: lines.pop(0))
    result = verify(trail)
    assert result.broken_line == 1 and "removed" in result.problem


def test_a_torn_last_line_stops_appending_and_is_named(trail):
    with trail.open("a") as out:
        out.write('{"action": "deac')
    with pytest.raises(AuditError, match="incomplete"):
        AuditTrail(trail).append(record(9))
    assert verify(trail).broken_line == 6


def test_appending_after_reopening_continues_the_chain(trail):
    AuditTrail(trail).append(record(6))
    assert verify(trail).entries == 6 and verify(trail).ok


def test_a_missing_trail_does_not_verify(tmp_path):
    assert not verify(tmp_path / "nope.jsonl").ok


def test_records_are_made_for_attempts_only(world, tmp_path):
    (tmp_path / "archives" / "production").mkdir(parents=True)
    (tmp_path / "archives" / "production" / "alan.turing.json").write_text("{}")
    records = records_for(
        world.result,
        target="production",
        desired_commit="abc",
        at=AT,
        times=world.clock.times,
        evidence_root=tmp_path,
    )
    # Plan order: revokes (and the whole offboarding) before grants.
    assert [(r.username, r.action, r.outcome) for r in records] == [
        ("alan.turing", "transfer_open_work", "verified"),
        ("alan.turing", "archive", "verified"),
        ("alan.turing", "revoke_groups", "verified"),
        ("alan.turing", "deactivate", "verified"),
        ("grace.hopper", "revoke_groups", "failed"),
        ("ada.lovelace", "create_account", "verified"),
        ("grace.hopper", "grant_groups", "skipped"),
    ]
    archive = next(r for r in records if r.action == "archive")
    assert archive.evidence_sha256 == hashlib.sha256(b"{}").hexdigest()
    assert all(r.at != AT for r in records)  # each has its own finishing time
    # Report mode: nothing attempted, nothing audited.
    assert records_for(world.result, target="sandbox", desired_commit="abc", at=AT) == []


def test_cli_verify_passes_an_intact_trail(trail, capsys):
    repo = trail.parent.parent
    assert main(["audit", "verify", "--repo", str(repo)]) == 0
    assert "5 entries, chain intact" in capsys.readouterr().out


def test_cli_verify_names_the_first_broken_entry(trail, capsys):
    rewrite(trail, lambda lines: lines.__setitem__(2, lines[2].replace("user3", "user3x")))
    assert main(["audit", "verify", "--repo", str(trail.parent.parent), "--target", "production"]) == 1
    assert f"error: {trail}:3: the entry does not match its own hash" in capsys.readouterr().err


def test_cli_verify_reads_a_trail_outside_the_repo(trail, tmp_path, capsys):
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "reconciler.yaml").write_text(f"report:\n  audit: {trail.parent}\n")
    assert main(["audit", "verify", "--repo", str(repo), "--target", "production"]) == 0
    assert main(["audit", "verify", "--path", str(trail)]) == 0
